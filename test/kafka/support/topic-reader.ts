/**
 * What a downstream system sees: a kafkajs consumer in its own group reading a topic from the
 * beginning, and the checks every consumer of the notifications relies on (schema, headers,
 * key, per-JV order, no gap, the same events as the event store).
 */
import type { RecordedEvent } from '@app/event-store';
import { CLOUDEVENTS_CONTENT_TYPE, notificationTypeOf } from '@app/notifications';
import { schemaErrorsOf } from '@app/notifications/testing';
import { fromStored, jointVentureIdOf } from '@app/domain';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { waitUntil } from '../../support/wait';

export type ReceivedMessage = Readonly<{
  partition: number;
  offset: string;
  key: string;
  headers: Readonly<Record<string, string>>;
  /** The parsed CloudEvent. */
  event: Readonly<Record<string, unknown>> & {
    id: string;
    type: string;
    subject: string;
    streamrevision: number;
  };
}>;

export type TopicReader = Readonly<{
  /**
   * Every message on the topic received so far, once per partition and offset, in arrival
   * order (offset order within each partition).
   */
  messages(): readonly ReceivedMessage[];
  /** Offsets handed to the reader's consumer again (and left out of `messages()`). */
  redelivered(): number;
  /** Resolves once `predicate` holds for what has arrived; rejects after a generous bound. */
  waitFor(
    predicate: (messages: readonly ReceivedMessage[]) => boolean,
    what: string,
  ): Promise<void>;
  /**
   * Resolves once everything on the topic now (up to each partition's high watermark) has
   * arrived: after it, a duplicate on the topic is in `messages()`, not still on its way.
   */
  readToEnd(): Promise<void>;
  stop(): Promise<void>;
}>;

const clientOf = (brokers: readonly string[]) =>
  new Kafka({
    clientId: 'downstream-test',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2_000 },
  });

/** Creates the topic as an operations team would before turning the service on. */
export async function createTopic(
  brokers: readonly string[],
  topic: string,
  numPartitions: number,
  config: Readonly<Record<string, string>> = {},
): Promise<void> {
  const admin = clientOf(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts a consumer in a fresh group on `topic`, from the beginning, once the topic exists
 * (the notifier creates it on its first publish).
 */
export async function readTopic(brokers: readonly string[], topic: string): Promise<TopicReader> {
  const kafka = clientOf(brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitUntil(async () => (await admin.listTopics()).includes(topic), {
      what: `topic ${topic} to be created`,
      pollMs: 200,
    });
  } finally {
    await admin.disconnect();
  }
  const consumer: Consumer = kafka.consumer({
    groupId: `downstream-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  const received: ReceivedMessage[] = [];
  const next = new Map<number, bigint>();
  let redelivered = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      // The reader's own group may be handed an offset again after the broker restarts (its
      // commit had not landed): a consumer's at-least-once, not a second copy on the topic.
      if (BigInt(message.offset) < (next.get(partition) ?? 0n)) {
        redelivered += 1;
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
      received.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        headers,
        event: JSON.parse(message.value?.toString() ?? 'null'),
      });
      next.set(partition, BigInt(message.offset) + 1n);
    },
  });

  return {
    messages: () => received,
    redelivered: () => redelivered,
    waitFor: async (predicate, what) => {
      await waitUntil(() => predicate(received), {
        what: () => `${what} (${received.length} messages so far)`,
      });
    },
    readToEnd: async () => {
      const ends = kafka.admin();
      await ends.connect();
      const offsets = await waitUntil(() => ends.fetchTopicOffsets(topic), {
        what: `the end offsets of ${topic}`,
      }).finally(() => ends.disconnect());
      await waitUntil(() => offsets.every((p) => (next.get(p.partition) ?? 0n) >= BigInt(p.high)), {
        what: () => `the end of ${topic} (${received.length} messages so far)`,
      });
    },
    stop: () => consumer.disconnect(),
  };
}

/** Distinct event ids among the messages. */
export const distinctIds = (messages: readonly ReceivedMessage[]): Set<string> =>
  new Set(messages.map((message) => message.event.id));

export type DeliveryReport = Readonly<{
  messages: number;
  distinct: number;
  /** Messages whose id had already arrived: only a crash may cause these. */
  duplicates: number;
  /** Everything found wrong; empty when the topic holds exactly the store's history. */
  problems: string[];
}>;

/**
 * Compares the topic with the event store's joint-venture events. Holds when:
 * - every message is valid against the schema of its type, with the content-type and
 *   message-type headers, keyed by its subject (the JV id);
 * - each stored event arrived (same id, type, subject, stream revision) and nothing else did;
 * - per JV, in the order the consumer read them, the first arrival of each revision comes right
 *   after the first arrival of the one before (per-JV stream order, no gap); a repeat may only
 *   re-send revisions that had already arrived.
 */
export function compareWithStore(
  messages: readonly ReceivedMessage[],
  stored: readonly RecordedEvent[],
): DeliveryReport {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < 20) problems.push(problem);
  };

  for (const { event, headers, key, partition, offset } of messages) {
    const at = `message ${partition}/${offset} (${event.type} ${event.subject}@${event.streamrevision})`;
    for (const error of schemaErrorsOf(event)) note(`${at}: schema: ${error}`);
    if (headers['content-type'] !== CLOUDEVENTS_CONTENT_TYPE)
      note(`${at}: content-type header ${headers['content-type']}`);
    if (headers['message-type'] !== event.type)
      note(`${at}: message-type header ${headers['message-type']}`);
    if (key !== event.subject) note(`${at}: key ${key} is not the subject`);
  }

  const firstArrival = new Map<string, ReceivedMessage>();
  for (const message of messages)
    if (!firstArrival.has(message.event.id)) firstArrival.set(message.event.id, message);

  const storedIds = new Set(stored.map((event) => event.id));
  for (const event of stored) {
    const message = firstArrival.get(event.id);
    if (!message) {
      note(`missing: ${event.type} ${event.streamId}@${event.revision} (${event.id})`);
      continue;
    }
    const expected = {
      type: notificationTypeOf(event, fromStored(event).type),
      subject: jointVentureIdOf(event.streamId),
      streamrevision: event.revision,
    };
    const actual = {
      type: message.event.type,
      subject: message.event.subject,
      streamrevision: message.event.streamrevision,
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      note(`${event.id}: got ${JSON.stringify(actual)}, stored ${JSON.stringify(expected)}`);
  }
  for (const id of firstArrival.keys()) if (!storedIds.has(id)) note(`not in the store: ${id}`);

  // Per JV, in arrival order: first arrivals go 0, 1, 2, ...; repeats never run ahead.
  const next = new Map<string, number>();
  for (const { event } of messages) {
    const expected = next.get(event.subject) ?? 0;
    if (event.streamrevision === expected) next.set(event.subject, expected + 1);
    else if (event.streamrevision > expected)
      note(`${event.subject}: revision ${event.streamrevision} arrived before ${expected}`);
  }

  return {
    messages: messages.length,
    distinct: firstArrival.size,
    duplicates: messages.length - firstArrival.size,
    problems,
  };
}

/**
 * Waits until every stored event has arrived at least once, then reads the rest of the topic
 * (so a duplicate, had there been one, is among the messages), and compares with the store.
 */
export async function deliveryOf(
  reader: TopicReader,
  stored: readonly RecordedEvent[],
  where: string,
): Promise<DeliveryReport> {
  await reader.waitFor(
    (messages) => distinctIds(messages).size >= stored.length,
    `${stored.length} distinct events ${where}`,
  );
  await reader.readToEnd();
  return compareWithStore(reader.messages(), stored);
}
