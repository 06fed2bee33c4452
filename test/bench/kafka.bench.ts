/**
 * K. Kafka notifications against a real broker (the one test/services/kafka starts):
 * K1. backlog drain: the notifier starts from zero on a log of 100,000 events and publishes
 *     until the broker has acknowledged the head (its checkpoint reaches it);
 * K2. append-to-consume latency: commands arrive over HTTP at a steady offered rate while the
 *     embedded notifier publishes; a downstream consumer measures, per notification, the time
 *     from the event's `time` (when the command service recorded it) to its arrival.
 */
import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  DEFAULT_NOTIFIER_BATCH_SIZE,
  KafkaPublisher,
  notifier as createNotifier,
  sharedTopic,
} from '@app/notifications';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { spawnApp } from '../e2e/support/api-process';
import { expectStatus, headPosition, startBenchApp } from './support/bench-app';
import { batchBody, establishCommand } from './support/histories';
import { openLogStorage } from './support/log-storage';
import { int, ms, perSecond, since, summarize, withTimeout, type Latencies } from './support/stats';
import type { Row } from './support/table';
import { DATABASE_FILE } from './support/temp-dirs';

export const MIN_DRAIN_EVENTS_PER_SECOND = 10_000;
export const MAX_CONSUME_P99_MS = 100;
const PARTITIONS = 6;

const RUN = randomBytes(3).toString('hex');
const topicName = (label: string) => `jv.bench.${RUN}.${label}`;

export type DrainResult = Readonly<{
  events: number;
  batchSize: number;
  elapsedMs: number;
  /** Messages the topic holds afterwards (sum of partition high-water marks). */
  onTopic: number;
}>;

