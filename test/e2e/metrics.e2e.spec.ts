/**
 * Prometheus metrics as Prometheus scrapes them: the API's /metrics (operator token) on the
 * embedded default, and a projector process's own METRICS_PORT in production (KurrentDB double,
 * real PostgreSQL). Names are checked, and values that move: the head, checkpoints, lag while the
 * projector is paused, dead letters, HTTP requests by route and status.
 */
import { loadConfig, localTokensOf, STORAGE, type Storage } from '@app/runtime';
import { sql } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import { describeWithPostgres } from '../services/postgres';
import {
  freePort,
  spawnApp,
  startApiProcess,
  type ApiProcess,
  type AppProcess,
} from './support/api-process';
import {
  establishBody,
  eventually,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  type TestApp,
} from './support/test-app';

/** The value of one series in Prometheus text, or undefined when absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const SUMMARIES = 'consumer="JointVentureSummaries"';

describe('the API /metrics on the embedded default', () => {
  let testApp: TestApp;
  beforeAll(async () => (testApp = await startTestApp()));
  afterAll(() => testApp.close());

  const scrape = async () => {
    const reply = await (await testApp.as(OPERATOR)).get('/metrics');
    expect(reply.status).toBe(200);
    return reply.body as string;
  };

  it('reports the head, every consumer caught up to it, its lease, and HTTP requests by route', async () => {
    const manager = await testApp.as(RU_MANAGER);
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name: `M ${randomUUID()}` }),
    );
    expect(created.status).toBe(201);
    expect((await manager.post('/joint-ventures', { name: '' })).status).toBe(400);

    const text = await eventually(async () => {
      const body = await scrape();
      const head = valueOf(body, 'jv_log_head_position');
      expect(head).toBeGreaterThan(0);
      for (const consumer of [
        'JointVentureSummaries',
        'JointVentureDetails',
        'JointVentureTimeline',
      ]) {
        expect(valueOf(body, `jv_consumer_checkpoint_position{consumer="${consumer}"}`)).toBe(head);
        expect(valueOf(body, `jv_consumer_lag_events{consumer="${consumer}"}`)).toBe(0);
        expect(valueOf(body, `jv_consumer_lag_seconds{consumer="${consumer}"}`)).toBe(0);
        expect(valueOf(body, `jv_consumer_active{consumer="${consumer}"}`)).toBe(1);
      }
      return body;
    });
    expect(text).toMatch(
      /^jv_consumer_lease_epoch\{consumer="JointVentureSummaries",holder="[^"]+"\} \d+$/m,
    );
    expect(
      valueOf(
        text,
        'jv_http_request_duration_seconds_count{method="POST",route="/joint-ventures",status="201"}',
      ),
    ).toBe(1);
    expect(
      valueOf(
        text,
        'jv_http_request_duration_seconds_count{method="POST",route="/joint-ventures",status="400"}',
      ),
    ).toBe(1);
    // Parameterised routes are labelled with their pattern, never with the id.
    await manager.get(`/joint-ventures/${created.body.id}`);
    expect(await scrape()).toContain('route="/joint-ventures/:id",status="200"');
  });

  it('counts dead letters per consumer and status as they are parked', async () => {
    const { readModels } = testApp.app.get<Storage>(STORAGE);
    await sql`create trigger poison before insert on jv_summaries when new.name like 'Poison%'
      begin select raise(abort, 'poisoned summary'); end`.execute(readModels);
    const before = valueOf(
      await scrape(),
      `jv_consumer_dead_letters{${SUMMARIES},status="failed"}`,
    );
    expect(before).toBeUndefined();
    const manager = await testApp.as(RU_MANAGER);
    expect(
      (await manager.post('/joint-ventures', establishBody({ name: `Poison ${randomUUID()}` })))
        .status,
    ).toBe(201);
    await eventually(async () =>
      expect(
        valueOf(await scrape(), `jv_consumer_dead_letters{${SUMMARIES},status="failed"}`),
      ).toBe(1),
    );
    await sql`drop trigger poison`.execute(readModels);
  });
});

describeWithPostgres('a projector process on METRICS_PORT', (pg) => {
  let kurrent: TestKurrentDb;
  let api: ApiProcess;
  let projector: AppProcess;
  let token: string;
  let operatorToken: string;
  let metricsPort: number;
  const dir = mkdtempSync(join(tmpdir(), 'jv-metrics-'));

  beforeAll(async () => {
    kurrent = await startKurrentDb();
    const jwtSecret = randomBytes(32).toString('base64url');
    const env = {
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: kurrent.connectionString,
      DATABASE_URL: pg().url,
      EMBEDDED_PROJECTOR: 'false',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
    };
    const tokens = localTokensOf(loadConfig({ JWT_SECRET: jwtSecret }), { createKey: false });
    token = await tokens.issue(RU_MANAGER);
    operatorToken = await tokens.issue(OPERATOR);
    api = await startApiProcess({ dataDir: dir, jwtSecret, env });
    metricsPort = await freePort();
    projector = spawnApp('projector', {
      ...env,
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
    });
  });
  afterAll(async () => {
    projector?.kill('SIGCONT');
    await projector?.stop();
    await api?.stop();
    await kurrent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const reply = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(reply.status).toBe(200);
    return reply.text();
  };
  const establish = async () => {
    const reply = await fetch(`${api.baseUrl}/joint-ventures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(establishBody({ name: `Lag ${randomUUID()}` })),
    });
    expect(reply.status).toBe(201);
  };

  it('serves the log and consumer metrics without a token; the lag the API sees while the projector is paused falls back to 0', async () => {
    await establish();
    const caughtUp = await eventually(async () => {
      const body = await scrape();
      const head = valueOf(body, 'jv_log_head_position');
      expect(head).toBeGreaterThan(0);
      expect(valueOf(body, `jv_consumer_checkpoint_position{${SUMMARIES}}`)).toBe(head);
      expect(valueOf(body, `jv_consumer_active{${SUMMARIES}}`)).toBe(1);
      return head!;
    });

    // Paused, the projector handles nothing: the API (same storage) sees two events of lag,
    // the oldest over a second old.
    projector.kill('SIGSTOP');
    try {
      await establish();
      await establish();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const reply = await fetch(`${api.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${operatorToken}` },
      });
      const body = await reply.text();
      expect(valueOf(body, `jv_consumer_lag_events{${SUMMARIES}}`)).toBe(2);
      expect(valueOf(body, `jv_consumer_lag_seconds{${SUMMARIES}}`)).toBeGreaterThanOrEqual(1);
      expect(valueOf(body, 'jv_log_head_position')).toBeGreaterThan(caughtUp);
    } finally {
      projector.kill('SIGCONT');
    }
    await eventually(async () => {
      const body = await scrape();
      const head = valueOf(body, 'jv_log_head_position')!;
      expect(head).toBeGreaterThan(caughtUp);
      expect(valueOf(body, `jv_consumer_checkpoint_position{${SUMMARIES}}`)).toBe(head);
      expect(valueOf(body, `jv_consumer_lag_events{${SUMMARIES}}`)).toBe(0);
    });
    expect(projector.isRunning()).toBe(true);
    // The same port answers the liveness probe of the compose file and the Kubernetes manifest.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status).toBe(200);
  });
});
