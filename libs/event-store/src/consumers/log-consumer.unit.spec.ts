import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type {
  EventReader,
  GlobalPosition,
  RecordedEvent,
  SubscriptionOptions,
} from '../event-store.port';
import { openSqlite } from '../sqlite/open-sqlite';
import { createSqliteKysely } from '../sql/sqlite-kysely';
import { LogConsumer } from './log-consumer';
import { migrateConsumerTables, type ConsumerTables } from './consumer-tables';
import { SqlCheckpointStore } from './sql-checkpoint-store';

/** Stands in for the store's subscription, so a test decides what is delivered and when. */
class ScriptedLog implements Pick<EventReader, 'subscribeToAll'> {
  options: SubscriptionOptions | undefined;
  stopped = false;

  subscribeToAll(options: SubscriptionOptions) {
    this.options = options;
    return {
      caughtUp: Promise.resolve(),
      lastProcessed: undefined,
      stop: async () => void (this.stopped = true),
    };
  }

  /** Delivers a batch the way the store does: a rejection is reported, then surfaces. */
  async deliver(batch: readonly RecordedEvent[]): Promise<void> {
    try {
      await this.options!.handle(batch);
    } catch (error) {
      this.options!.onError?.(error, 1);
      throw error;
    }
  }
}

/** A read model of one table: the ids of the events applied, written in the batch's transaction. */
type Db = ConsumerTables & { applied: { event_id: string } };

const event = (n: number): RecordedEvent => ({
  id: `e-${n}`,
  streamId: 'joint-venture-1',
  type: 'Happened',
  revision: n - 1,
  position: BigInt(n * 10),
  data: {},
  metadata: {},
  committedAt: '2025-01-01T00:00:00.000Z',
});
const events = [1, 2, 3, 4, 5].map(event);

describe('LogConsumer, transactional (a read model)', () => {
  let connection: Database.Database;
  let db: Kysely<Db>;
  let checkpoints: SqlCheckpointStore<Db>;
  let log: ScriptedLog;
  let failNext: string | undefined;
  let consumer: LogConsumer<Kysely<Db>>;

  const applied = async () =>
    (await db.selectFrom('applied').select('event_id').orderBy('event_id').execute()).map(
      (row) => row.event_id,
    );

  beforeEach(async () => {
    connection = openSqlite(':memory:');
    db = createSqliteKysely<Db>(connection);
    await migrateConsumerTables(db.schema);
    await db.schema.createTable('applied').addColumn('event_id', 'text').execute();
    checkpoints = new SqlCheckpointStore(db);
    log = new ScriptedLog();
    failNext = undefined;
    consumer = new LogConsumer({
      name: 'Applied',
      events: log,
      checkpoints,
      streamPrefix: 'joint-venture-',
      handler: {
        kind: 'transactional',
        handle: async (batch, trx) => {
          for (const e of batch) {
            await trx.insertInto('applied').values({ event_id: e.id }).execute();
            if (failNext === e.id) throw new Error(`cannot apply ${e.id}`);
          }
        },
      },
    });
  });
  afterEach(async () => {
    await consumer.stop();
    await db.destroy();
    connection.close();
  });

  it('subscribes to its streams after its stored checkpoint', async () => {
    await checkpoints.store('Applied', 41n);

    await consumer.start();

    expect(log.options).toMatchObject({ after: 41n, streamPrefix: 'joint-venture-' });
    expect(consumer.status()).toEqual({
      name: 'Applied',
      checkpoint: '41',
      running: true,
      role: 'active',
      caughtUp: true,
      handled: 0,
      parked: 0,
      degraded: false,
      lastError: null,
      lease: null,
    });
  });

  it('applies a batch and stores the position of its last event in the same commit', async () => {
    await consumer.start();

    await log.deliver(events);

    expect(await applied()).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(await checkpoints.load('Applied')).toBe(50n);
    expect(consumer.status()).toMatchObject({ checkpoint: '50', handled: 5 });
  });

  it('changes nothing when a batch is redelivered', async () => {
    await consumer.start();
    await log.deliver(events);

    await log.deliver(events.slice(2));

    expect(await applied()).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(consumer.status().handled).toBe(5);
  });

  it('skips what a checkpoint stored elsewhere (a rebuild) already covers', async () => {
    await consumer.start();
    await checkpoints.store('Applied', 30n);

    await log.deliver(events);

    expect(await applied()).toEqual(['e-4', 'e-5']);
    expect(await checkpoints.load('Applied')).toBe(50n);
  });

  it('commits nothing of a failing batch and reports the error until a batch succeeds', async () => {
    await consumer.start();
    failNext = 'e-3';

    await expect(log.deliver(events)).rejects.toThrow('cannot apply e-3');

    expect(await applied()).toEqual([]);
    expect(await checkpoints.load('Applied')).toBeUndefined();
    expect(consumer.status()).toMatchObject({
      checkpoint: null,
      degraded: true,
      lastError: 'cannot apply e-3',
    });
    failNext = undefined;
    await log.deliver(events);
    expect(consumer.status()).toMatchObject({ checkpoint: '50', degraded: false, lastError: null });
  });

  it('lets a caller wait until a position is applied', async () => {
    await consumer.start();
    let reached: GlobalPosition | undefined;
    const waiting = consumer.waitFor(40n).then(() => (reached = 40n));

    await log.deliver(events.slice(0, 3));
    await Promise.resolve();
    expect(reached).toBeUndefined();
    await log.deliver(events.slice(3));
    await waiting;

    expect(reached).toBe(40n);
    await expect(consumer.waitFor(20n)).resolves.toBeUndefined();
  });

  it('stops its subscription and rejects whoever still waits', async () => {
    await consumer.start();
    const waiting = consumer.waitFor(100n);

    await consumer.stop();

    expect(log.stopped).toBe(true);
    await expect(waiting).rejects.toThrow('consumer Applied stopped');
    expect(consumer.status().running).toBe(false);
  });
});
