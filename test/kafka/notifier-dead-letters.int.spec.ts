/**
 * The notifier parks the way the projections do, against a real Kafka broker: a message the
 * broker refuses as too large, and an event that cannot be mapped to a notification, are parked
 * (with what comes after them in their JV) while every other JV's notifications go out; once the
 * topic takes larger messages, a retry sends the refused one without a restart.
 */
import { NOTIFIER_NAME } from '@app/notifications';
import { SqlDeadLetterStore, type DeadLetter } from '@app/event-store';
import type { ReadModelDb } from '@app/read-models';
import { MetricsRegistry, STORAGE, type Storage } from '@app/runtime';
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import {
  establishBody,
  eventually,
  RU_MANAGER,
  startTestApp,
  type TestApp,
} from '../e2e/support/test-app';
import { describeWithKafka } from '../services/kafka';
import { createTopic, readTopic, type TopicReader } from './support/topic-reader';

const RUN = randomBytes(3).toString('hex');
const LIMIT = 4_096;

describeWithKafka('the notifier parks what the broker refuses or it cannot map', (kafka) => {
  let app: TestApp;
  let reader: TopicReader;
  let letters: SqlDeadLetterStore<ReadModelDb>;
  const topic = `jv.test.${RUN}.parking`;

  beforeAll(async () => {
    await createTopic(kafka().brokers, topic, 1, { 'max.message.bytes': String(LIMIT) });
    app = await startTestApp({
      KAFKA_BROKERS: kafka().brokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_REQUIRE_TOPIC: 'true',
      KAFKA_CLIENT_ID: `jv-ledger-test-${RUN}`,
      DEAD_LETTER_AFTER_ATTEMPTS: '2',
    });
    letters = new SqlDeadLetterStore(app.app.get<Storage>(STORAGE).readModels);
    reader = await readTopic(kafka().brokers, topic);
  });
  afterAll(async () => {
    await reader?.stop();
    await app?.close();
  });

  const notifierLetters = async (): Promise<DeadLetter[]> => letters.list(NOTIFIER_NAME);

  it('parks the oversized and the unmappable in their JVs order, the rest goes out; a retry after the fix sends it', async () => {
    const manager = await app.as(RU_MANAGER);
    const products = Array.from({ length: 40 }, (_, i) => ({
      productCode: `BIG-${i}`,
      name: `${'Armoured recovery vehicle variant '.repeat(5)}${i}`.slice(0, 200),
    }));
    const big = await manager.post(
      '/joint-ventures',
      establishBody({ name: `Big ${randomUUID()}`, productLines: products }),
    );
    expect(big.status).toBe(201);
    expect(
      (await manager.post(`/joint-ventures/${big.body.id}/development/start`, {})).status,
    ).toBe(200);
    // An event no notification exists for, as a bad upcaster or a foreign writer would leave.
    const strange = `joint-venture-${randomUUID()}`;
    await app.app
      .get<Storage>(STORAGE)
      .events.appendToStream(strange, [
        { id: randomUUID(), type: 'NoSuchEvent', data: {}, metadata: {} },
      ]);
    const small = await manager.post(
      '/joint-ventures',
      establishBody({ name: `Small ${randomUUID()}` }),
    );
    expect(small.status).toBe(201);

    await reader.waitFor(
      (messages) => messages.some((m) => m.event.subject === small.body.id),
      'the small JV notified',
    );
    const parked = await eventually(async () => {
      const found = await notifierLetters();
      expect(found.map((l) => [l.event.streamId, l.status])).toEqual([
        [`joint-venture-${big.body.id}`, 'failed'],
        [`joint-venture-${big.body.id}`, 'waiting'],
        [strange, 'failed'],
      ]);
      return found;
    });
    expect(parked[0].error).toMatch(/larger than the max message size/);
    expect(reader.messages().some((m) => m.event.subject === big.body.id)).toBe(false);

    // The operator raises the topic's limit and retries the notifier's failed letters: the big JV's two
    // notifications go out in order, the unmappable event fails again and stays parked.
    const admin = new Kafka({ brokers: [...kafka().brokers], clientId: `jv-test-${RUN}` }).admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: 2, name: topic, configEntries: [{ name: 'max.message.bytes', value: '1048576' }] },
      ],
    });
    await admin.disconnect();
    // (The projections parked the unmappable event too: only the notifier's letters are retried.)
    for (const letter of [parked[0], parked[2]])
      expect(await letters.requestRetry({ id: letter.id })).toBe(1);
    await reader.waitFor(
      (messages) => messages.filter((m) => m.event.subject === big.body.id).length === 2,
      'the big JV notified after the retry',
    );
    expect(
      reader
        .messages()
        .filter((m) => m.event.subject === big.body.id)
        .map((m) => m.event.streamrevision),
    ).toEqual([0, 1]);
    const left = await eventually(async () => {
      const found = await notifierLetters();
      expect(found.map((l) => [l.event.streamId, l.status])).toEqual([[strange, 'failed']]);
      return found;
    });
    expect(left[0].attempts).toBeGreaterThan(parked[2].attempts);

    // What the broker refused is counted apart from what it acknowledged.
    const registry = app.app.get(MetricsRegistry).registry;
    const failures = await registry.getSingleMetric('jv_notifier_publish_failures_total')!.get();
    expect(failures.values.find((v) => v.labels.kind === 'refused')?.value).toBeGreaterThan(0);
    const published = await registry.getSingleMetric('jv_notifier_published_total')!.get();
    expect(published.values[0].value).toBeGreaterThanOrEqual(3);
  });
});
