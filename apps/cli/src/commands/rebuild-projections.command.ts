import { rebuildProjections, sqliteRebuildSpace } from '@app/read-models';
import { loadConfig, openStorage } from '@app/runtime';
import type { CliCommand } from './command';

export const rebuildProjectionsCommand: CliCommand = {
  name: 'rebuild-projections',
  usage: `rebuild-projections
      replays the global log into fresh read-model tables and switches to them`,
  run: rebuild,
};

async function rebuild(): Promise<void> {
  // The log is replayed from wherever the service keeps its events.
  const config = loadConfig();
  const storage = await openStorage(config);
  try {
    const report = await rebuildProjections({
      db: storage.readModels,
      checkpoints: storage.checkpoints,
      events: storage.events,
      space: sqliteRebuildSpace({ directory: config.DATA_DIR }),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await storage.close();
  }
}