/** K1: publishes the whole log of the database in `dir` to a fresh topic. */
export async function measureDrain(
  dir: string,
  brokers: readonly string[],
  batchSize: number,
): Promise<DrainResult> {
  const file = join(dir, DATABASE_FILE);
  const storage = await openLogStorage(file, 'FULL');
  const head = headPosition(file);
  if (head === undefined) throw new Error('the log to drain is empty');
  const events = (await storage.events.readAll({ streamPrefix: JOINT_VENTURE_STREAM_PREFIX }))
    .length;
  const topic = topicName(`drain-${batchSize}`);
  const publisher = new KafkaPublisher({
    brokers,
    clientId: 'jv-bench',
    partitions: PARTITIONS,
    replicationFactor: -1,
    requireTopic: false,
  });
  let failure: unknown;
  const notifier = createNotifier({
    checkpoints: storage.checkpoints,
    events: storage.events,
    publisher,
    topics: sharedTopic(topic),
    cloudEvents: { source: '/jv-bench', schemaBaseUri: 'https://jv-ledger.example/schemas/' },
    name: `bench-drain-${batchSize}`,
    maxBatchSize: batchSize,
    onError: (error) => (failure = error),
  });
  try {
    const start = performance.now();
    await notifier.start();
    await withTimeout(
      (async () => {
        while (notifier.status().checkpoint !== head.toString()) {
          if (failure) throw failure;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })(),
      300_000,
      'draining the backlog',
    );
    const elapsedMs = since(start);
    return { events, batchSize, elapsedMs, onTopic: await messagesOn(brokers, topic) };
  } finally {
    await notifier.stop();
    await publisher.disconnect();
    await storage.close();
  }
}

export function drainRows(result: DrainResult): Row[] {
  const rate = perSecond(result.events, result.elapsedMs);
  const targeted = result.batchSize === DEFAULT_NOTIFIER_BATCH_SIZE;
  const complete = result.onTopic === result.events;
  return [
    {
      benchmark: 'K1. backlog drain to Kafka',
      setting: `${int(result.events)} events, batch ${int(result.batchSize)}, ${PARTITIONS} partitions, acks -1`,
      figure:
        `${int(rate)} events/s (${ms(result.elapsedMs)})` +
        (complete ? '' : `; topic holds ${int(result.onTopic)}!`),
      target: targeted ? `>= ${int(MIN_DRAIN_EVENTS_PER_SECOND)}/s (2 cores)` : '(compare)',
      met: targeted ? complete && rate >= MIN_DRAIN_EVENTS_PER_SECOND : undefined,
    },
  ];
}

export type LatencyOptions = Readonly<{
  offeredPerSecond: number;
  durationMs: number;
  jointVentures: number;
  synchronous: 'FULL' | 'NORMAL';
  /**
   * Where projections and the notifier run: in the API process (the embedded default), or in
   * a projector process of their own beside it (what the README advises for production).
   */
  notifierIn: 'api' | 'projector';
}>;

export type LatencyResult = Readonly<{
  options: LatencyOptions;
  commands: number;
  elapsedMs: number;
  /** Commands that could not be sent on time because every JV had one in flight. */
  late: number;
  commandLatencies: Latencies;
  consumeLatencies: Latencies;
}>;

/** K2: the API with its embedded notifier under a steady offered load; a consumer times arrivals. */
export async function measureConsumeLatency(
  dir: string,
  brokers: readonly string[],
  options: LatencyOptions,
): Promise<LatencyResult> {
  const topic = topicName(
    `latency-${options.offeredPerSecond}-${options.synchronous}-${options.notifierIn}`,
  );
  const env = {
    SQLITE_SYNCHRONOUS: options.synchronous,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC: topic,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  };
  const separate = options.notifierIn === 'projector';
  const app = await startBenchApp(dir, separate ? { ...env, EMBEDDED_PROJECTOR: 'false' } : env);
  const projector = separate
    ? spawnApp('projector', { DATA_DIR: dir, LOG_LEVEL: 'warn', ...env })
    : undefined;
  const kafka = new Kafka({
    clientId: 'jv-bench-consumer',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `bench-${RUN}-${topic}`, maxWaitTimeInMs: 10 });
  const arrivals = new Map<string, number>();
  try {
    const authorization = await app.bearer();
    const ids: string[] = [];
    for (let j = 0; j < options.jointVentures; j++) {
      const { data } = establishCommand(`Latency JV ${RUN} ${j}`);
      const created = await app.post('/joint-ventures', data, authorization);
      const id = (expectStatus(created, 201, 'EstablishJointVenture').body as { id: string }).id;
      expectStatus(
        await app.post(`/joint-ventures/${id}/production/start`, {}, authorization),
        200,
        'StartProduction',
      );
      ids.push(id);
    }
    // The topic exists once the notifier has published the set-up events.
    const admin = kafka.admin();
    await admin.connect();
    await withTimeout(
      (async () => {
        while (!(await admin.listTopics()).includes(topic))
          await new Promise((resolve) => setTimeout(resolve, 50));
      })(),
      30_000,
      'the notifier creating its topic',
    );
    await admin.disconnect();

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value?.toString() ?? '{}') as {
          time: string;
          data?: { batchReference?: string };
        };
        const reference = event.data?.batchReference;
        if (reference?.startsWith('LAT-'))
          arrivals.set(reference, Date.now() - Date.parse(event.time));
      },
    });

    // Open-loop pacing: a command falls due every 1000/rate ms; it goes to the next JV without
    // one in flight (commands on one JV are sequential, as one programme manager's would be).
    const idle = [...ids];
    const commandLatencies: number[] = [];
    const inFlight = new Set<Promise<void>>();
    let due = 0;
    let sent = 0;
    let late = 0;
    const start = performance.now();
    while (since(start) < options.durationMs) {
      const shouldHaveSent = Math.floor((since(start) * options.offeredPerSecond) / 1000);
      due = shouldHaveSent - sent;
      while (due > 0 && idle.length > 0) {
        const id = idle.shift()!;
        const reference = `LAT-${sent}`;
        sent++;
        due--;
        const began = performance.now();
        const command: Promise<void> = app
          .post(`/joint-ventures/${id}/production/batches`, batchBody(reference), authorization)
          .then((reply) => {
            expectStatus(reply, 200, 'RecordBatch');
            commandLatencies.push(since(began));
            idle.push(id);
            inFlight.delete(command);
          });
        inFlight.add(command);
      }
      if (due > 0) {
        late += due;
        sent += due; // skipped, not queued: the offered rate stays the offered rate
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
    const elapsedMs = since(start);
    const expected = commandLatencies.length;
    await withTimeout(
      (async () => {
        while (arrivals.size < expected) await new Promise((resolve) => setTimeout(resolve, 20));
      })(),
      120_000,
      `the consumer receiving ${expected} notifications`,
    );
    return {
      options,
      commands: commandLatencies.length,
      elapsedMs,
      late,
      commandLatencies: summarize(commandLatencies),
      consumeLatencies: summarize([...arrivals.values()]),
    };
  } finally {
    await consumer.disconnect();
    await app.close();
    await projector?.stop();
  }
}

export function latencyRows(result: LatencyResult): Row[] {
  const { offeredPerSecond, durationMs, synchronous, jointVentures, notifierIn } = result.options;
  const setting =
    `offered ${int(offeredPerSecond)} cmd/s, ${durationMs / 1000} s, ${jointVentures} JVs, ` +
    `sync=${synchronous}, ${notifierIn === 'api' ? 'one process' : 'API + projector process'}`;
  const achieved = perSecond(result.commands, result.elapsedMs);
  const targeted = offeredPerSecond === 1_000 && synchronous === 'FULL';
  // Both deployments are measured against the target; the table says which is which.
  const { p50, p99, max } = result.consumeLatencies;
  return [
    {
      benchmark: 'K2. append-to-consume latency',
      setting,
      figure: `p50 ${ms(p50)} / p99 ${ms(p99)} / max ${ms(max)} (${int(result.consumeLatencies.count)} messages)`,
      target: targeted ? `p99 <= ${MAX_CONSUME_P99_MS} ms at 1,000 cmd/s` : '(compare)',
      met: targeted ? p99 <= MAX_CONSUME_P99_MS && result.late === 0 : undefined,
    },
    {
      benchmark: 'K2. commands during it',
      setting,
      figure:
        `${int(achieved)} cmd/s achieved, ${int(result.late)} not sent (every JV busy); ` +
        `command p50 ${ms(result.commandLatencies.p50)} / p99 ${ms(result.commandLatencies.p99)}`,
      target: '-',
    },
  ];
}

/** Sum of the partitions' high-water marks: how many messages the topic holds. */
async function messagesOn(brokers: readonly string[], topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'jv-bench-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}
