/**
 * 4. rebuildProjections over the same log: replays every event into scratch tables (an
 * attached SQLite file, or a schema on PostgreSQL) and swaps them into the live read models.
 */
import { postgresRebuildSpace, rebuildProjections, sqliteRebuildSpace } from '@app/read-models';
import {
  createPostgresDb,
  openSqlite,
  SqlCheckpointStore,
  SqliteEventStore,
} from '@app/event-store';
import type { ReadModelDb } from '@app/read-models';
import { migrateStorage } from '@app/runtime';
import { join } from 'node:path';
import { startPostgres } from '../services/postgres';
import { performance } from 'node:perf_hooks';
import { openLogStorage } from './support/log-storage';
import { int, ms, perSecond, since } from './support/stats';
import type { Row } from './support/table';
import { DATABASE_FILE } from './support/temp-dirs';

export type RebuildResult = Readonly<{
  /** Where the read models are: SQLite at this synchronous level, or PostgreSQL. */
  synchronous: 'FULL' | 'NORMAL' | 'PostgreSQL';
  events: number;
  elapsedMs: number;
}>;

export async function measureRebuild(
  dir: string,
  synchronous: 'FULL' | 'NORMAL',
): Promise<RebuildResult> {
  const storage = await openLogStorage(join(dir, DATABASE_FILE), synchronous);
  try {
    const start = performance.now();
    const report = await rebuildProjections({
      db: storage.readModels,
      checkpoints: storage.checkpoints,
      events: storage.events,
      space: sqliteRebuildSpace({ directory: dir }),
    });
    return { synchronous, events: report.eventsReplayed, elapsedMs: since(start) };
  } finally {
    await storage.close();
  }
}

/**
 * The same log (events in the bench's SQLite file) rebuilt into read models on a real
 * PostgreSQL started by the test harness (local binaries or a container); undefined without one.
 */
export async function measurePostgresRebuild(dir: string): Promise<RebuildResult | undefined> {
  let pg;
  try {
    pg = await startPostgres();
  } catch (error) {
    process.stderr.write(`  no PostgreSQL for the rebuild row: ${String(error)}\n`);
    return undefined;
  }
  try {
    const url = await pg.createDatabase('bench_rebuild');
    // Not a topology the apps offer (PostgreSQL goes with KurrentDB): the events are read from
    // the bench's SQLite log, so the row measures the replay into PostgreSQL and the switch.
    const db = createPostgresDb<ReadModelDb>({ url });
    const connection = openSqlite(join(dir, DATABASE_FILE), { synchronous: 'NORMAL' });
    const events = new SqliteEventStore(connection);
    try {
      await migrateStorage(db);
      const start = performance.now();
      const report = await rebuildProjections({
        db,
        checkpoints: new SqlCheckpointStore(db),
        events,
        space: postgresRebuildSpace(),
      });
      return { synchronous: 'PostgreSQL', events: report.eventsReplayed, elapsedMs: since(start) };
    } finally {
      await events.close();
      connection.close();
      await db.destroy();
    }
  } finally {
    await pg.dispose();
  }
}

export function rebuildRows(result: RebuildResult): Row[] {
  return [
    {
      benchmark: '4. rebuildProjections (3 projections)',
      setting:
        result.synchronous === 'PostgreSQL'
          ? `read models on PostgreSQL, events in SQLite, ${int(result.events)} events`
          : `sync=${result.synchronous}, ${int(result.events)} events`,
      figure: `${int(perSecond(result.events, result.elapsedMs))} events/s (${ms(result.elapsedMs)})`,
      target: 'none stated',
    },
  ];
}
