/**
 * A PostgreSQL server for integration tests, from the best source this machine has:
 *   1. TEST_DATABASE_URL=postgres://...  -> your server (nothing started; stop/start throw)
 *   2. a reachable Docker engine         -> testcontainers 11 PostgreSqlContainer (pinned image)
 *   3. the machine's server binaries     -> initdb + postgres on a temp dir (./local-postgres.ts)
 * POSTGRES_HARNESS=local|testcontainers forces 3 or 2. Every suite gets a database of its own.
 * See test/services/README.md.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dockerHint, dockerReachable } from '../docker-engine';
import { POSTGRES_IMAGE, startContainerPostgres } from './container-postgres';
import { localPostgres, startLocalPostgres } from './local-postgres';
import { redactPostgresUrl as redact } from '../../../libs/event-store/src/sql/postgres';
import { waitForPostgres } from './postgres-readiness';

export type PostgresKind = 'external' | 'testcontainers' | 'local';

export interface TestPostgres {
  readonly kind: PostgresKind;
  /** Human-readable: what runs, where (no password). */
  readonly description: string;
  /** Wall time startPostgres() took. */
  readonly startupMs: number;
  /** A superuser URL of the server's maintenance database (`postgres`). */
  readonly adminUrl: string;
  /** False for an external server: stop(), start(), restart() and kill() throw. */
  readonly restartable: boolean;
  /** A new, empty database; its URL. Names are unique, so suites never share tables. */
  createDatabase(label?: string): Promise<string>;
  isRunning(): boolean;
  /** Takes the server down (fast shutdown); the data and the address stay. */
  stop(): Promise<void>;
  /** Brings a stopped or killed server back on the same address; resolves when it answers. */
  start(): Promise<void>;
  /** stop(), then `whileDown` if given, then start(): "the database was down for a while". */
  restart(options?: { whileDown?: () => unknown }): Promise<void>;
  /** SIGKILL the server (a crash); start() then runs crash recovery. */
  kill(): void;
  /** Removes everything the harness made (for an external server: the databases it created). */
  dispose(): Promise<void>;
}

export interface PostgresPlan {
  kind: PostgresKind | 'none';
  /** Why no server can be had (kind 'none'). */
  reason?: string;
  restartable: boolean;
}

/** What startPostgres() will try, decided synchronously (usable at describe() time). */
export function planPostgres(): PostgresPlan {
  if (process.env.TEST_DATABASE_URL) return { kind: 'external', restartable: false };
  const forced = process.env.POSTGRES_HARNESS ?? 'auto';
  if (!['local', 'testcontainers', 'auto'].includes(forced)) {
    const reason = `POSTGRES_HARNESS=${forced} is not local|testcontainers|auto`;
    return { kind: 'none', restartable: false, reason };
  }
  const docker = forced !== 'local' && dockerHint();
  if (docker) return { kind: 'testcontainers', restartable: true };
  if (forced === 'testcontainers') {
    const reason = 'POSTGRES_HARNESS=testcontainers but no Docker engine found';
    return { kind: 'none', restartable: false, reason };
  }
  const local = localPostgres();
  if (!('missing' in local)) return { kind: 'local', restartable: true };
  const reason = `no PostgreSQL: no TEST_DATABASE_URL, no Docker engine, and ${local.missing}`;
  return { kind: 'none', restartable: false, reason };
}

/** Starts (or connects to) a PostgreSQL server; see the file comment for the order of choice. */
export async function startPostgres(
  options: { startTimeoutMs?: number } = {},
): Promise<TestPostgres> {
  const t0 = Date.now();
  const timeout = options.startTimeoutMs ?? Number(process.env.POSTGRES_START_TIMEOUT_MS ?? 60_000);
  const plan = planPostgres();
  if (plan.kind === 'none') throw new Error(plan.reason);

  if (plan.kind === 'external') {
    const url = process.env.TEST_DATABASE_URL!;
    await waitForPostgres(url, Date.now() + timeout);
    const created: string[] = [];
    const notRestartable = () => {
      throw new Error(
        'stop()/start()/kill() need a server the harness started: unset TEST_DATABASE_URL',
      );
    };
    return withDatabases(
      {
        kind: 'external',
        description: `external PostgreSQL TEST_DATABASE_URL=${redact(url)}`,
        adminUrl: url,
        restartable: false,
        isRunning: () => true,
        stop: async () => notRestartable(),
        start: async () => notRestartable(),
        kill: notRestartable,
        dispose: () => dropDatabases(url, created),
      },
      t0,
      created,
    );
  }

  if (plan.kind === 'testcontainers') {
    const unreachable = await dockerReachable();
    if (!unreachable) {
      const pg = await startContainerPostgres(timeout);
      return withDatabases(
        {
          ...pg,
          kind: 'testcontainers',
          description: `${POSTGRES_IMAGE} via testcontainers at ${redact(pg.adminUrl)}`,
          restartable: true,
        },
        t0,
      );
    }
    if (process.env.POSTGRES_HARNESS === 'testcontainers' || 'missing' in localPostgres()) {
      throw new Error(`No Docker engine reachable for testcontainers: ${unreachable}`);
    }
    process.stderr.write(
      `[postgres] Docker engine not reachable (${unreachable}); using the local binaries\n`,
    );
  }

  const pg = await startLocalPostgres(timeout);
  return withDatabases(
    {
      kind: 'local',
      description: `local PostgreSQL ${pg.version} at 127.0.0.1:${pg.port} (initdb ${pg.initdbMs} ms, data in ${pg.dir})`,
      adminUrl: pg.adminUrl,
      restartable: true,
      isRunning: pg.isRunning,
      stop: pg.stop,
      start: pg.start,
      kill: pg.kill,
      dispose: pg.dispose,
    },
    t0,
  );
}

type ServerControls = Omit<TestPostgres, 'startupMs' | 'createDatabase' | 'restart'>;

/** Adds what every kind does the same way: databases, restart, the start-up time. */
function withDatabases(server: ServerControls, t0: number, created: string[] = []): TestPostgres {
  let counter = 0;
  return {
    kind: server.kind,
    description: server.description,
    restartable: server.restartable,
    adminUrl: server.adminUrl,
    startupMs: Date.now() - t0,
    isRunning: () => server.isRunning(),
    stop: () => server.stop(),
    start: () => server.start(),
    kill: () => server.kill(),
    dispose: () => server.dispose(),
    restart: async (options: { whileDown?: () => unknown } = {}) => {
      await server.stop();
      await options.whileDown?.();
      await server.start();
    },
    createDatabase: async (label = 'db') => {
      const slug = label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .slice(0, 24);
      const name = `t_${slug}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
      await adminQuery(server.adminUrl, `create database "${name}"`);
      created.push(name);
      const url = new URL(server.adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
  };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropDatabases(adminUrl: string, names: string[]): Promise<void> {
  for (const name of names.splice(0)) {
    await adminQuery(adminUrl, `drop database if exists "${name}" with (force)`);
  }
}
