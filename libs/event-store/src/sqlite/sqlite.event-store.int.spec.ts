import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { newEvents, newStreamId, Collector, idsOf } from '../contract/fixtures';
import { eventStoreContract } from '../testing';
import { openSqlite } from './open-sqlite';
import type { RacingWriterData } from './racing-writer.worker';
import { SqliteEventStore } from './sqlite.event-store';

const fast = { pollIntervalMs: 20, retryInitialDelayMs: 1, retryMaxDelayMs: 10 };

/** Runs `racing-writer.worker.ts` in a thread (compiled on the fly, as jest does not reach it). */
function racingWriter(data: RacingWriterData): Promise<number> {
  const bootstrap = `require('ts-node').register({ transpileOnly: true });
    require(${JSON.stringify(join(__dirname, 'racing-writer.worker.ts'))});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`writer thread exited with ${code}`)));
  });
}

/** A database file in a fresh temporary folder, removed by `cleanup`. */
function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  return { file: join(dir, 'ledger.db'), cleanup: () => rmSync(dir, { recursive: true }) };
}

eventStoreContract('SqliteEventStore', async () => {
  const temp = tempFile();
  const db = openSqlite(temp.file);
  const store = new SqliteEventStore(db, { subscriptions: fast });
  return {
    store,
    cleanup: async () => {
      await store.close();
      db.close();
      temp.cleanup();
    },
  };
});

describe('SqliteEventStore on a file', () => {
  let temp: ReturnType<typeof tempFile>;
  beforeEach(() => (temp = tempFile()));
  afterEach(() => temp.cleanup());

  it('keeps events across closing and reopening the file', async () => {
    const streamId = newStreamId();
    const events = newEvents(3);
    const db = openSqlite(temp.file);
    const result = await new SqliteEventStore(db).appendToStream(streamId, events);
    db.close();

    const reopened = openSqlite(temp.file);
    const store = new SqliteEventStore(reopened);
    const read = await store.readStream(streamId);
    const next = await store.appendToStream(streamId, newEvents(1), { expectedRevision: 2 });
    reopened.close();

    expect(idsOf(read)).toEqual(idsOf(events));
    expect(read.at(-1)?.position).toBe(result.position);
    expect(next.nextExpectedRevision).toBe(3);
    expect(next.position > result.position).toBe(true);
  });

  it("lets two stores on one file see each other's appends through polling", async () => {
    const [dbA, dbB] = [openSqlite(temp.file), openSqlite(temp.file)];
    const [storeA, storeB] = [
      new SqliteEventStore(dbA, { subscriptions: fast }),
      new SqliteEventStore(dbB, { subscriptions: fast }),
    ];
    const streamId = newStreamId();
    const collector = new Collector();
    const subscription = storeA.subscribeToAll({
      streamPrefix: streamId,
      handle: collector.handle,
    });
    await subscription.caughtUp;

    // B's appends do not notify A's subscription: only its polling can find them.
    const first = newEvents(2);
    await storeB.appendToStream(streamId, first);
    await collector.until(2);
    const second = newEvents(1);
    await storeA.appendToStream(streamId, second, { expectedRevision: 1 });
    await collector.until(3);
    await subscription.stop();

    expect(idsOf(collector.events)).toEqual(idsOf([...first, ...second]));
    expect(idsOf(await storeB.readStream(streamId))).toEqual(idsOf([...first, ...second]));
    for (const db of [dbA, dbB]) db.close();
  });

  it('refuses a stale write from a second connection to the same file', async () => {
    const [dbA, dbB] = [openSqlite(temp.file), openSqlite(temp.file)];
    const [storeA, storeB] = [new SqliteEventStore(dbA), new SqliteEventStore(dbB)];
    const streamId = newStreamId();
    await storeA.appendToStream(streamId, newEvents(1), { expectedRevision: 'no_stream' });

    await expect(
      storeB.appendToStream(streamId, newEvents(1), { expectedRevision: 'no_stream' }),
    ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actual: 0 });
    for (const db of [dbA, dbB]) db.close();
  });

  it('waits without blocking the event loop while this process holds the write lock elsewhere', async () => {
    // The embedded process: a projection's transaction on another connection holds the lock
    // across awaits; the append must wait asynchronously so that transaction can commit.
    const [events, readModels] = [
      openSqlite(temp.file, { busyTimeoutMs: 0 }),
      openSqlite(temp.file),
    ];
    const store = new SqliteEventStore(events);
    readModels.exec('create table if not exists projection_rows (id integer)');
    readModels.exec('begin immediate');
    readModels.exec('insert into projection_rows values (1)');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        readModels.exec('commit');
        resolve();
      }, 50),
    );

    const appended = store.appendToStream(newStreamId(), newEvents(1));
    await released;
    await expect(appended).resolves.toMatchObject({ nextExpectedRevision: 0 });
    await store.close();
    for (const db of [events, readModels]) db.close();
  });

  it('gives up with SQLITE_BUSY once the lock wait is over', async () => {
    const [events, other] = [openSqlite(temp.file, { busyTimeoutMs: 0 }), openSqlite(temp.file)];
    const store = new SqliteEventStore(events, { lockWaitMs: 30 });
    other.exec('begin immediate');
    await expect(store.appendToStream(newStreamId(), newEvents(1))).rejects.toMatchObject({
      code: 'SQLITE_BUSY',
    });
    other.exec('rollback');
    await store.close();
    for (const db of [events, other]) db.close();
  });

  it('serialises writers on separate connections in separate threads', async () => {
    const streamId = newStreamId();
    const writers = 4;
    const start = new SharedArrayBuffer(4);
    const batches = Array.from({ length: writers }, () =>
      Array.from({ length: 25 }, () => newEvents(2)),
    );

    await Promise.all(
      batches.map((own) =>
        racingWriter({ file: temp.file, streamId, batches: own, start, writers }),
      ),
    );

    const db = openSqlite(temp.file);
    const read = await new SqliteEventStore(db).readStream(streamId);
    db.close();
    expect(read.map((event) => event.revision)).toEqual([...Array(200).keys()]);
    expect(new Set(idsOf(read))).toEqual(new Set(idsOf(batches.flat(2))));
  }, 60_000);
});
