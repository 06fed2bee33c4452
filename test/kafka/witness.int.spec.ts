/**
 * Witnesses and per-state topics against a real Apache Kafka broker (test/services/kafka):
 * the service signs checkpoints of its transparency log, the checkpoint publisher puts each on
 * the checkpoint topic, and `ledger witness` (the CLI, run as a ministry runs it) keeps those
 * that extend the one it kept and refuses the rest with exit code 3. Then, with
 * KAFKA_TOPIC_PER_STATE=on, each state's topic holds exactly its JVs' notifications.
 */
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@app/event-store';
import {
  CHECKPOINT_NOTIFICATION_TYPE,
  CHECKPOINT_SIGNED,
  CHECKPOINT_STREAM,
} from '@app/notifications';
import { schemaErrorsOf } from '@app/notifications/testing';
import { TRANSPARENCY, type StoredCheckpoint, type TransparencyLedger } from '@app/runtime';
import {
  generateSignerKey,
  InMemoryLogStore,
  parseSignerKey,
  signCheckpoint,
  TransparencyLog,
} from '@app/transparency';
import { entriesFor } from '@app/transparency/log/log-store.contract';
import { shares, KZ_SEMEY } from '@app/domain/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  establishBody,
  RU_MANAGER,
  startTestApp,
  type Client,
  type TestApp,
} from '../e2e/support/test-app';
import { describeWithKafka } from '../services/kafka';
import { runLedgerCli } from '../support/ledger-cli';
import { waitUntil } from '../support/wait';
import { readTopic, type TopicReader } from './support/topic-reader';

const RUN = randomBytes(3).toString('hex');
/** `npm run -s ledger -- witness ...` without the build: the CLI from source. */
const witness = (...args: string[]) => runLedgerCli({}, 'witness', ...args);

const kept = (stateDir: string): string =>
  JSON.parse(readFileSync(join(stateDir, 'checkpoint.json'), 'utf8')).note;

