import { verifyBundleMain } from '@app/transparency';
import type { CliCommand } from './command';

export const verifyBundleCommand: CliCommand = {
  name: 'verify-bundle',
  usage: `verify-bundle <bundle.json> --trusted-key <verifier key> [--trusted-key ...] [--json]
      checks an export offline (libs/transparency/src/verifier/offline.verifier.ts, Node
      built-ins only): every hash, chain link, inclusion proof, the head proof and the signature;
      exit 0 when all hold, 1 naming the first failure, 2 for a usage error or unreadable file`,
  run: verifyBundle,
};

async function verifyBundle(args: string[]): Promise<void> {
  // The verifier prints its own usage line and verdict; its exit code is the command's.
  process.exitCode = verifyBundleMain(args);
}
