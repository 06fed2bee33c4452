/**
 * The Kafka harness's first test: kafkajs 2.2.4 against the real broker the harness starts
 * (Apache Kafka 4.x from the official jars here; testcontainers where a Docker engine exists).
 * - keyed messages through the idempotent producer (acks -1) into 3 partitions, read back by a
 *   consumer group from the beginning: exact content, per-key order, nothing lost or doubled;
 * - the broker stopped and started again on the same ports and log dirs: the same producer goes
 *   on, a send made while it was down lands, committed offsets survive, nothing is lost.
 */
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  type Consumer,
  Kafka,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { describeWithKafka, planKafka } from '../services/kafka';
import { waitUntil } from '../support/wait';

interface Received {
  partition: number;
  offset: string;
  key: string;
  value: string;
  seq: string | undefined;
}

interface Sent {
  key: string;
  value: string;
  seq: string;
}

const RUN = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const KEYS = ['jv-alpha', 'jv-bravo', 'jv-charlie', 'jv-delta', 'jv-echo', 'jv-foxtrot'];

/** kafkajs' own log, kept for failure messages (a restart makes it log expected errors). */
const kafkajsLog: string[] = [];
let kafkajsLogged = 0;
const logCreator = () => (entry: LogEntry) => {
  if (entry.level <= logLevel.WARN) {
    kafkajsLogged += 1;
    kafkajsLog.push(`${logLevel[entry.level]} ${entry.namespace}: ${entry.log.message}`);
    if (kafkajsLog.length > 200) kafkajsLog.shift();
  }
};
/** The kafkajs log lines written since `kafkajsLogged` was `mark`. */
const loggedSince = (mark: number) => kafkajsLog.slice(-Math.min(kafkajsLogged - mark, 200));

function messagesFor(phase: string, perKey: number): Sent[] {
  // Interleaved by key, so every batch mixes keys and partitions.
  const out: Sent[] = [];
  for (let seq = 0; seq < perKey; seq++) {
    for (const key of KEYS) {
      const value = JSON.stringify({
        run: RUN,
        phase,
        key,
        seq,
        payload: `${key}/${phase}/${seq}`,
      });
      out.push({ key, value, seq: `${phase}-${seq}` });
    }
  }
  return out;
}

async function produce(
  producer: Producer,
  topic: string,
  messages: Sent[],
  batch = 25,
): Promise<void> {
  for (let i = 0; i < messages.length; i += batch) {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.slice(i, i + batch).map((m) => ({
        key: m.key,
        value: m.value,
        headers: { seq: m.seq },
      })),
    });
  }
}

/**
 * What the group has not consumed yet, up to the end of the log as it is now (every partition's
 * high watermark): a duplicate or a stray in the log is counted, never missed by stopping at the
 * expected count, and nothing is left to a linger.
 */
async function consume(kafka: Kafka, groupId: string, topic: string): Promise<Received[]> {
  const admin = kafka.admin();
  const next = new Map<number, bigint>();
  let ends: Map<number, bigint>;
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    // On a fresh broker the group coordinator may still be loading: ask again until it answers.
    const [committed] = await waitUntil(() => admin.fetchOffsets({ groupId, topics: [topic] }), {
      what: `the committed offsets of group ${groupId}`,
    });
    ends = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    for (const p of offsets) next.set(p.partition, BigInt(p.low));
    for (const p of committed.partitions)
      if (BigInt(p.offset) >= 0n) next.set(p.partition, BigInt(p.offset));
  } finally {
    await admin.disconnect();
  }
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 250,
  });
  const received: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          seq: message.headers?.seq?.toString(),
        });
        next.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await waitUntil(() => [...ends].every(([p, end]) => (next.get(p) ?? 0n) >= end), {
      what: () =>
        `group ${groupId} to read ${topic} to its end (${received.length} messages so far).\n` +
        `kafkajs log:\n${kafkajsLog.slice(-30).join('\n')}`,
    });
    return received;
  } finally {
    await consumer.disconnect(); // commits the offsets consumed
  }
}

