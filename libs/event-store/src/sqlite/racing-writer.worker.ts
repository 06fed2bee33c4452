import { parentPort, workerData } from 'node:worker_threads';
import { writeWithRetries } from '../contract/fixtures';
import type { EventToAppend } from '../event-store.port';
import { openSqlite } from './open-sqlite';
import { SqliteEventStore } from './sqlite.event-store';

/** What the spec hands each thread. */
export type RacingWriterData = Readonly<{
  file: string;
  streamId: string;
  batches: EventToAppend[][];
  /** A shared counter: every writer waits for all the others before its first read. */
  start: SharedArrayBuffer;
  writers: number;
}>;

/**
 * Test support for the SQLite spec: one thread with its own connection, racing writers in
 * other threads on one stream, as separate processes on the same file would.
 */
async function race({ file, streamId, batches, start, writers }: RacingWriterData) {
  const db = openSqlite(file);
  try {
    const store = new SqliteEventStore(db);
    const arrived = new Int32Array(start);
    Atomics.add(arrived, 0, 1);
    Atomics.notify(arrived, 0);
    for (let seen = Atomics.load(arrived, 0); seen < writers; seen = Atomics.load(arrived, 0)) {
      Atomics.wait(arrived, 0, seen);
    }
    const { conflicts } = await writeWithRetries(store, streamId, batches);
    return conflicts;
  } finally {
    db.close();
  }
}

void race(workerData as RacingWriterData).then((conflicts) => parentPort?.postMessage(conflicts));
