import { Kysely, SqliteDialect } from 'kysely';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../sqlite/open-sqlite';
import { migrateToLatest } from './migrations';
import { FIXTURE_SETS, type FixtureSetKey } from './migrations.fixtures';

/** What the SQLite migrations spec hands each thread. */
export type MigratingWorkerData = Readonly<{
  file: string;
  set: FixtureSetKey;
  /** A shared counter: every runner waits for all the others before it starts. */
  start: SharedArrayBuffer;
  runners: number;
}>;

/**
 * Test support: one migration runner with its own connection to the file, in a thread of its
 * own, as one of several service processes starting together would be.
 */
async function run({ file, set, start, runners }: MigratingWorkerData) {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: openSqlite(file) }) });
  try {
    const arrived = new Int32Array(start);
    Atomics.add(arrived, 0, 1);
    Atomics.notify(arrived, 0);
    for (let seen = Atomics.load(arrived, 0); seen < runners; seen = Atomics.load(arrived, 0)) {
      Atomics.wait(arrived, 0, seen);
    }
    return await migrateToLatest(db, FIXTURE_SETS[set]);
  } finally {
    await db.destroy();
  }
}

void run(workerData as MigratingWorkerData).then((report) => parentPort?.postMessage(report));
