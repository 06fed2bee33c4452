/**
 * The notifications promise, against a real Apache Kafka broker (test/services/kafka): every
 * recorded event reaches the topic, in each JV's order, at least once, valid against its schema,
 * whatever happens to the broker or to the notifier process. Each test reads its own topic from
 * the beginning with a fresh consumer group, as a downstream system would, and compares what
 * arrived with the event store.
 */
import { JOINT_VENTURE_STREAM_PREFIX, type Actor } from '@app/domain';
import {
  EVENT_STORE,
  openSqlite,
  SqliteEventStore,
  type EventStore,
  type RecordedEvent,
} from '@app/event-store';
import { KafkaPublisher, type LifecycleCloudEvent } from '@app/notifications';
import { loadConfig, localTokensOf } from '@app/runtime';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess, type ApiProcess } from '../e2e/support/api-process';
import { driveLoadUntilKilled } from '../e2e/support/crash-load';
import { checkpoints, headPosition, openCrashCopy } from '../e2e/support/sqlite-snapshot';
import {
  BY_MANAGER,
  establishBody,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  type Client,
  type TestApp,
} from '../e2e/support/test-app';
import { describeWithKafka, type TestKafka } from '../services/kafka';
import {
  deliveryOf,
  createTopic,
  distinctIds,
  readTopic,
  type TopicReader,
} from './support/topic-reader';
import { waitUntil } from '../support/wait';

const RUN = randomBytes(3).toString('hex');
let topicCount = 0;
const newTopic = (label: string) => `jv.test.${RUN}.${label}.${(topicCount += 1)}`;

const jointVentureEvents = (store: Pick<EventStore, 'readAll'>): Promise<RecordedEvent[]> =>
  store.readAll({ streamPrefix: JOINT_VENTURE_STREAM_PREFIX });

/** The environment that turns notifications on in a process. */
const kafkaEnv = (kafka: TestKafka, topic: string): Record<string, string> => ({
  KAFKA_BROKERS: kafka.brokers.join(','),
  KAFKA_TOPIC: topic,
  KAFKA_TOPIC_PARTITIONS: '3',
  KAFKA_CLIENT_ID: `jv-ledger-test-${RUN}`,
});

