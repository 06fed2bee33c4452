/**
 * H. The ledger over real HTTP: the built service as a process of its own (the embedded default,
 * or the API with `EMBEDDED_PROJECTOR=false` beside `apps/projector`), loaded by autocannon from
 * a third process (`drive-load.ts`), and the floor reference (`floor/floor-server.ts`) under the
 * same load. See test/bench/README.md for what each figure means.
 */
import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import type { SqliteSynchronous } from '@app/event-store';
import { JOINT_VENTURE_PROJECTIONS } from '@app/read-models';
import Database from 'better-sqlite3';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, localTokensOf } from '@app/runtime';
import {
  freePort,
  spawnApp,
  spawnTypeScript,
  waitForHealth,
  type ApiProcess,
  type AppProcess,
} from '../../e2e/support/api-process';
import { request } from '../../e2e/support/crash-load';
import { establishBody } from '../../e2e/support/test-app';
import { BENCH_MANAGER } from '../support/bench-app';
import { since } from '../support/stats';
import { DATABASE_FILE } from '../support/temp-dirs';
import type { LoadKind, LoadPlan, LoadResult } from './drive-load';

export type Deployment = 'embedded' | 'api+projector' | 'floor';

export type Service = Readonly<{
  deployment: Deployment;
  synchronous: SqliteSynchronous;
  baseUrl: string;
  dataDir: string;
  managerToken: string;
  auditorToken: string;
  /** CPU time the service's processes (all their threads) have used so far, in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}>;

const AUDITOR = { subject: 'bench-auditor', role: 'auditor', memberState: 'AM' } as const;

/** Starts one deployment on a fresh data folder; `nodeArgs` go to the API process (e.g. `--cpu-prof`). */
export async function startService(
  deployment: Deployment,
  synchronous: SqliteSynchronous,
  dataDir: string,
  nodeArgs: readonly string[] = [],
): Promise<Service> {
  const jwtSecret = randomBytes(32).toString('base64url');
  const port = await freePort();
  const env = {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    JWT_SECRET: jwtSecret,
    SQLITE_SYNCHRONOUS: synchronous,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The load comes from one address and one subject: the limits would refuse it.
    RATE_LIMIT_PER_ADDRESS: '0',
    RATE_LIMIT_PER_SUBJECT: '0',
  };
  const processes: AppProcess[] = [];
  const stop = async () => {
    for (const child of processes.reverse()) await child.stop(10_000);
  };
  try {
    if (deployment === 'floor') {
      processes.push(spawnTypeScript('test/bench/floor/floor-server.ts', env));
    } else {
      const embedded = deployment === 'embedded';
      processes.push(
        spawnApp(
          'api',
          { ...env, EMBEDDED_PROJECTOR: String(embedded) },
          { entry: 'built', nodeArgs },
        ),
      );
      if (!embedded)
        processes.push(spawnApp('projector', { ...env, PORT: '0' }, { entry: 'built' }));
    }
    const api: ApiProcess = { ...processes[0], baseUrl: `http://127.0.0.1:${port}` };
    await waitForHealth(api, 60_000);
    for (const child of processes)
      if (!child.isRunning()) throw new Error(`a ${deployment} process exited:\n${child.output()}`);

    const tokens = localTokensOf(loadConfig(env), { createKey: false });
    return {
      deployment,
      synchronous,
      baseUrl: api.baseUrl,
      dataDir,
      managerToken: await tokens.issue(BENCH_MANAGER),
      auditorToken: await tokens.issue(AUDITOR),
      cpuMs: () => processes.reduce((sum, child) => sum + cpuMsOf(child.pid), 0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Establishes `count` JVs and starts their production, through the API, a few at a time. */
export async function createJointVentures(service: Service, count: number, label: string) {
  const ids: string[] = [];
  const post = async (path: string, body: unknown, status: number) => {
    const reply = await request(service.baseUrl, service.managerToken, 'POST', path, body, 30_000);
    if (reply.status !== status)
      throw new Error(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { id: string };
  };
  const one = async (n: number) => {
    const { id } = await post(
      '/joint-ventures',
      establishBody({ name: `Bench ${label} JV ${n}` }),
      201,
    );
    await post(`/joint-ventures/${id}/production/start`, {}, 200);
    ids.push(id);
  };
  for (let n = 0; n < count; n += 8)
    await Promise.all(Array.from({ length: Math.min(8, count - n) }, (_, i) => one(n + i)));
  return ids;
}

export type LoadOptions = Readonly<{
  kind: LoadKind;
  connections: number;
  jointVentures: number;
  warmupSeconds: number;
  seconds: number;
}>;

export type Measured = LoadResult &
  Readonly<{
    options: LoadOptions;
    /** JV events the slowest projection had not applied when the load stopped; null for the floor. */
    lagEvents: number | null;
    /** How long the projections then took to reach the head of the log (ms). */
    catchUpMs: number | null;
    /** CPU time of the service's processes during the measured run (ms). */
    serviceCpuMs: number;
  }>;

/** Runs one load against a running service, then reads how far behind the projections were. */
export async function measureLoad(service: Service, options: LoadOptions): Promise<Measured> {
  const runTag = randomBytes(3).toString('hex');
  const jointVentures = await createJointVentures(service, options.jointVentures, runTag);
  if (service.deployment !== 'floor') await projectionsCaughtUp(service, 120_000);
  const plan: LoadPlan = {
    baseUrl: service.baseUrl,
    kind: options.kind,
    connections: options.connections,
    seconds: options.seconds,
    jointVentures,
    managerToken: service.managerToken,
    auditorToken: service.auditorToken,
    runTag,
  };
  // Batch references are unique per JV and each driver counts from 1: the warm-up has a tag of its own.
  if (options.warmupSeconds > 0)
    await runDriver({ ...plan, seconds: options.warmupSeconds, runTag: `${runTag}w` });
  const cpuBefore = service.cpuMs();
  const result = await runDriver(plan);
  const serviceCpuMs = service.cpuMs() - cpuBefore;
  if (service.deployment === 'floor')
    return { ...result, options, lagEvents: null, catchUpMs: null, serviceCpuMs };
  const lagEvents = projectionLag(service);
  const start = performance.now();
  await projectionsCaughtUp(service, 120_000);
  return { ...result, options, lagEvents, catchUpMs: since(start), serviceCpuMs };
}

const CLOCK_TICKS_PER_SECOND =
  Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU time of a process and all its threads so far (Linux /proc), in ms. */
function cpuMsOf(pid: number): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

const execFileAsync = promisify(execFile);

async function runDriver(plan: LoadPlan): Promise<LoadResult> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'drive-load.ts'),
      JSON.stringify(plan),
    ],
    { maxBuffer: 1024 * 1024, timeout: (plan.seconds + 60) * 1000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as LoadResult;
}

/**
 * Events of the log the slowest projection has not applied yet, read from the database file (the
 * projector process has no HTTP endpoint; `/health` shows the same checkpoints).
 */
export function projectionLag(service: Service): number {
  const db = new Database(join(service.dataDir, DATABASE_FILE), { readonly: true });
  try {
    const head = db
      .prepare('SELECT max(position) AS head FROM events WHERE stream_id LIKE ?')
      .get(`${JOINT_VENTURE_STREAM_PREFIX}%`) as { head: number | null };
    const stored = new Map(
      (
        db.prepare('SELECT consumer, position FROM consumer_checkpoints').all() as {
          consumer: string;
          position: string;
        }[]
      ).map((row) => [row.consumer, Number(row.position)]),
    );
    const slowest = Math.min(...JOINT_VENTURE_PROJECTIONS.map((p) => stored.get(p.name) ?? 0));
    return head.head === null
      ? 0
      : (
          db
            .prepare('SELECT count(*) AS n FROM events WHERE position > ? AND stream_id LIKE ?')
            .get(slowest, `${JOINT_VENTURE_STREAM_PREFIX}%`) as { n: number }
        ).n;
  } finally {
    db.close();
  }
}

async function projectionsCaughtUp(service: Service, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (projectionLag(service) > 0) {
    if (Date.now() > deadline) throw new Error(`projections still behind after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
