/**
 * Dead letters as an operator meets them, with real processes: an API and a projector on the
 * KurrentDB double and a real PostgreSQL, and `ledger dead-letters` run as its own process. A
 * trigger stands for a bug in a projection: it refuses the summary of some JVs. The projector
 * parks their events in order while every other JV goes on; once the cause is removed, a retry
 * from the CLI resumes the running projector without a restart, and a skip is kept with who and why.
 */
import { createPostgresDb } from '@app/event-store';
import { type ReadModelDb } from '@app/read-models';
import { loadConfig, localTokensOf } from '@app/runtime';
import { sql, type Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import { describeWithPostgres } from '../services/postgres';
import { runLedgerCli as runCli } from '../support/ledger-cli';
import { spawnApp, startApiProcess, type ApiProcess, type AppProcess } from './support/api-process';
import { establishBody, eventually, RU_MANAGER } from './support/test-app';

const SUMMARIES = 'JointVentureSummaries';

type Listed = Readonly<{
  id: string;
  consumer: string;
  stream: string;
  status: string;
  error: string;
  skipped?: Readonly<{ by: string; reason: string }>;
}>;

const ledger = runCli;

describeWithPostgres('dead letters on PostgreSQL, from the CLI', (pg) => {
  let kurrent: TestKurrentDb;
  let api: ApiProcess;
  let projector: AppProcess;
  let db: Kysely<ReadModelDb>;
  let token: string;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'jv-dead-letters-'));

  beforeAll(async () => {
    kurrent = await startKurrentDb();
    const jwtSecret = randomBytes(32).toString('base64url');
    env = {
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: kurrent.connectionString,
      DATABASE_URL: pg().url,
      EMBEDDED_PROJECTOR: 'false',
      DEAD_LETTER_AFTER_ATTEMPTS: '2',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
    };
    token = await localTokensOf(loadConfig({ JWT_SECRET: jwtSecret }), {
      createKey: false,
    }).issue(RU_MANAGER);
    api = await startApiProcess({ dataDir: dir, jwtSecret, env });
    db = createPostgresDb<ReadModelDb>({ url: pg().url });
    // The "bug": the summaries projection cannot store a JV whose name starts with Poison.
    await sql`create function poison() returns trigger language plpgsql as $$
      begin
        if new.name like 'Poison%' then raise exception 'poisoned summary %', new.name; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger poison before insert or update on jv_summaries
      for each row execute function poison()`.execute(db);
    projector = spawnApp('projector', env);
  });
  afterAll(async () => {
    await projector?.stop();
    await api?.stop();
    await db?.destroy();
    await kurrent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) =>
    fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
  const establish = async (name: string) => {
    const reply = await post('/joint-ventures', establishBody({ name }));
    expect(reply.status).toBe(201);
    return reply.body.id;
  };
  const summary = (id: string) =>
    db.selectFrom('jv_summaries').select(['id', 'stage']).where('id', '=', id).executeTakeFirst();
  const list = async (): Promise<Listed[]> => {
    const run = await ledger(env, 'dead-letters', 'list', '--consumer', SUMMARIES);
    expect(run).toMatchObject({ code: 0 });
    return JSON.parse(run.stdout) as Listed[];
  };

  it('parks a refused JV and the events behind it, in order; a retry after the fix resumes the running projector', async () => {
    const poisoned = await establish(`Poison ${randomUUID()}`);
    expect((await post(`/joint-ventures/${poisoned}/development/start`, {})).status).toBe(200);
    const healthy = await establish(`Healthy ${randomUUID()}`);

    // Every other JV goes on while the poisoned one is parked: first its establishment
    // (failed), then its next event (waiting behind it).
    await eventually(async () => expect(await summary(healthy)).toBeDefined());
    const parked = await eventually(async () => {
      const letters = (await list()).filter((l) => l.stream.endsWith(poisoned));
      expect(letters.map((l) => l.status)).toEqual(['failed', 'waiting']);
      return letters;
    });
    expect(parked[0].error).toContain('poisoned summary');
    expect(await summary(poisoned)).toBeUndefined();

    // The cause fixed, the operator asks for a retry; the projector (still the same process)
    // handles the failed letter, then the one that waited, and the JV is in development.
    await sql`drop trigger poison on jv_summaries`.execute(db);
    const retry = await ledger(env, 'dead-letters', 'retry', parked[0].id);
    expect(retry).toMatchObject({ code: 0 });
    expect(JSON.parse(retry.stdout)).toEqual({ retryRequested: 1 });
    await eventually(async () =>
      expect(await summary(poisoned)).toMatchObject({ stage: 'development' }),
    );
    expect((await list()).filter((l) => l.stream.endsWith(poisoned))).toEqual([]);
    expect(projector.isRunning()).toBe(true);
  });

  it('a skip is recorded with who and why, and needs both an id and a reason', async () => {
    await sql`create trigger poison before insert or update on jv_summaries
      for each row execute function poison()`.execute(db);
    const poisoned = await establish(`Poison ${randomUUID()}`);
    const [letter] = await eventually(async () => {
      const letters = (await list()).filter((l) => l.stream.endsWith(poisoned));
      expect(letters).toHaveLength(1);
      return letters;
    });

    expect(await ledger(env, 'dead-letters', 'skip', letter.id)).toMatchObject({ code: 2 });
    const skip = await ledger(
      env,
      'dead-letters',
      'skip',
      letter.id,
      '--reason',
      'summary rebuilt by hand, ticket OPS-12',
      '--by',
      'olga',
    );
    expect(skip).toMatchObject({ code: 0 });
    const [after] = (await list()).filter((l) => l.stream.endsWith(poisoned));
    expect(after).toMatchObject({
      status: 'skipped',
      skipped: { by: 'olga', reason: 'summary rebuilt by hand, ticket OPS-12' },
    });
    // A skipped letter is no longer failed: retrying it by id is refused.
    expect(await ledger(env, 'dead-letters', 'retry', letter.id)).toMatchObject({ code: 2 });
  });
});
