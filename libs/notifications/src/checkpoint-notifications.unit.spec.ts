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
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import {
  CHECKPOINT_NOTIFICATION_TYPE,
  CHECKPOINT_SIGNED,
  CHECKPOINT_STREAM,
  type ConsistencyProofs,
} from './checkpoint-notifications';
import type { CloudEvent } from './integration-events';
import type { NotificationPublisher } from './notification-publisher.port';
import { checkpointNotifier } from './notifier';
import { schemaErrorsOf } from './testing';

const ORIGIN = 'jv-ledger.example/transparency';
const root = (size: number) => Buffer.alloc(32, size).toString('base64');
/** The shape of a signed checkpoint; the publisher never verifies it (witnesses do). */
const note = (size: number) =>
  `${ORIGIN}\n${size}\n${root(size)}\nheads 1 ${root(0)}\ntime 2025-01-01T12:${String(size).padStart(2, '0')}:00.000Z\n\n\u2014 ${ORIGIN} c2lnbmF0dXJl\n`;
const signed = (size: number) => ({
  id: randomUUID(),
  type: CHECKPOINT_SIGNED,
  data: {
    note: note(size),
    treeSize: size,
    rootHash: root(size),
    signedAt: `2025-01-01T12:${String(size).padStart(2, '0')}:00.000Z`,
  },
  metadata: {},
});

class RecordingPublisher implements NotificationPublisher {
  readonly sent: { topic: string; event: CloudEvent }[] = [];
  async publish(topic: string, events: readonly CloudEvent[]): Promise<void> {
    this.sent.push(...events.map((event) => ({ topic, event })));
  }
  isTransient = () => false;
  async disconnect(): Promise<void> {}
}

async function until(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !check(); attempt += 1)
    await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('the checkpoint publisher', () => {
  let db: Kysely<ConsumerTables>;
  let store: InMemoryEventStore;
  let publisher: RecordingPublisher;
  let consumer: LogConsumer<Kysely<ConsumerTables>> | undefined;
  /** Proofs as a log of 30 leaves gives them: a RangeError beyond. */
  const proofs: ConsistencyProofs = async (first, second) => {
    if (second > 30) throw new RangeError(`tree size ${second} is beyond the log`);
    return [Buffer.alloc(32, first), Buffer.alloc(32, second)];
  };
  const start = async () => {
    await consumer?.stop();
    consumer = checkpointNotifier({
      events: store,
      checkpoints: new SqlCheckpointStore(db),
      publisher,
      topic: 'jv.checkpoints.test',
      cloudEvents: {
        source: '/jv-ledger/test',
        schemaBaseUri: 'https://jv-ledger.example/schemas/',
      },
      consistencyProofs: proofs,
      checkpointIntervalMs: 0,
    });
    await consumer.start();
  };

  beforeEach(async () => {
    db = createSqliteKysely<ConsumerTables>(openSqlite(':memory:'));
    await migrateConsumerTables(db.schema);
    store = new InMemoryEventStore({
      subscriptions: { pollIntervalMs: 10, retryInitialDelayMs: 1, retryMaxDelayMs: 5 },
    });
    publisher = new RecordingPublisher();
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await store.close();
    await db.destroy();
  });

  it('publishes each checkpoint to its topic in order, schema-valid, keyed by origin, with the proof from the one before', async () => {
    const jv = new JointVentureHistory().established();
    await store.appendToStream(jv.streamId, jv.toAppend(), { expectedRevision: 'no_stream' });
    await store.appendToStream(CHECKPOINT_STREAM, [signed(10), signed(25)], {
      expectedRevision: 'any',
    });
    await start();
    await until(() => publisher.sent.length === 2);
    expect(publisher.sent.map(({ topic }) => topic)).toEqual([
      'jv.checkpoints.test',
      'jv.checkpoints.test',
    ]);
    const [first, second] = publisher.sent.map(({ event }) => event);
    for (const event of [first, second]) expect(schemaErrorsOf(event)).toEqual([]);
    expect(first).toMatchObject({
      type: CHECKPOINT_NOTIFICATION_TYPE,
      subject: ORIGIN,
      streamrevision: 0,
      data: { note: note(10), treeSize: 10, rootHash: root(10) },
    });
    expect(first.data.consistency).toBeUndefined();
    expect(second.data.consistency).toEqual({
      fromTreeSize: 10,
      proof: [Buffer.alloc(32, 10).toString('base64'), Buffer.alloc(32, 25).toString('base64')],
    });
  });

  it('after a restart reads the checkpoint before from the stream; without a proof for the sizes sends none', async () => {
    await store.appendToStream(CHECKPOINT_STREAM, [signed(10)], { expectedRevision: 'any' });
    await start();
    await until(() => publisher.sent.length === 1);
    await consumer!.stop();
    await store.appendToStream(CHECKPOINT_STREAM, [signed(20), signed(40)], {
      expectedRevision: 'any',
    });
    await start();
    await until(() => publisher.sent.length === 3);
    const [, resumed, beyond] = publisher.sent.map(({ event }) => event);
    expect(resumed.data.consistency).toMatchObject({ fromTreeSize: 10 });
    expect(beyond.data).not.toHaveProperty('consistency');
    expect(schemaErrorsOf(beyond)).toEqual([]);
  });
});
