import { createSqliteKysely, openSqlite } from '@app/event-store';
import { postgresRebuildSpace, rebuildProjections, sqliteRebuildSpace } from '@app/read-models';
import {
  ledgerVerifierOf,
  loadConfig,
  openStorage,
  progress,
  rebuildVerification,
  TamperingFoundError,
  TransparencyLedger,
} from '@app/runtime';
import type { CliCommand } from './command';

export const rebuildProjectionsCommand: CliCommand = {
  name: 'rebuild-projections',
  usage: `rebuild-projections
      replays the global log into fresh read-model tables (a scratch SQLite file, or a schema
      jv_rebuild on PostgreSQL) while the live ones serve, catches up to the head and switches
      in one transaction; safe to interrupt and rerun. It verifies the log as it goes (as
      ledger verify does): at tampering it stops, names it and exits 1, and the read models
      stay as they were. Progress on stderr (a bar on a terminal), the report as JSON on stdout`,
  run: rebuild,
};

async function rebuild(): Promise<void> {
  // The log is replayed from wherever the service keeps its events.
  const config = loadConfig();
  const storage = await openStorage(config);
  // The replay holds the SQLite connection in its transactions: the verifier reads the
  // transparency log beside it, on a connection of its own (PostgreSQL's pool has several).
  const logConnection = config.DATABASE_URL ? undefined : openSqlite(config.databaseFile);
  const logReads = logConnection
    ? (createSqliteKysely(logConnection) as unknown as typeof storage.readModels)
    : storage.readModels;
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
      verify: await rebuildVerification(
        ledgerVerifierOf(
          storage.events,
          TransparencyLedger.open(config, { events: storage.events, readModels: logReads }),
        ),
      ),
      onProgress: (replayed) => bar.update(replayed, replayed),
    });
    bar.finish({ position: report.position });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof TamperingFoundError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.stdout.write(`${JSON.stringify({ stopped: true, finding: error.finding }, null, 2)}\n`);
    process.exitCode = 1;
  } finally {
    if (logConnection) {
      await logReads.destroy();
      logConnection.close();
    }
    await storage.close();
  }
}