describeWithKafka('witnesses and per-state topics against a real broker', (kafka) => {
  describe('the checkpoint topic and `ledger witness`', () => {
    const topic = `jv.test.${RUN}.checkpoints`;
    let app: TestApp;
    let manager: Client;
    let transparency: TransparencyLedger;
    let scratch: string;
    let reader: TopicReader | undefined;
    let trustedKey: string;
    const signed: StoredCheckpoint[] = [];

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'jv-witness-'));
      app = await startTestApp({
        KAFKA_BROKERS: kafka().brokers.join(','),
        KAFKA_TOPIC: `jv.test.${RUN}.lifecycle`,
        KAFKA_CHECKPOINT_TOPIC: topic,
        KAFKA_CLIENT_ID: `jv-ledger-test-${RUN}`,
        CHECKPOINT_INTERVAL_S: '86400', // signed by the test only
      });
      manager = await app.as(RU_MANAGER);
      transparency = app.app.get<TransparencyLedger>(TRANSPARENCY);
      trustedKey = transparency.keys.published()[0].verifierKey;
    });
    afterAll(async () => {
      await reader?.stop();
      await app?.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    /** Records `count` JVs, waits until the log holds them, and signs a checkpoint. */
    const growAndSign = async (count: number): Promise<StoredCheckpoint> => {
      for (let i = 0; i < count; i += 1) {
        const reply = await manager.post(
          '/joint-ventures',
          establishBody({ name: `W ${randomUUID()}` }),
        );
        expect(reply.status).toBe(201);
      }
      const events = app.app.get<EventStore>(EVENT_STORE);
      const jvEvents = (await events.readAll({ streamPrefix: 'joint-venture-' })).length;
      await waitUntil(async () => (await transparency.log.state()).size >= jvEvents, {
        what: `the transparency log to hold ${jvEvents} events`,
      });
      const checkpoint = (await transparency.signNow())!;
      signed.push(checkpoint);
      return checkpoint;
    };
    /** A witness reading the topic to its end in consumer group `group`, then exiting. */
    const onTopicOnce = (stateDir: string, key: string, group: string) => [
      ...[
        '--state-dir',
        stateDir,
        '--trusted-key',
        key,
        '--kafka-brokers',
        kafka().brokers.join(','),
      ],
      ...['--topic', topic, '--group', `witness-${RUN}-${group}`, '--once'],
    ];
    const onTopic = (messages: number) =>
      reader!.waitFor(
        (received) => received.length >= messages,
        `${messages} checkpoints on ${topic}`,
      );

    it('every signed checkpoint reaches the topic in order, schema-valid, with the consistency proof from the one before', async () => {
      await growAndSign(2);
      await growAndSign(3);
      reader = await readTopic(kafka().brokers, topic);
      await onTopic(2);
      const messages = reader.messages();
      expect(messages.map((m) => m.event.type)).toEqual([
        CHECKPOINT_NOTIFICATION_TYPE,
        CHECKPOINT_NOTIFICATION_TYPE,
      ]);
      for (const { event } of messages) expect(schemaErrorsOf(event)).toEqual([]);
      expect(messages.map((m) => (m.event.data as { note: string }).note)).toEqual(
        signed.map((c) => c.note),
      );
      expect(messages.map((m) => m.event.streamrevision)).toEqual([0, 1]);
      expect(new Set(messages.map((m) => m.key))).toEqual(new Set(['jv-ledger.local/log']));
      const [first, second] = messages.map((m) => m.event.data as Record<string, unknown>);
      expect(first.consistency).toBeUndefined();
      expect(second.consistency).toEqual({
        fromTreeSize: signed[0].treeSize,
        proof: (
          await transparency.log.consistencyProof(signed[0].treeSize, signed[1].treeSize)
        ).map((hash) => hash.toString('base64')),
      });
    });

    it('a witness keeps each checkpoint that extends the last, and its state survives a restart', async () => {
      const stateDir = join(scratch, 'ministry-kz');
      const firstRun = await witness(...onTopicOnce(stateDir, trustedKey, 'a'));
      expect(firstRun).toMatchObject({ code: 0 });
      expect(firstRun.stdout).toContain(
        `size ${signed[0].treeSize} root ${signed[0].rootHash} (first checkpoint kept)`,
      );
      expect(firstRun.stdout).toContain(
        `size ${signed[1].treeSize} root ${signed[1].rootHash} (extends ${signed[0].treeSize})`,
      );
      expect(kept(stateDir)).toBe(signed[1].note);

      // A new checkpoint, and a restarted witness in a new group that reads the topic again
      // from the start: what it kept before is not offered again as new, the new one extends it.
      await growAndSign(1);
      await onTopic(3);
      const secondRun = await witness(...onTopicOnce(stateDir, trustedKey, 'b'));
      expect(secondRun).toMatchObject({ code: 0 });
      expect(secondRun.stdout.match(/^accepted/gm)).toHaveLength(1);
      expect(secondRun.stdout).toContain(
        `size ${signed[2].treeSize} root ${signed[2].rootHash} (extends ${signed[1].treeSize})`,
      );
      expect(kept(stateDir)).toBe(signed[2].note);
    });

    it('a checkpoint of a forked log, signed with the ledger’s own key, is refused with exit 3 and kept as evidence', async () => {
      const stateDir = join(scratch, 'ministry-ru');
      const args = onTopicOnce(stateDir, trustedKey, 'c');
      expect(await witness(...args)).toMatchObject({ code: 0 });
      expect(kept(stateDir)).toBe(signed[2].note);

      // An insider rewrites history: a tree of the same size with other leaves, signed by the
      // ledger's key and appended as a checkpoint like any other.
      const { size } = await transparency.log.state();
      const forked = new TransparencyLog(new InMemoryLogStore());
      await forked.append(entriesFor(0, size));
      const { note, checkpoint } = await signCheckpoint(forked, {
        origin: 'jv-ledger.local/log',
        keys: transparency.keys,
        now: new Date(),
      });
      await app.app.get<EventStore>(EVENT_STORE).appendToStream(
        CHECKPOINT_STREAM,
        [
          {
            id: randomUUID(),
            type: CHECKPOINT_SIGNED,
            data: {
              note,
              treeSize: size,
              rootHash: checkpoint.root.toString('base64'),
              signedAt: checkpoint.time,
            },
            metadata: {},
          },
        ],
        { expectedRevision: 'any' },
      );
      await onTopic(4);

      const run = await witness(...args);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('REFUSED (forked)');
      expect(kept(stateDir)).toBe(signed[2].note);
      const evidence = readdirSync(join(stateDir, 'refused'));
      expect(evidence).toHaveLength(1);
      expect(
        JSON.parse(readFileSync(join(stateDir, 'refused', evidence[0]), 'utf8')),
      ).toMatchObject({
        reason: 'forked',
        note,
      });
    });

    it('checkpoints signed by a key the witness does not trust are refused with exit 3', async () => {
      const stateDir = join(scratch, 'ministry-by');
      const stranger = parseSignerKey(generateSignerKey('jv-ledger.local/log').signerKey);
      const run = await witness(...onTopicOnce(stateDir, stranger.verifierKey, 'd'));
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('REFUSED (bad-signature)');
      expect(existsSync(join(stateDir, 'checkpoint.json'))).toBe(false);
    });
  });

  describe('KAFKA_TOPIC_PER_STATE=on', () => {
    const prefix = `jv.test.${RUN}.states`;
    let app: TestApp | undefined;
    const readers: TopicReader[] = [];
    afterAll(async () => {
      for (const reader of readers) await reader.stop();
      await app?.close();
    });

    it('a JV’s notifications go to its partners’ states’ topics (an admitted state gets the history first, a withdrawn one nothing after) and the commission’s, schema-valid', async () => {
      app = await startTestApp({
        KAFKA_BROKERS: kafka().brokers.join(','),
        KAFKA_TOPIC: prefix,
        KAFKA_TOPIC_PER_STATE: 'on',
        KAFKA_TOPIC_PARTITIONS: '2',
        KAFKA_CHECKPOINT_TOPIC: `jv.test.${RUN}.states-checkpoints`,
        KAFKA_CLIENT_ID: `jv-ledger-test-${RUN}`,
      });
      const manager = await app.as(RU_MANAGER);
      // RU and BY; KZ admitted at version 1; BY withdrawn at version 2; one more fact after.
      const first = (await manager.post('/joint-ventures', establishBody({ name: `S1 ${RUN}` })))
        .body.id;
      expect(
        (
          await manager.post(`/joint-ventures/${first}/partners`, {
            partner: KZ_SEMEY,
            allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 3000, 'KZ-SEMEY': 2000 }),
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await manager.post(`/joint-ventures/${first}/partners/BY-MZKT/withdraw`, {
            allocation: shares({ 'RU-UVZ': 6000, 'KZ-SEMEY': 4000 }),
          })
        ).status,
      ).toBe(200);
      expect((await manager.post(`/joint-ventures/${first}/development/start`, {})).status).toBe(
        200,
      );
      // RU and BY only.
      const second = (await manager.post('/joint-ventures', establishBody({ name: `S2 ${RUN}` })))
        .body.id;
      expect((await manager.post(`/joint-ventures/${second}/development/start`, {})).status).toBe(
        200,
      );

      const stored: RecordedEvent[] = await app.app
        .get<EventStore>(EVENT_STORE)
        .readAll({ streamPrefix: 'joint-venture-' });
      expect(stored).toHaveLength(6);
      const received = async (state: string) => {
        const reader = await readTopic(kafka().brokers, `${prefix}.${state}`);
        readers.push(reader);
        return reader;
      };
      const expected: Record<string, string[]> = {
        CSTO: stored.map((e) => e.id),
        RU: stored.map((e) => e.id),
        BY: [
          ...stored.filter((e) => e.streamId.endsWith(first)).slice(0, 3),
          ...stored.filter((e) => e.streamId.endsWith(second)),
        ].map((e) => e.id),
        // Admitted at version 1: the history before it first.
        KZ: stored.filter((e) => e.streamId.endsWith(first)).map((e) => e.id),
      };
      for (const [state, ids] of Object.entries(expected)) {
        const reader = await received(state);
        await reader.waitFor(
          (messages) => messages.length >= ids.length,
          `${ids.length} on ${state}`,
        );
        await reader.readToEnd();
        const messages = reader.messages();
        expect([state, new Set(messages.map((m) => m.event.id))]).toEqual([state, new Set(ids)]);
        expect(messages).toHaveLength(ids.length);
        for (const { event, key } of messages) {
          expect(schemaErrorsOf(event)).toEqual([]);
          expect(key).toBe(event.subject);
        }
      }
    });
  });
});
