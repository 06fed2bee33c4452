import { createPostgresDb, KurrentDbEventStore } from '@app/event-store';
import { type ReadModelDb } from '@app/read-models';
import { openTestReadModels, project, snapshot } from '@app/read-models/testing/read-model-test-db';
import { loadConfig, localTokensOf } from '@app/runtime';
import type { Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import { describeWithPostgres } from '../services/postgres';
import { spawnApp, startApiProcess, type ApiProcess, type AppProcess } from './support/api-process';
import { establishBody, eventually, RU_MANAGER } from './support/test-app';

const LEASE_TTL_MS = 3_000;

/** Two projector processes on one PostgreSQL: one active per consumer, a standby that takes over. */
describeWithPostgres('projector failover on PostgreSQL', (pg) => {
  let kurrent: TestKurrentDb;
  let api: ApiProcess;
  let db: Kysely<ReadModelDb>;
  const projectors: AppProcess[] = [];
  let token: string;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'jv-failover-'));

  beforeAll(async () => {
    kurrent = await startKurrentDb();
    const jwtSecret = randomBytes(32).toString('base64url');
    env = {
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: kurrent.connectionString,
      DATABASE_URL: pg().url,
      EMBEDDED_PROJECTOR: 'false',
      LEASE_TTL_MS: String(LEASE_TTL_MS),
    };
    token = await localTokensOf(loadConfig({ JWT_SECRET: jwtSecret }), {
      createKey: false,
    }).issue(RU_MANAGER);
    api = await startApiProcess({ dataDir: dir, jwtSecret, env });
    db = createPostgresDb<ReadModelDb>({ url: pg().url });
    for (let i = 0; i < 2; i++)
      projectors.push(spawnApp('projector', { ...env, DATA_DIR: dir, LOG_LEVEL: 'warn' }));
  });
  afterAll(async () => {
    await Promise.all(projectors.map((p) => p.stop()));
    await api?.stop();
    await db?.destroy();
    await kurrent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const establish = () =>
    fetch(`${api.baseUrl}/joint-ventures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(establishBody({ name: `Failover ${randomUUID()}` })),
    }).then((r) => r.status);
  const holders = async () =>
    (await db.selectFrom('consumer_leases').selectAll().execute()).filter(
      (l) => l.consumer === 'JointVentureSummaries',
    );

  it('kill -9 of the active projector under load: the standby takes over, no gap', async () => {
    const lease = await eventually(async () => {
      const [row] = await holders();
      expect(row).toBeDefined();
      return row;
    });
    const active = projectors.find((p) => lease.holder.includes(`:${p.pid}:`))!;
    expect(active).toBeDefined();
    const load = Promise.all(Array.from({ length: 20 }, () => establish()));
    active.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(async () => {
      const [row] = await holders();
      expect(row.holder).not.toBe(lease.holder);
    });
    const takeoverMs = Date.now() - killedAt;
    process.stderr.write(
      `[failover] kill -9 takeover: ${takeoverMs} ms (LEASE_TTL_MS=${LEASE_TTL_MS})\n`,
    );
    expect(takeoverMs).toBeLessThan(LEASE_TTL_MS + 5_000);
    expect((await load).every((status) => status === 201)).toBe(true);

    const events = await KurrentDbEventStore.connect(kurrent.connectionString);
    try {
      const all = (await events.readAll()).filter((e) => e.streamId.startsWith('joint-venture-'));
      const fresh = await openTestReadModels();
      try {
        await project(fresh.db, all);
        const expected = await snapshot(fresh.db);
        await eventually(async () => expect(await snapshot(db)).toEqual(expected));
        expect(expected.jv_summaries).toHaveLength(20);
      } finally {
        await fresh.close();
      }
    } finally {
      await events.close();
    }
  });

  it('SIGSTOP past the lease: the standby takes over; after SIGCONT the old one stands down', async () => {
    projectors.push(spawnApp('projector', { ...env, DATA_DIR: dir, LOG_LEVEL: 'warn' }));
    const [lease] = await holders();
    const active = projectors.find((p) => lease.holder.includes(`:${p.pid}:`))!;
    active.kill('SIGSTOP');
    const stoppedAt = Date.now();
    const taken = await eventually(async () => {
      const [row] = await holders();
      expect(row.holder).not.toBe(lease.holder);
      return row;
    });
    process.stderr.write(`[failover] SIGSTOP takeover: ${Date.now() - stoppedAt} ms\n`);
    expect(taken.epoch).toBeGreaterThan(lease.epoch);
    const load = await Promise.all(Array.from({ length: 10 }, () => establish()));
    active.kill('SIGCONT');
    expect(load.every((status) => status === 201)).toBe(true);
    const more = await Promise.all(Array.from({ length: 5 }, () => establish()));
    expect(more.every((status) => status === 201)).toBe(true);

    const events = await KurrentDbEventStore.connect(kurrent.connectionString);
    try {
      const all = (await events.readAll()).filter((e) => e.streamId.startsWith('joint-venture-'));
      const fresh = await openTestReadModels();
      try {
        await project(fresh.db, all);
        const expected = await snapshot(fresh.db);
        await eventually(async () => expect(await snapshot(db)).toEqual(expected));
        expect(expected.jv_summaries).toHaveLength(35);
      } finally {
        await fresh.close();
      }
    } finally {
      await events.close();
    }
    // The woken one did not take the lease back: the new holder's epoch still stands.
    const [now] = await holders();
    expect({ holder: now.holder, epoch: now.epoch }).toEqual({
      holder: taken.holder,
      epoch: taken.epoch,
    });
  });
});
