import { loadConfig, localTokensOf } from '@app/runtime';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import { describeWithPostgres } from '../services/postgres';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { batchBody, establishBody, RU_MANAGER } from './support/test-app';

/** Two API processes on one KurrentDB (the double) and one PostgreSQL: stateless replicas. */
describeWithPostgres('two API replicas on KurrentDB and PostgreSQL', (pg) => {
  let kurrent: TestKurrentDb;
  let replicas: ApiProcess[] = [];
  let token: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    kurrent = await startKurrentDb();
    const jwtSecret = randomBytes(32).toString('base64url');
    const env = {
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: kurrent.connectionString,
      DATABASE_URL: pg().url,
    };
    token = await localTokensOf(loadConfig({ JWT_SECRET: jwtSecret }), {
      createKey: false,
    }).issue(RU_MANAGER);
    replicas = await Promise.all(
      [0, 1].map(() => {
        const dataDir = mkdtempSync(join(tmpdir(), 'jv-replica-'));
        dirs.push(dataDir);
        return startApiProcess({ dataDir, jwtSecret, env });
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await kurrent?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const send = (replica: ApiProcess, path: string, body: unknown, headers = {}) =>
    fetch(`${replica.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      etag: r.headers.get('etag'),
      body: (await r.json()) as { id?: string; currentVersion?: number },
    }));
  const post = (replica: ApiProcess, body: unknown, key?: string) =>
    send(replica, '/joint-ventures', body, key ? { 'idempotency-key': key } : {}).then(
      ({ status, body }) => ({ status, body }),
    );

  it('never registers one name twice, however the establishments are spread', async () => {
    const body = establishBody({ name: `Replicated ${randomUUID()}` });
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(replicas[i % 2], body)),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
  });

  it('never appends a retried idempotent command twice, whichever replica gets the retry', async () => {
    const body = establishBody({ name: `Idempotent ${randomUUID()}` });
    const key = randomUUID();
    const first = await post(replicas[0], body, key);
    expect(first.status).toBe(201);
    const retries = await Promise.all([post(replicas[1], body, key), post(replicas[0], body, key)]);
    for (const retry of retries) expect(retry).toEqual(first);
  });

  it("keeps each replica's state cache a cache: commands alternating between replicas see every event the other appended", async () => {
    const created = await post(replicas[0], establishBody({ name: `Cached ${randomUUID()}` }));
    expect(created.status).toBe(201);
    const jv = `/joint-ventures/${created.body.id}`;
    // Replica 0 caches the JV here; from round 2 on, each replica's cached state is one command
    // behind the stream, which the other replica moved on.
    expect((await send(replicas[0], `${jv}/production/start`, {})).status).toBe(200);
    let version = 1;
    for (let round = 0; round < 8; round++) {
      const replica = replicas[round % 2];
      const applied = await send(
        replica,
        `${jv}/production/batches`,
        batchBody({ batchReference: `R-${round}` }),
        {
          'if-match': `W/"${version}"`,
        },
      );
      // A replica answering from a stale cache would refuse the other's version (412) or decide
      // against an old state; each must catch up on the stream first.
      expect({ round, status: applied.status }).toEqual({ round, status: 200 });
      version += 1;
      expect(applied.etag).toBe(`W/"${version}"`);
    }
    for (const replica of replicas) {
      const stale = await send(
        replica,
        `${jv}/production/batches`,
        batchBody({ batchReference: 'stale' }),
        {
          'if-match': `W/"${version - 1}"`,
        },
      );
      expect(stale.status).toBe(412);
      expect(stale.body.currentVersion).toBe(version);
    }
  });
});
