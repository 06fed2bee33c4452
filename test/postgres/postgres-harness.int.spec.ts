/**
 * The PostgreSQL harness's own test, against the server it provides (the machine's PostgreSQL
 * 15 binaries here; testcontainers where a Docker engine answers; TEST_DATABASE_URL if set):
 * suites get empty databases of their own, data survives a restart and a crash, a stopped
 * server refuses and then serves again, and a killed test process leaves nothing running.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { describeWithPostgres, planPostgres } from '../services/postgres';

async function query<T = Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const restartable = planPostgres().restartable;
const itRestartable = restartable ? it : it.skip;

describeWithPostgres('PostgreSQL harness: a real server, a database per suite', (pg) => {
  it("connects to the suite's own empty database on PostgreSQL 15 or later", async () => {
    const { pathname } = new URL(pg().url);
    const [row] = await query<{ db: string; version: string; tables: string }>(
      pg().url,
      `select current_database() as db, current_setting('server_version_num') as version,
              (select count(*) from information_schema.tables where table_schema = 'public') as tables`,
    );
    expect(row.db).toBe(pathname.slice(1));
    expect(Number(row.version)).toBeGreaterThanOrEqual(150000);
    expect(Number(row.tables)).toBe(0);
  });

  it("gives every database its own tables: two databases never see each other's rows", async () => {
    const a = await pg().createDatabase('isolation a');
    const b = await pg().createDatabase('isolation b');
    expect(a).not.toBe(b);
    await query(a, 'create table jv (id text primary key)');
    await query(a, `insert into jv values ('only-in-a')`);
    const [missing] = await query<{ t: string | null }>(b, `select to_regclass('jv')::text as t`);
    expect(missing.t).toBeNull();
    await query(b, 'create table jv (id text primary key)');
    await query(b, `insert into jv values ('only-in-b')`);
    expect(await query(a, 'select id from jv')).toEqual([{ id: 'only-in-a' }]);
    expect(await query(b, 'select id from jv')).toEqual([{ id: 'only-in-b' }]);
  });

  itRestartable('keeps committed data across a restart on the same address', async () => {
    await query(pg().url, 'create table kept (n int)');
    await query(pg().url, 'insert into kept select generate_series(1, 1000)');
    await pg().restart();
    const [row] = await query<{ total: string }>(pg().url, 'select sum(n) as total from kept');
    expect(row.total).toBe(String((1000 * 1001) / 2));
  });

  itRestartable('refuses connections while stopped and serves again once started', async () => {
    const pool = new Pool({ connectionString: pg().url, max: 2, connectionTimeoutMillis: 2_000 });
    pool.on('error', () => undefined); // the idle client the shutdown ends
    try {
      await pool.query('create table outage (n int)');
      await pg().stop();
      expect(pg().isRunning()).toBe(false);
      await expect(query(pg().url, 'select 1')).rejects.toThrow(/ECONNREFUSED|connect/);
      await expect(pool.query('select 1')).rejects.toThrow();
      await pg().start();
      await pool.query('insert into outage values (1)');
      expect((await pool.query('select count(*)::int as n from outage')).rows).toEqual([{ n: 1 }]);
    } finally {
      await pool.end();
    }
  });

  itRestartable('recovers every committed row after a crash (SIGKILL)', async () => {
    await query(pg().url, 'create table crash (n int)');
    await query(pg().url, 'insert into crash select generate_series(1, 500)');
    pg().kill();
    await eventually(() => !pg().isRunning(), 10_000, 'the killed server is seen as down');
    await pg().start();
    const [row] = await query<{ n: number }>(pg().url, 'select count(*)::int as n from crash');
    expect(row.n).toBe(500);
  });
});

describeWithPostgres(
  'PostgreSQL harness: a database per test on request',
  (pg) => {
    const seen: string[] = [];
    it('gives the first test an empty database', async () => {
      seen.push(pg().url);
      await query(pg().url, 'create table left_behind (n int)');
    });
    it('gives the next test another empty one', async () => {
      seen.push(pg().url);
      expect(seen[1]).not.toBe(seen[0]);
      const [row] = await query<{ t: string | null }>(
        pg().url,
        `select to_regclass('left_behind')::text as t`,
      );
      expect(row.t).toBeNull();
    });
  },
  { database: 'per-test' },
);

const local = planPostgres().kind === 'local';
(local ? describe : describe.skip)('PostgreSQL harness: cleanup', () => {
  it('leaves no server and no temp dir behind when the test process is SIGKILLed', async () => {
    const script = join(__dirname, 'support', 'hold-local-postgres.ts');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
      });
      const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
      // Gone, or a zombie (whoever reaps orphans here may take its time): not running.
      const alive = () => {
        try {
          return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return false;
        }
      };
      expect(alive()).toBe(true);
      expect(existsSync(dir)).toBe(true);
      child.kill('SIGKILL');
      await eventually(() => !alive(), 20_000, `postgres ${pid} is stopped by the watchdog`);
      await eventually(() => !existsSync(dir), 20_000, `${dir} is removed by the watchdog`);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
