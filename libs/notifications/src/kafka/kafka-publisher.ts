import { readFileSync } from 'node:fs';
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type KafkaConfig,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { CloudEvent } from '../integration-events';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  type NotificationPublisher,
} from '../notification-publisher.port';

export type KafkaSettings = Readonly<{
  brokers: readonly string[];
  clientId: string;
  /** For creating a topic when it is missing. */
  partitions: number;
  /** -1: the broker's default. */
  replicationFactor: number;
  /** Refuse to publish to a topic that does not exist, instead of creating it. */
  requireTopic: boolean;
  ssl?: Readonly<{ caFile?: string }> | false;
  sasl?: Readonly<{
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  }>;
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
  /**
   * Upper bound on the message bytes of one produce request (default 768 KiB), under the
   * broker's 1 MiB `message.max.bytes`: a large batch goes out as several requests in order.
   */
  maxRequestBytes?: number;
}>;

const DEFAULT_MAX_REQUEST_BYTES = 768 * 1024;

export class MissingTopicError extends Error {}

/**
 * Publishes with kafkajs's idempotent producer (acks from all in-sync replicas, one request in
 * flight), keyed by JV id so each JV's notifications stay in order on one partition. A failed
 * send rolls kafkajs's sequence numbers back, so resending the same batch on the same producer
 * is deduplicated by the broker: a plain retry never writes a message twice.
 */
export class KafkaPublisher implements NotificationPublisher {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private ready: Promise<void> | undefined;
  /** Topics seen to exist (or created) by this publisher. */
  private readonly topics = new Map<string, Promise<void>>();
  /**
   * Ids of the batch being published that the broker already acknowledged, per topic: when a
   * later request of the batch fails and the notifier offers the batch again, they are not resent.
   */
  private readonly acknowledged = new Map<string, Set<string>>();

  constructor(private readonly settings: KafkaSettings) {
    this.kafka = new Kafka(kafkaConfig(settings));
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, so an outage surfaces (degraded health) within seconds; the notifier then
      // offers the same batch again on this same producer, which the broker deduplicates.
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }

  async publish(topic: string, events: readonly CloudEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    await this.ensureTopic(topic);
    const acknowledged = this.acknowledged.get(topic) ?? new Set<string>();
    this.acknowledged.set(topic, acknowledged);
    const pending = events.filter((event) => !acknowledged.has(event.id));
    for (const request of chunksOf(pending, this.settings.maxRequestBytes)) {
      await this.producer.send({
        topic,
        acks: -1,
        messages: request.map(({ event, value }) => ({
          key: event.subject,
          value,
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, 'message-type': event.type },
        })),
      });
      for (const { event } of request) acknowledged.add(event.id);
    }
    this.acknowledged.delete(topic);
  }

  isTransient(error: unknown): boolean {
    return isTransientKafkaError(error);
  }

  async disconnect(): Promise<void> {
    this.ready = undefined;
    this.topics.clear();
    await this.producer.disconnect();
  }

  /** Connects the producer; retried on the next publish if it failed. */
  private connect(): Promise<void> {
    this.ready ??= this.producer.connect().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** Makes sure the topic exists, once per topic; retried on the next publish if it failed. */
  private ensureTopic(topic: string): Promise<void> {
    let ready = this.topics.get(topic);
    if (ready === undefined) {
      ready = this.createTopicIfMissing(topic).catch((error: unknown) => {
        this.topics.delete(topic);
        throw error;
      });
      this.topics.set(topic, ready);
    }
    return ready;
  }

  private async createTopicIfMissing(topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (topics.includes(topic)) return;
      if (this.settings.requireTopic)
        throw new MissingTopicError(`topic ${topic} does not exist (KAFKA_REQUIRE_TOPIC=true)`);
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: this.settings.partitions,
            replicationFactor: this.settings.replicationFactor,
          },
        ],
      });
      this.settings.log?.(
        'info',
        `created topic ${topic} (${this.settings.partitions} partitions)`,
      );
    } finally {
      await admin.disconnect();
    }
  }
}

type Serialized = Readonly<{ event: CloudEvent; value: string }>;

/** Consecutive runs of the events whose serialized size stays under `maxBytes` (at least one each). */
function chunksOf(
  events: readonly CloudEvent[],
  maxBytes = DEFAULT_MAX_REQUEST_BYTES,
): Serialized[][] {
  const chunks: Serialized[][] = [];
  let current: Serialized[] = [];
  let bytes = 0;
  for (const event of events) {
    const value = JSON.stringify(event);
    const size = Buffer.byteLength(value) + event.subject.length + 128; // key, headers, framing
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ event, value });
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** kafkajs client settings, with TLS and SASL when configured. */
export function kafkaConfig(settings: KafkaSettings): KafkaConfig {
  const ssl = settings.ssl
    ? settings.ssl.caFile
      ? { ca: [readFileSync(settings.ssl.caFile, 'utf8')] }
      : true
    : false;
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl,
    sasl: settings.sasl as SASLOptions | undefined,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const level =
        entry.level <= KafkaLogLevel.ERROR
          ? 'error'
          : entry.level === KafkaLogLevel.WARN
            ? 'warn'
            : 'info';
      settings.log?.(level, `${entry.namespace}: ${entry.log.message}`);
    },
  };
}

/**
 * A broker that is away, busy or still electing a leader (kafkajs marks those retriable, and
 * gives up with a retriable cause), or a topic not there yet: transient. A protocol error the
 * broker will repeat for this very message (MESSAGE_TOO_LARGE, INVALID_RECORD...) is not, nor is
 * anything that is not Kafka's (a mapping error).
 */
export function isTransientKafkaError(error: unknown): boolean {
  let kafka = false;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; depth++) {
    if (e instanceof MissingTopicError) return true;
    if (e.name === 'KafkaJSProtocolError' && (e as { retriable?: boolean }).retriable === false)
      return false;
    if (e.name.startsWith('KafkaJS')) kafka = true;
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return kafka;
}
