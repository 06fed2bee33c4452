import { loadConfig, localTokensOf } from '@app/runtime';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import { describeWithPostgres } from '../services/postgres';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { establishBody, RU_MANAGER } from './support/test-app';

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

  const post = (replica: ApiProcess, body: unknown, key?: string) =>
    fetch(`${replica.baseUrl}/joint-ventures`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id?: string } }));

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
});
