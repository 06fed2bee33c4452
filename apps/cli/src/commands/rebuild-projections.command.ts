import { postgresRebuildSpace, rebuildProjections, sqliteRebuildSpace } from '@app/read-models';
import { loadConfig, openStorage, progress } from '@app/runtime';
import type { CliCommand } from './command';

export const rebuildProjectionsCommand: CliCommand = {
  name: 'rebuild-projections',
  usage: `rebuild-projections
      replays the global log into fresh read-model tables (a scratch SQLite file, or a schema
      jv_rebuild on PostgreSQL) while the live ones serve, catches up to the head and switches
      in one transaction; safe to interrupt and rerun. Progress on stderr (a bar on a terminal),
      the report as JSON on stdout`,
  run: rebuild,
};

async function rebuild(): Promise<void> {
  // The log is replayed from wherever the service keeps its events.
  const config = loadConfig();
  const storage = await openStorage(config);
  // The log's length is not known ahead (KurrentDB positions are not counts): the bar shows
  // the count and the rate, its total grows with it.
  const bar = progress({ operation: 'rebuild', total: 0, unit: 'events', out: process.stderr });
  try {
    const report = await rebuildProjections({
      db: storage.readModels,
      checkpoints: storage.checkpoints,
      events: storage.events,
      space: config.DATABASE_URL
        ? postgresRebuildSpace()
        : sqliteRebuildSpace({ directory: config.DATA_DIR }),
      onProgress: (replayed) => bar.update(replayed, replayed),
    });
    bar.finish({ position: report.position });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await storage.close();
  }
}
