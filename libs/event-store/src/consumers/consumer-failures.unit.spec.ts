/**
 * A consumer under trouble: an event its handler keeps refusing (parked as a dead letter, in
 * order per stream), an outage (never parked), and two processes competing for its lease
 * (fenced checkpoint writes). Real SQLite tables, a scripted log.
 */
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { EventReader, RecordedEvent, SubscriptionOptions } from '../event-store.port';
import { openSqlite } from '../sqlite/open-sqlite';
import { createSqliteKysely } from '../sql/sqlite-kysely';
import { FencedOffError } from './consumer-errors';
import { migrateConsumerTables, type ConsumerTables } from './consumer-tables';
import { LogConsumer } from './log-consumer';
import { SqlCheckpointStore } from './sql-checkpoint-store';
import { SqlDeadLetterStore } from './sql-dead-letter-store';
import { SqlLeaseStore } from './sql-lease-store';

class ScriptedLog implements Pick<EventReader, 'subscribeToAll'> {
  options: SubscriptionOptions | undefined;
  subscribeToAll(options: SubscriptionOptions) {
    this.options = options;
    return { caughtUp: Promise.resolve(), lastProcessed: undefined, stop: async () => undefined };
  }
  /** One delivery attempt, as the subscription makes them: resolves true when accepted. */
  async attempt(batch: readonly RecordedEvent[]): Promise<boolean> {
    try {
      await this.options!.handle(batch);
      return true;
    } catch (error) {
      this.options!.onError?.(error, 1);
      return false;
    }
  }
}

type Db = ConsumerTables & { applied: { event_id: string } };

let position = 0n;
const event = (stream: string, revision: number): RecordedEvent => ({
  id: `${stream}#${revision}`,
  streamId: `joint-venture-${stream}`,
  type: 'Happened',
  revision,
  position: (position += 10n),
  data: {},
  metadata: {},
  committedAt: '2025-01-01T00:00:00.000Z',
});

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 5 s');
}

describe('LogConsumer with dead letters', () => {
  let connection: Database.Database;
  let db: Kysely<Db>;
  let letters: SqlDeadLetterStore<Db>;
  let log: ScriptedLog;
  let refuse: Set<string>;
  let outage: boolean;
  let consumer: LogConsumer<Kysely<Db>>;

  const applied = async () =>
    (await db.selectFrom('applied').select('event_id').execute()).map((row) => row.event_id);

  beforeEach(async () => {
    connection = openSqlite(':memory:');
    db = createSqliteKysely<Db>(connection);
    await migrateConsumerTables(db.schema);
    await db.schema.createTable('applied').addColumn('event_id', 'text').execute();
    letters = new SqlDeadLetterStore(db);
    log = new ScriptedLog();
    refuse = new Set();
    outage = false;
    consumer = new LogConsumer({
      name: 'Applied',
      events: log,
      checkpoints: new SqlCheckpointStore(db),
      deadLetters: { store: letters, afterAttempts: 3, retryPollMs: 10 },
      handler: {
        kind: 'transactional',
        isTransient: (error) => (error as Error).message === 'database unreachable',
        handle: async (batch, trx) => {
          if (outage) throw new Error('database unreachable');
          for (const e of batch) {
            if (refuse.has(e.id)) throw new Error(`cannot apply ${e.id}`);
            await trx.insertInto('applied').values({ event_id: e.id }).execute();
          }
        },
      },
    });
    await consumer.start();
  });
  afterEach(async () => {
    await consumer.stop();
    await db.destroy();
    connection.close();
  });

  it('parks a refused event and the later events of its stream, in order, while other streams go on', async () => {
    const [a0, b0, a1, b1, a2] = [
      event('a', 0),
      event('b', 0),
      event('a', 1),
      event('b', 1),
      event('a', 2),
    ];
    refuse.add(a1.id);

    for (let attempt = 1; attempt <= 3; attempt++)
      expect(await log.attempt([a0, b0, a1, b1])).toBe(false);
    expect(await applied()).toEqual([]);
    expect(await log.attempt([a0, b0, a1, b1])).toBe(true);
    expect(await log.attempt([a2])).toBe(true);

    expect((await applied()).sort()).toEqual([a0.id, b0.id, b1.id]);
    const parked = await letters.list('Applied');
    expect(parked.map((l) => [l.event.id, l.status])).toEqual([
      [a1.id, 'failed'],
      [a2.id, 'waiting'],
    ]);
    expect(parked[0]).toMatchObject({ error: `cannot apply ${a1.id}`, attempts: 3 });
    expect(consumer.status()).toMatchObject({
      checkpoint: String(a2.position),
      parked: 2,
      degraded: true,
    });
  });

  it('handles a parked stream again, in order, once the cause is fixed and a retry is asked, without a restart', async () => {
    const [a0, a1, a2] = [event('a', 0), event('a', 1), event('a', 2)];
    refuse.add(a1.id);
    for (let attempt = 1; attempt <= 4; attempt++) await log.attempt([a0, a1]);
    await log.attempt([a2]);

    refuse.delete(a1.id);
    expect(await letters.requestRetry({ all: true })).toBe(1);
    await until(async () => (await letters.list('Applied')).length === 0);

    expect(await applied()).toEqual([a0.id, a1.id, a2.id]);
    await until(() => consumer.status().parked === 0);
    expect(consumer.status().degraded).toBe(false);
  });

  it('after a skip, keeps who and why, and handles what waited behind the skipped event', async () => {
    const [a0, a1, a2] = [event('a', 0), event('a', 1), event('a', 2)];
    refuse.add(a1.id);
    for (let attempt = 1; attempt <= 4; attempt++) await log.attempt([a0, a1, a2]);
    const [failed] = await letters.list('Applied');

    expect(
      await letters.skip(failed.id, 'operator olga', 'bad data, corrected by a later event'),
    ).toBe(true);
    await until(async () => (await applied()).includes(a2.id));

    expect(await applied()).toEqual([a0.id, a2.id]);
    expect(await letters.list('Applied')).toEqual([
      expect.objectContaining({
        status: 'skipped',
        skipped: expect.objectContaining({
          by: 'operator olga',
          reason: 'bad data, corrected by a later event',
        }),
      }),
    ]);
  });

  it('never parks during an outage: the batch is retried for as long as it lasts', async () => {
    const batch = [event('a', 0), event('a', 1)];
    outage = true;
    for (let attempt = 1; attempt <= 10; attempt++) expect(await log.attempt(batch)).toBe(false);
    outage = false;

    expect(await log.attempt(batch)).toBe(true);
    expect(await applied()).toEqual(batch.map((e) => e.id));
    expect(await letters.list()).toEqual([]);
  });
});

