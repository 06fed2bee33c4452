import { JointVentureNotFoundError } from '@app/domain';
import { loadConfig, NotYetInLogError, openStorage, TransparencyLedger } from '@app/runtime';
import { isUUID } from 'class-validator';
import { UsageError } from '../usage-error';
import type { CliCommand } from './command';

export const exportCommand: CliCommand = {
  name: 'export',
  usage: `export <joint-venture id> > bundle.json
      prints the JV's bundle (jv-ledger-bundle/1): its events, a signed checkpoint covering them
      (signed now if the latest does not), the proofs and the keys; check it with verify-bundle`,
  run: exportBundle,
};

async function exportBundle(args: string[]): Promise<void> {
  const [id, ...rest] = args;
  if (id === undefined || rest.length > 0 || !isUUID(id))
    throw new UsageError('export takes one argument, the id (a UUID) of a joint venture');
  const config = loadConfig();
  const storage = await openStorage(config);
  try {
    const bundle = await TransparencyLedger.open(config, storage).exportBundle(id);
    process.stdout.write(`${JSON.stringify(bundle, null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof JointVentureNotFoundError || error instanceof NotYetInLogError))
      throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await storage.close();
  }
}
