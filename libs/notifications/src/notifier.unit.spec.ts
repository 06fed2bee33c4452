import {
  createSqliteKysely,
  InMemoryEventStore,
  migrateConsumerTables,
  openSqlite,
  SqlCheckpointStore,
  type ConsumerTables,
  type LogConsumer,
} from '@app/event-store';
import { JointVentureHistory } from '@test/support/joint-venture-history';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { LifecycleCloudEvent } from './integration-events';
import type { NotificationPublisher } from './notification-publisher.port';
import { NOTIFIER_NAME, notifier as createNotifier, type NotifierOptions } from './notifier';

/** A broker stand-in for the notifier's unit tests: records what it acknowledged. */
class RecordingPublisher implements NotificationPublisher {
  readonly acknowledged: LifecycleCloudEvent[] = [];
  failuresLeft = 0;
  attempts = 0;
  /** While set, publish waits for it: a broker that neither answers nor refuses. */
  hold: Promise<void> | undefined;

  async publish(_topic: string, events: readonly LifecycleCloudEvent[]): Promise<void> {
    this.attempts += 1;
    await this.hold;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('broker unreachable');
    }
    this.acknowledged.push(...events);
  }

  isTransient(error: unknown): boolean {
    return (error as Error).message === 'broker unreachable';
  }

  async disconnect(): Promise<void> {}
}

const fast = { pollIntervalMs: 10, retryInitialDelayMs: 1, retryMaxDelayMs: 5 };
const settings = { source: '/jv-ledger/test', schemaBaseUri: 'https://schemas.test/' };

async function until(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !check(); attempt += 1)
    await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('notifier', () => {
  let connection: Database.Database;
  let db: Kysely<ConsumerTables>;
  let checkpoints: SqlCheckpointStore<ConsumerTables>;
  let store: InMemoryEventStore;
  let publisher: RecordingPublisher;
  let notifier: LogConsumer<Kysely<ConsumerTables>>;
  const readCheckpoint = () => checkpoints.load(NOTIFIER_NAME);

  /** A notifier on this test's store and checkpoints (stopping the one running, if any). */
  const renewNotifier = async (
    options: Partial<NotifierOptions<Kysely<ConsumerTables>>> = {},
  ): Promise<LogConsumer<Kysely<ConsumerTables>>> => {
    await notifier?.stop();
    notifier = createNotifier({
      checkpoints,
      events: store,
      publisher,
      cloudEvents: settings,
      maxBatchSize: 4,
      checkpointIntervalMs: 20,
      ...options,
    });
    return notifier;
  };

  beforeEach(async () => {
    connection = openSqlite(':memory:');
    db = createSqliteKysely<ConsumerTables>(connection);
    await migrateConsumerTables(db.schema);
    checkpoints = new SqlCheckpointStore(db);
    store = new InMemoryEventStore({ subscriptions: fast });
    publisher = new RecordingPublisher();
    notifier = undefined as unknown as LogConsumer<Kysely<ConsumerTables>>;
    await renewNotifier();
  });
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await notifier.stop();
    await store.close();
    await db.destroy();
    connection.close();
  });

  const append = async (history: JointVentureHistory) => {
    await store.appendToStream(history.streamId, history.toAppend(), {
      expectedRevision: 'no_stream',
    });
    return history;
  };

  it('publishes every event in order, then advances its checkpoint', async () => {
    const a = await append(new JointVentureHistory().fullLifecycle());
    const b = await append(new JointVentureHistory().established());
    await notifier.start();
    await until(() => publisher.acknowledged.length === a.events.length + 1);

    expect(publisher.acknowledged.map((m) => m.id)).toEqual(
      [...a.events, ...b.events].map((e) => e.id),
    );
    const head = (await store.readAll()).at(-1)!.position;
    let stored: bigint | undefined;
    await until(() => {
      void readCheckpoint().then((value) => (stored = value));
      return stored === head;
    });
    expect(notifier.status()).toMatchObject({
      running: true,
      degraded: false,
      handled: a.events.length + 1,
    });
  });

  it('while the broker is unreachable, retries the same batch, shows degraded, and loses nothing', async () => {
    publisher.failuresLeft = 5;
    const a = await append(new JointVentureHistory().fullLifecycle());
    await notifier.start();
    await until(() => publisher.attempts >= 3);
    expect(notifier.status()).toMatchObject({
      degraded: true,
      lastError: 'broker unreachable',
      checkpoint: null,
    });
    expect(await readCheckpoint()).toBeUndefined();

    await until(() => publisher.acknowledged.length === a.events.length);
    expect(publisher.acknowledged.map((m) => m.streamrevision)).toEqual(
      a.events.map((_, revision) => revision),
    );
    expect(notifier.status().degraded).toBe(false);
  });

  it('shows degraded while a publish hangs longer than stalledAfterMs, and recovers when it lands', async () => {
    let now = 1_000_000;
    await renewNotifier({ stalledAfterMs: 30, clock: () => now });
    let release!: () => void;
    publisher.hold = new Promise((resolve) => (release = resolve));
    cleanups.push(() => release());
    const a = await append(new JointVentureHistory().established());
    await notifier.start();
    await until(() => publisher.attempts === 1);
    now += 30;
    expect(notifier.status().degraded).toBe(false);
    now += 1;
    expect(notifier.status()).toMatchObject({
      degraded: true,
      lastError: 'handling a batch for 31 ms',
    });

    release();
    await until(() => publisher.acknowledged.length === a.events.length);
    expect(notifier.status()).toMatchObject({ degraded: false, lastError: null });
  });

  it('coalesces checkpoint writes, never past what was acknowledged, and stores the last on stop', async () => {
    await renewNotifier({ checkpointIntervalMs: 60_000 });
    const a = await append(new JointVentureHistory().fullLifecycle());
    await notifier.start();
    await until(() => publisher.acknowledged.length === a.events.length);
    // Acknowledged, not yet stored: a crash now would resend (at least once), never skip.
    expect(await readCheckpoint()).toBeUndefined();
    await notifier.stop();
    const head = (await store.readAll()).at(-1)!.position;
    expect(await readCheckpoint()).toBe(head);
  });

  it('with checkpointIntervalMs 0, stores the checkpoint before taking the next batch', async () => {
    const stores: (bigint | undefined)[] = [];
    const publishing = new RecordingPublisher();
    const original = publishing.publish.bind(publishing);
    publishing.publish = async (topic, events) => {
      stores.push(await readCheckpoint());
      return original(topic, events);
    };
    await renewNotifier({ publisher: publishing, checkpointIntervalMs: 0 });
    const a = await append(new JointVentureHistory().fullLifecycle());
    await notifier.start();
    await until(() => publishing.acknowledged.length === a.events.length);
    const positions = (await store.readAll()).map((event) => event.position);
    expect(stores).toHaveLength(Math.ceil(a.events.length / 4));
    // Before batch n (of 4 events), the checkpoint is the last position of batch n - 1.
    expect(stores).toEqual(stores.map((_, n) => (n === 0 ? undefined : positions[n * 4 - 1])));
  });

  it('resumes after a restart from its checkpoint, without resending what was acknowledged', async () => {
    const a = await append(new JointVentureHistory().fullLifecycle());
    await notifier.start();
    await until(() => publisher.acknowledged.length === a.events.length);
    await notifier.stop();

    const b = await append(new JointVentureHistory().established());
    const restarted = new RecordingPublisher();
    await renewNotifier({ publisher: restarted });
    await notifier.start();
    await until(() => restarted.acknowledged.length === 1);
    expect(restarted.acknowledged.map((m) => m.id)).toEqual([b.events[0].id]);
  });
});