/** Establishes a JV (RU and BY partners) and takes it into production; returns its id. */
async function jointVentureInProduction(manager: Client, name: string): Promise<string> {
  const created = await manager.post('/joint-ventures', establishBody({ name }));
  if (created.status !== 201) throw new Error(`establish: ${JSON.stringify(created.body)}`);
  const id: string = created.body.id;
  for (const [path, body] of [
    ['development/start', {}],
    ['development/milestones', { name: 'Prototype accepted', reachedOn: '2024-09-01' }],
    ['production/start', {}],
  ] as const) {
    const reply = await manager.post(`/joint-ventures/${id}/${path}`, body);
    if (reply.status !== 200)
      throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return id;
}

const batch = (n: number) => ({
  productCode: 'MZKT-7930',
  quantity: 1 + (n % 7),
  batchReference: `B-${n}`,
  producedOn: '2025-02-01',
});

describeWithKafka('Kafka notifications against a real broker', (kafka) => {
  let app: TestApp | undefined;
  let reader: TopicReader | undefined;

  afterEach(async () => {
    await reader?.stop();
    await app?.close();
    reader = undefined;
    app = undefined;
  });

  it('many JVs recorded concurrently, work orders and corrections too: every event once, per JV in stream order, schema-valid', async () => {
    const topic = newTopic('concurrent');
    app = await startTestApp(kafkaEnv(kafka(), topic));
    const managers = [await app.as(RU_MANAGER), await app.as(BY_MANAGER)];

    const ventures = 16;
    const batchesEach = 4;
    await Promise.all(
      Array.from({ length: ventures }, async (_, v) => {
        const manager = managers[v % managers.length];
        const id = await jointVentureInProduction(manager, `Concurrent ${RUN} ${v}`);
        for (let b = 0; b < batchesEach; b += 1) {
          const reply = await manager.post(`/joint-ventures/${id}/production/batches`, batch(b));
          expect(reply.status).toBe(200);
        }
        const order = await manager.post(`/joint-ventures/${id}/work-orders`, {
          kind: 'repair',
          productCode: 'MZKT-7930',
          quantity: 1,
        });
        expect(order.status).toBe(201);
        // The last batch (version 3 + batchesEach) was entered by mistake.
        const correction = await manager.post(`/joint-ventures/${id}/corrections`, {
          reverses: 3 + batchesEach,
          reason: 'entered twice',
        });
        expect(correction.status).toBe(200);
      }),
    );

    const stored = await jointVentureEvents(app.app.get<EventStore>(EVENT_STORE));
    expect(stored).toHaveLength(ventures * (4 + batchesEach + 2));
    reader = await readTopic(kafka().brokers, topic);
    const report = await deliveryOf(reader, stored, `on ${topic}`);
    expect(report.problems).toEqual([]);
    expect(report.distinct).toBe(stored.length);
    // No crash happened, so no event may have been sent twice.
    expect(report.duplicates).toBe(0);
    const reversals = reader
      .messages()
      .filter((m) => m.event.type === 'jv.lifecycle.fact-reversed.v1');
    expect(reversals).toHaveLength(ventures);
    const ids = new Set(stored.map((event) => event.id));
    for (const { event } of reversals) {
      const { reversedEventId } = event.data as { reversedEventId?: unknown };
      expect(ids.has(String(reversedEventId))).toBe(true);
    }
    // Keyed by JV over 3 partitions: the 16 JVs did not all land on one.
    expect(new Set(reader.messages().map((message) => message.partition)).size).toBeGreaterThan(1);
  });

  it('shared control is published: a proposal, its approval and the change it applied, schema-valid, naming states only', async () => {
    const topic = newTopic('proposals');
    app = await startTestApp({ ...kafkaEnv(kafka(), topic), APPROVALS: 'on' });
    const [ru, by] = [await app.as(RU_MANAGER), await app.as(BY_MANAGER)];
    const id = (await ru.post('/joint-ventures', establishBody({ name: `Shared ${RUN}` }))).body.id;
    const proposed = await ru.post(`/joint-ventures/${id}/dissolve`, { reason: 'cancelled' });
    expect(proposed.status).toBe(202);
    const url = `/joint-ventures/${id}/proposals/${proposed.body.proposalId}/approve`;
    expect((await by.post(url, {})).body.status).toBe('applied');

    const stored = await jointVentureEvents(app.app.get<EventStore>(EVENT_STORE));
    reader = await readTopic(kafka().brokers, topic);
    const report = await deliveryOf(reader, stored, `on ${topic}`);
    expect(report.problems).toEqual([]);
    const messages = reader.messages().map((m) => m.event);
    expect(messages.map((event) => event.type)).toEqual([
      'jv.lifecycle.joint-venture-established.v2',
      'jv.lifecycle.change-proposed.v1',
      'jv.lifecycle.change-approved.v1',
      'jv.lifecycle.joint-venture-dissolved.v2',
    ]);
    expect(messages[2].data).toMatchObject({ approvedBy: 'BY' });
    expect(JSON.stringify(messages)).not.toContain(BY_MANAGER.subject);
  });

  it('the broker stopped mid-stream: commands keep succeeding, /health shows degraded, every event arrives in order', async () => {
    const topic = newTopic('outage');
    app = await startTestApp(kafkaEnv(kafka(), topic));
    const managers = [await app.as(RU_MANAGER), await app.as(BY_MANAGER)];
    const operator = await app.as(OPERATOR);
    const notifierHealth = async () =>
      (await operator.get('/health')).body?.details?.consumers?.Notifier;

    const ventures = await Promise.all(
      Array.from({ length: 4 }, (_, v) =>
        jointVentureInProduction(managers[v % 2], `Outage ${RUN} ${v}`),
      ),
    );

    // Writers record batches continuously, before, during and after the outage.
    let writing = true;
    let phase: 'before' | 'down' | 'after' = 'before';
    const acknowledged = { before: 0, down: 0, after: 0 };
    const refused: string[] = [];
    const writers = ventures.map(async (id, v) => {
      for (let n = 0; writing; n += 1) {
        const reply = await managers[v % 2].post(
          `/joint-ventures/${id}/production/batches`,
          batch(n),
        );
        if (reply.status === 200) acknowledged[phase] += 1;
        else refused.push(`${reply.status} ${JSON.stringify(reply.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });

    let degradedSeen: Record<string, unknown> | undefined;
    try {
      reader = await readTopic(kafka().brokers, topic);
      await reader.waitFor((messages) => messages.length >= 40, 'notifications before the outage');

      await kafka().restart({
        whileDown: async () => {
          phase = 'down';
          const downAt = Date.now();
          const status = await waitUntil(
            async () => {
              const notifier = await notifierHealth();
              return notifier?.degraded === true ? notifier : undefined;
            },
            { what: 'the notifier to report itself degraded', pollMs: 250 },
          );
          degradedSeen = { ...status, afterMs: Date.now() - downAt };
          // The service as a whole stays up while the broker is away, and commands go on.
          expect((await operator.get('/health')).status).toBe(200);
          await waitUntil(() => acknowledged.down >= 20, {
            what: 'commands acknowledged while the broker is down',
          });
        },
      });
      phase = 'after';
      await reader.waitFor(() => acknowledged.after >= 40, 'commands after the outage');
    } finally {
      writing = false;
      await Promise.all(writers);
    }

    expect(refused).toEqual([]);
    expect(acknowledged.down).toBeGreaterThan(0);
    expect(degradedSeen).toMatchObject({ state: 'degraded', degraded: true });

    const stored = await jointVentureEvents(app.app.get<EventStore>(EVENT_STORE));
    const report = await deliveryOf(reader, stored, `on ${topic} after the outage`);
    expect(report.problems).toEqual([]);
    expect(report.distinct).toBe(stored.length);
    // The same batch offered again on the same idempotent producer is not written twice.
    expect(report.duplicates).toBe(0);
    const health = await notifierHealth();
    expect(health).toMatchObject({ degraded: false });
    console.log(
      `broker outage: ${acknowledged.before}/${acknowledged.down}/${acknowledged.after} commands ` +
        `acknowledged before/during/after it, ${report.distinct} events delivered, ` +
        `${report.duplicates} duplicates (${reader.redelivered()} offsets handed to the reader ` +
        `again); health while down: ${JSON.stringify(degradedSeen)}`,
    );
  });

  it('a batch larger than the broker takes in one request goes out as several, in order, each message once', async () => {
    const topic = newTopic('chunks');
    // The topic refuses record batches over 8 KiB: one request holding all 60 would fail.
    await createTopic(kafka().brokers, topic, 1, { 'max.message.bytes': '8192' });
    const publisher = new KafkaPublisher({
      brokers: kafka().brokers,
      clientId: `jv-ledger-test-${RUN}`,
      topic,
      partitions: 1,
      replicationFactor: -1,
      requireTopic: true,
      maxRequestBytes: 4_096,
    });
    const subject = randomUUID();
    const events: LifecycleCloudEvent[] = Array.from({ length: 60 }, (_, revision) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: '/jv-ledger/test',
      type: 'jv.lifecycle.batch-produced.v1',
      subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: 'https://jv-ledger.example/schemas/jv.lifecycle.batch-produced.v1.json',
      streamrevision: revision,
      data: { note: 'x'.repeat(500) },
    }));
    try {
      await publisher.publish(events);
    } finally {
      await publisher.disconnect();
    }
    reader = await readTopic(kafka().brokers, topic);
    await reader.waitFor((messages) => messages.length >= events.length, '60 messages');
    await reader.readToEnd(); // a duplicate, had there been one, is in the messages now
    expect(reader.messages().map(({ event }) => event.id)).toEqual(events.map(({ id }) => id));
    expect(reader.messages().at(-1)?.offset).toBe(String(events.length - 1));
  });

  describe('the notifier process killed with SIGKILL mid-batch and restarted', () => {
    let dataDir: string;
    let scratchDir: string;
    let api: ApiProcess | undefined;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'jv-notifier-crash-'));
      scratchDir = mkdtempSync(join(tmpdir(), 'jv-notifier-crash-scratch-'));
    });
    afterAll(async () => {
      await api?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(scratchDir, { recursive: true, force: true });
    });

    it('every event arrives after the restart: duplicates counted, never a gap', async () => {
      const topic = newTopic('crash');
      const jwtSecret = randomBytes(32).toString('base64url');
      const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
      const tokens = localTokensOf(config, { createKey: false });
      const tokenOf = async (actor: Actor) => tokens.issue(actor);
      // Small batches, so the process dies between many produce requests, not after the last.
      const env = {
        ...kafkaEnv(kafka(), topic),
        NOTIFICATIONS_BATCH_SIZE: '10',
        KAFKA_REQUIRE_TOPIC: 'true',
      };

      await createTopic(kafka().brokers, topic, 3);
      reader = await readTopic(kafka().brokers, topic);
      const first = await startApiProcess({ dataDir, jwtSecret, env });
      api = first;
      const load = await driveLoadUntilKilled({
        api: first,
        tokens: [await tokenOf(RU_MANAGER), await tokenOf(BY_MANAGER)],
        workers: 6,
        killAfterAcks: 400,
        batchesPerJointVenture: 8,
        runTag: `${RUN}-notifier`,
      });
      first.kill('SIGKILL');
      const exit = await first.exited;
      expect(exit.signal).toBe('SIGKILL');
      expect(load.unexpected).toEqual([]);

      const copy = openCrashCopy(config.databaseFile, scratchDir);
      let head: number | null;
      let notifierCheckpoint: number;
      try {
        head = headPosition(copy);
        notifierCheckpoint = Number(checkpoints(copy).KafkaNotifier ?? 0);
      } finally {
        copy.close();
      }
      const onTopicAtKill = distinctIds(reader.messages()).size;
      // The premise of the test: the notifier had published some, but not all, when it died.
      expect(onTopicAtKill).toBeGreaterThan(0);
      expect(head).not.toBeNull();
      expect(notifierCheckpoint).toBeLessThan(head!);

      api = await startApiProcess({ dataDir, jwtSecret, env });
      // Nothing is written after the kill, so the store's events are final.
      const connection = openSqlite(config.databaseFile);
      let stored: RecordedEvent[];
      try {
        stored = await jointVentureEvents(new SqliteEventStore(connection));
      } finally {
        connection.close();
      }
      expect(stored.length).toBeGreaterThanOrEqual(load.acks.length);
      const report = await deliveryOf(reader, stored, `on ${topic} after the restart`);
      await api.stop();
      api = undefined;

      expect(report.problems).toEqual([]);
      expect(report.distinct).toBe(stored.length);
      // Every command acknowledged before the kill is on the topic.
      const arrived = new Set(
        reader.messages().map(({ event }) => `${event.subject}@${event.streamrevision}`),
      );
      const lost = load.acks.filter((ack) => !arrived.has(`${ack.id}@${ack.version}`));
      expect(lost).toEqual([]);
      console.log(
        `notifier SIGKILL: ${load.acks.length} commands acknowledged, ${stored.length} events stored, ` +
          `${onTopicAtKill} on the topic at the kill (checkpoint ${notifierCheckpoint} of head ${head}); ` +
          `after the restart ${report.distinct} delivered with ${report.duplicates} duplicate(s) ` +
          `(re-sent from the checkpoint, as at-least-once allows after a crash), no gap`,
      );
    });
  });
});