describe('LogConsumer with a lease', () => {
  let connection: Database.Database;
  let db: Kysely<Db>;
  let now: number;
  let leases: SqlLeaseStore<Db>;
  const consumers: LogConsumer<Kysely<Db>>[] = [];

  const consumerAs = (holder: string, log: ScriptedLog) => {
    const consumer = new LogConsumer({
      name: 'Applied',
      events: log,
      checkpoints: new SqlCheckpointStore(db),
      lease: { store: leases, holder, ttlMs: 60 },
      clock: () => now,
      handler: {
        kind: 'transactional',
        handle: async (batch, trx) => {
          for (const e of batch)
            await trx.insertInto('applied').values({ event_id: e.id }).execute();
        },
      },
    });
    consumers.push(consumer);
    return consumer;
  };

  beforeEach(async () => {
    connection = openSqlite(':memory:');
    db = createSqliteKysely<Db>(connection);
    await migrateConsumerTables(db.schema);
    await db.schema.createTable('applied').addColumn('event_id', 'text').execute();
    now = 1_000_000;
    leases = new SqlLeaseStore(db, () => now);
  });
  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.stop();
    await db.destroy();
    connection.close();
  });

  it('runs in one process only; a standby takes over (epoch + 1) once the lease expires', async () => {
    const [logA, logB] = [new ScriptedLog(), new ScriptedLog()];
    const a = consumerAs('host-a:1:x', logA);
    const b = consumerAs('host-b:2:y', logB);
    await a.start();
    await until(() => a.status().role === 'active');
    await b.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(b.status()).toMatchObject({ role: 'standby', running: false });
    expect(a.status().lease).toEqual({ holder: 'host-a:1:x', epoch: 1 });

    // A stops and gives its lease up: the standby takes it over at its next turn.
    await a.stop();
    await until(() => b.status().role === 'active');
    expect(b.status().lease).toEqual({ holder: 'host-b:2:y', epoch: 2 });
  });

  it('refuses a checkpoint write under a stale epoch, and the handler writes nothing with it', async () => {
    const checkpoints = new SqlCheckpointStore(db);
    const old = await leases.acquire('Applied', 'host-a:1:x', 60);
    now += 61; // expired: another process takes over
    const current = await leases.acquire('Applied', 'host-b:2:y', 60);
    expect(current?.epoch).toBe(old!.epoch + 1);

    await expect(
      checkpoints.transaction(async (trx) => {
        await trx.insertInto('applied').values({ event_id: 'late write' }).execute();
        await checkpoints.store('Applied', 70n, trx, { epoch: old!.epoch });
      }),
    ).rejects.toBeInstanceOf(FencedOffError);

    expect(await db.selectFrom('applied').selectAll().execute()).toEqual([]);
    expect(await checkpoints.load('Applied')).toBeUndefined();
    await checkpoints.store('Applied', 70n, undefined, { epoch: current!.epoch });
    expect(await checkpoints.load('Applied')).toBe(70n);
  });

  it('stands down when its lease was taken over, without writing the batch it was handling', async () => {
    const log = new ScriptedLog();
    const a = consumerAs('host-a:1:x', log);
    await a.start();
    await until(() => a.status().role === 'active');
    // Another process took the lease over while this one was paused past its expiry.
    now += 61;
    await leases.acquire('Applied', 'host-b:2:y', 60);

    expect(await log.attempt([event('a', 0)])).toBe(false);
    await until(() => a.status().role !== 'active');
    expect(await db.selectFrom('applied').selectAll().execute()).toEqual([]);
    expect(await new SqlCheckpointStore(db).load('Applied')).toBeUndefined();
  });
});
