import { loadConfig, openStorage, TransparencyLedger } from '@app/runtime';
import { UsageError } from '../usage-error';
import type { CliCommand } from './command';

export const checkpointCommand: CliCommand = {
  name: 'checkpoint',
  usage: `checkpoint
      signs a checkpoint of the transparency log now and prints it (JSON: note, treeSize,
      rootHash, signedAt, position); fails while the log is empty`,
  run: checkpoint,
};

async function checkpoint(args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError('checkpoint takes no argument');
  const config = loadConfig();
  const storage = await openStorage(config);
  try {
    const signed = await TransparencyLedger.open(config, storage).signNow();
    if (signed === undefined) throw new Error('the transparency log is empty: nothing to sign');
    process.stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
  } finally {
    await storage.close();
  }
}