/** Exactly the sent messages, each key in its order on a single partition, nothing else. */
function expectExactlyInOrder(received: Received[], sent: Sent[]): void {
  expect(received).toHaveLength(sent.length);
  const positions = new Set(received.map((r) => `${r.partition}@${r.offset}`));
  expect(positions.size).toBe(received.length);
  for (const key of KEYS) {
    const got = received.filter((r) => r.key === key);
    const want = sent.filter((s) => s.key === key);
    expect(got.map((r) => ({ key: r.key, value: r.value, seq: r.seq }))).toEqual(want);
    expect(new Set(got.map((r) => r.partition)).size).toBe(1);
    const offsets = got.map((r) => BigInt(r.offset));
    expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1])).toBe(true);
  }
}

function portAccepts(hostPort: string): Promise<boolean> {
  const [host, port] = [
    hostPort.slice(0, hostPort.lastIndexOf(':')),
    Number(hostPort.split(':').pop()),
  ];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describeWithKafka('Kafka broker harness: kafkajs 2.2.4 against a real broker', (getKafka) => {
  let kafka: Kafka;
  const producers: Producer[] = [];

  const idempotentProducer = (): Producer => {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    producers.push(producer);
    return producer;
  };

  const createTopic = async (topic: string): Promise<void> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0].partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(() => {
    kafka = new Kafka({
      clientId: `broker-harness-${RUN}`,
      brokers: getKafka().brokers,
      logCreator,
      connectionTimeout: 10_000,
      // A send made while the broker is down waits for it: retries spread over ~2.5 minutes.
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  });

  afterAll(async () => {
    for (const producer of producers) await producer.disconnect().catch(() => undefined);
  });

  it('produces keyed messages idempotently into 3 partitions and reads them back in per-key order', async () => {
    const topic = `harness-order-${RUN}`;
    await createTopic(topic);

    const producer = idempotentProducer();
    await producer.connect();
    const sent = messagesFor('one', 50);
    await produce(producer, topic, sent);

    const received = await consume(kafka, `harness-order-group-${RUN}`, topic);
    expectExactlyInOrder(received, sent);
    // The keys really spread over the partitions (murmur2 of these six keys).
    expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
  });

  const itRestartable = planKafka().restartable ? it : it.skip;
  itRestartable(
    'survives a broker restart on the same ports and log dirs without losing anything',
    async () => {
      const broker = getKafka();
      const topic = `harness-restart-${RUN}`;
      const group = `harness-restart-group-${RUN}`;
      await createTopic(topic);

      const producer = idempotentProducer();
      await producer.connect();
      const before = messagesFor('before', 20);
      await produce(producer, topic, before);
      expectExactlyInOrder(await consume(kafka, group, topic), before);

      // Down for a while; a send started meanwhile must land once the broker is back.
      const whileDown = messagesFor('down', 5);
      let pendingSend: Promise<void> | undefined;
      const tRestart = Date.now();
      await broker.restart({
        whileDown: async () => {
          expect(await portAccepts(broker.brokers[0])).toBe(false);
          const mark = kafkajsLogged;
          pendingSend = produce(producer, topic, whileDown, whileDown.length);
          pendingSend.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
          // Down until the producer has tried and been refused: the send is in flight for real.
          await waitUntil(() => loggedSince(mark).some((line) => /ECONNREFUSED/.test(line)), {
            what: 'the producer to find the broker down',
          });
        },
      });
      process.stderr.write(`[kafka] restart took ${Date.now() - tRestart} ms\n`);
      await pendingSend;

      const after = messagesFor('after', 20);
      await produce(producer, topic, after); // the same producer instance, reconnected

      // Committed offsets survived: the old group resumes after "before".
      const resumed = await consume(kafka, group, topic);
      expectExactlyInOrder(resumed, [...whileDown, ...after]);

      // And the log holds everything exactly once, in per-key order.
      const all = [...before, ...whileDown, ...after];
      const everything = await consume(kafka, `harness-restart-all-${RUN}`, topic);
      expectExactlyInOrder(everything, all);
    },
  );

  itRestartable('comes back after a crash (SIGKILL) with every acknowledged message', async () => {
    const broker = getKafka();
    const topic = `harness-crash-${RUN}`;
    await createTopic(topic);
    const producer = idempotentProducer();
    await producer.connect();
    const acked = messagesFor('acked', 10);
    await produce(producer, topic, acked);

    broker.kill();
    await broker.restart();

    const later = messagesFor('later', 10);
    await produce(producer, topic, later);
    const all = [...acked, ...later];
    expectExactlyInOrder(await consume(kafka, `harness-crash-all-${RUN}`, topic), all);
  });
});
