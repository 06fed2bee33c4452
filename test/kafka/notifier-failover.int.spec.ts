import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import { createPostgresDb, KurrentDbEventStore, type RecordedEvent } from '@app/event-store';
import { NOTIFIER_NAME } from '@app/notifications';
import type { ReadModelDb } from '@app/read-models';
import { loadConfig, localTokensOf } from '@app/runtime';
import type { Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { establishBody, RU_MANAGER } from '../e2e/support/test-app';
import {
  spawnApp,
  startApiProcess,
  type ApiProcess,
  type AppProcess,
} from '../e2e/support/api-process';
import { describeWithKafka } from '../services/kafka';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import { describeWithPostgres } from '../services/postgres';
import { waitUntil } from '../support/wait';
import { createTopic, deliveryOf, readTopic, type TopicReader } from './support/topic-reader';

const LEASE_TTL_MS = 3_000;

/**
 * The notifier's side of projector failover: two projector processes on one KurrentDB (the
 * double) and one PostgreSQL publish to a real broker; the active one is killed with SIGKILL
 * while commands keep coming. The standby takes the lease and resumes from the last committed
 * checkpoint, so what reaches the topic twice is only what the killed one had published after
 * that checkpoint (its documented window: NOTIFICATIONS_CHECKPOINT_INTERVAL_MS), and nothing is
 * missing.
 */
describeWithKafka('notifier failover between projector processes', (kafka) => {
  describeWithPostgres('on KurrentDB and PostgreSQL', (pg) => {
    const dir = mkdtempSync(join(tmpdir(), 'jv-notifier-failover-'));
    const topic = `jv.test.failover.${randomBytes(3).toString('hex')}`;
    let kurrent: TestKurrentDb;
    let api: ApiProcess;
    let db: Kysely<ReadModelDb>;
    let reader: TopicReader;
    const projectors: AppProcess[] = [];

    beforeAll(async () => {
      kurrent = await startKurrentDb();
      await createTopic(kafka().brokers, topic, 3);
      reader = await readTopic(kafka().brokers, topic);
      const jwtSecret = randomBytes(32).toString('base64url');
      const env = {
        EVENT_STORE: 'kurrentdb',
        KURRENTDB_URL: kurrent.connectionString,
        DATABASE_URL: pg().url,
        EMBEDDED_PROJECTOR: 'false',
        LEASE_TTL_MS: String(LEASE_TTL_MS),
      };
      api = await startApiProcess({ dataDir: dir, jwtSecret, env });
      const kafkaEnv = {
        KAFKA_BROKERS: kafka().brokers.join(','),
        KAFKA_TOPIC: topic,
        KAFKA_REQUIRE_TOPIC: 'true',
        // Small batches, so the active one dies between produce requests, not after the last.
        NOTIFICATIONS_BATCH_SIZE: '5',
      };
      for (let i = 0; i < 2; i++)
        projectors.push(
          spawnApp('projector', { ...env, ...kafkaEnv, DATA_DIR: dir, LOG_LEVEL: 'warn' }),
        );
      db = createPostgresDb<ReadModelDb>({ url: pg().url });
      token = await localTokensOf(loadConfig({ JWT_SECRET: jwtSecret }), {
        createKey: false,
      }).issue(RU_MANAGER);
    });
    let token: string;
    afterAll(async () => {
      await reader?.stop();
      await Promise.all(projectors.map((p) => p.stop()));
      await api?.stop();
      await db?.destroy();
      await kurrent?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const notifierLease = async () =>
      (await db.selectFrom('consumer_leases').selectAll().execute()).find(
        (lease) => lease.consumer === NOTIFIER_NAME,
      );
    const notifierCheckpoint = async () => {
      const row = await db
        .selectFrom('consumer_checkpoints')
        .select('position')
        .where('consumer', '=', NOTIFIER_NAME)
        .executeTakeFirst();
      return row ? BigInt(row.position) : -1n;
    };

    it('kill -9 of the active notifier under load: no gap, duplicates only after its last checkpoint', async () => {
      const lease = await waitUntil(notifierLease, { what: 'a notifier holds its lease' });
      const active = projectors.find((p) => lease.holder.includes(`:${p.pid}:`))!;
      expect(active).toBeDefined();

      let stop = false;
      const statuses: number[] = [];
      const worker = async () => {
        while (!stop) {
          const reply = await fetch(`${api.baseUrl}/joint-ventures`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(establishBody({ name: `Failover ${randomUUID()}` })),
          });
          statuses.push(reply.status);
          await reply.body?.cancel();
        }
      };
      const load = Promise.all(Array.from({ length: 4 }, worker));
      await reader.waitFor((messages) => messages.length >= 30, '30 messages before the kill');
      // Read before the kill: the real checkpoint at the kill is at or after this one, so the
      // set of events allowed to come twice computed from it can only be larger, never smaller.
      const checkpointBeforeKill = await notifierCheckpoint();
      active.kill('SIGKILL');
      const killedAt = Date.now();
      await waitUntil(
        async () => {
          const now = await notifierLease();
          return now && now.holder !== lease.holder ? now : undefined;
        },
        { what: 'the standby takes the notifier lease' },
      );
      const takeoverMs = Date.now() - killedAt;
      // Keep the load on for a moment under the new holder, then stop it.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      stop = true;
      await load;
      expect(statuses.every((status) => status === 201)).toBe(true);

      const store = KurrentDbEventStore.connect(kurrent.connectionString);
      let stored: RecordedEvent[];
      try {
        stored = await store.readAll({ streamPrefix: JOINT_VENTURE_STREAM_PREFIX });
      } finally {
        await store.close();
      }
      expect(stored.length).toBe(statuses.length);
      const report = await deliveryOf(reader, stored, `on ${topic}`);
      expect(report.problems).toEqual([]);
      expect(report.distinct).toBe(stored.length);
      const seen = new Map<string, number>();
      for (const { event } of reader.messages()) seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
      const duplicated = stored.filter((event) => (seen.get(event.id) ?? 0) > 1);
      // The window: nothing at or before the checkpoint the killed notifier had committed.
      expect(duplicated.filter((event) => event.position <= checkpointBeforeKill)).toEqual([]);
      process.stderr.write(
        `[notifier failover] ${stored.length} events, takeover ${takeoverMs} ms ` +
          `(LEASE_TTL_MS=${LEASE_TTL_MS}), ${duplicated.length} event(s) delivered twice, ` +
          `all after the killed notifier's last checkpoint; no gap\n`,
      );
    });
  });
});
