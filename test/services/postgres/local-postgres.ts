/**
 * A throwaway PostgreSQL cluster from the machine's own server binaries (Debian's
 * `/usr/lib/postgresql/<major>/bin`), for integration tests on machines without a Docker engine.
 *
 * - `initdb` on a fresh temp dir (trust auth, user `postgres`, UTF8, C locale), then the
 *   `postgres` server itself as a direct child on a free loopback port, its socket in the temp
 *   dir, without fsync (TEST_SERVER_SETTINGS): a test cluster.
 * - `initdb` and `postgres` refuse to run as root: as root they run as the `postgres` system
 *   user (Node's spawn uid/gid, the equivalent of `runuser -u postgres --` that keeps the
 *   server our own child, so its exit is seen and signals reach it directly).
 * - Cleanup: a process 'exit' hook and a detached watchdog (../harness-processes.ts) stop the
 *   server (SIGQUIT, PostgreSQL's immediate shutdown, which also frees its shared memory) and
 *   remove the dir if the tests do not.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cleanUpAtExit,
  freePorts,
  ServerProcess,
  sleep,
  startWatchdog,
  waitForExitSync,
} from '../harness-processes';
import { waitForPostgres } from './postgres-readiness';

const INSTALL_HINT = 'apt-get install -y postgresql (Debian/Ubuntu), or set TEST_DATABASE_URL';
const STOP_TIMEOUT_MS = 30_000;
const OUTPUT_LINES_KEPT = 200;
const BIND_FAILURE = /could not bind|Address already in use|could not create any TCP\/IP sockets/;
/** A SIGKILLed server's backends may hold its shared memory for a moment after it died. */
const STALE_SHMEM = /pre-existing shared memory block|lock file "postmaster\.pid" already exists/;
const VERBOSE = process.env.POSTGRES_HARNESS_VERBOSE === '1';

/**
 * Settings of every test cluster: fast, and durable only against a crash of the server process,
 * not of the machine (a benchmark of durability must not use them). synchronous_commit stays
 * on: with it off a SIGKILLed server loses the commits it acknowledged in its last few hundred
 * ms (WAL still in its shared memory), which the harness's crash test showed; with fsync off a
 * commit costs a write() to the OS cache anyway.
 */
export const TEST_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  full_page_writes: 'off',
  max_connections: '200',
  shared_buffers: '64MB',
};

interface Binaries {
  dir: string;
  /** Set when running as root: the server runs as this user. */
  runAs?: { uid: number; gid: number; name: string };
}

function findBinDir(): string | undefined {
  const has = (dir: string) =>
    ['initdb', 'postgres'].every((bin) => fs.existsSync(path.join(dir, bin)));
  const forced = process.env.POSTGRES_BIN_DIR;
  if (forced) return has(forced) ? forced : undefined;
  const debian = '/usr/lib/postgresql';
  const majors = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const dir = path.join(debian, major, 'bin');
    if (has(dir)) return dir;
  }
  // Other layouts (Fedora, Homebrew, a source build) put initdb on PATH.
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && has(dir)) return dir;
  }
  return undefined;
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** The binaries to use, or why there are none (a sentence naming how to install them). */
export function localPostgres(): Binaries | { missing: string } {
  const dir = findBinDir();
  if (!dir) {
    return {
      missing: `no PostgreSQL server binaries (initdb, postgres) in ${
        process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/*/bin or PATH'
      }: ${INSTALL_HINT}`,
    };
  }
  if (process.getuid?.() !== 0) return { dir };
  const user = systemUser('postgres');
  if (!user) {
    return {
      missing: `running as root and there is no 'postgres' user for initdb, which refuses root: ${INSTALL_HINT}`,
    };
  }
  return { dir, runAs: { ...user, name: 'postgres' } };
}

export interface LocalPostgres {
  readonly port: number;
  readonly dir: string;
  readonly version: string;
  readonly adminUrl: string;
  readonly initdbMs: number;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  isRunning(): boolean;
  /** Fast shutdown (SIGINT: sessions are ended, then a checkpoint); the data stays. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same port and data; resolves when it answers. */
  start(): Promise<void>;
  /** SIGKILL the postmaster (a crash); start() then runs crash recovery. */
  kill(): void;
  /** Stops the server and removes its dir. Idempotent. */
  dispose(): Promise<void>;
  /** The server's recent log lines (for failure messages). */
  output(): string;
}

/** initdb on a fresh temp dir, then the server on a free port; see the file comment. */
export async function startLocalPostgres(startTimeoutMs: number): Promise<LocalPostgres> {
  const binaries = localPostgres();
  if ('missing' in binaries)
    throw new Error(`Cannot start a local PostgreSQL: ${binaries.missing}`);
  const owner = binaries.runAs;
  const spawnAs = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const bin = (name: string) => path.join(binaries.dir, name);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
  const dataDir = path.join(dir, 'data');
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  let current: ChildProcess | undefined;
  const forgetAtExit = cleanUpAtExit(dir, () => {
    if (current?.pid && current.exitCode === null && current.signalCode === null) {
      current.kill('SIGQUIT');
      waitForExitSync(current.pid, 5_000);
    }
  });
  startWatchdog('postgres', dir, { signal: 'QUIT', graceSeconds: 5 });
  const removeDir = () => {
    forgetAtExit();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const tInit = Date.now();
  try {
    execFileSync(
      bin('initdb'),
      ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { ...spawnAs, cwd: dir, stdio: 'pipe', timeout: 120_000, env: serverEnv() },
    );
  } catch (error) {
    removeDir();
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`initdb failed${owner ? ` (as user ${owner.name})` : ''}:\n${output}`);
  }
  const initdbMs = Date.now() - tInit;
  const version = fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();

  let [port] = await freePorts(1);
  const lines: string[] = [];
  let running: ServerProcess | undefined;
  let disposed = false;

  const launch = (): ServerProcess => {
    const settings = { ...TEST_SERVER_SETTINGS, listen_addresses: '127.0.0.1' };
    const args = ['-D', dataDir, '-p', String(port), '-k', dir];
    for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > OUTPUT_LINES_KEPT) lines.splice(0, lines.length - OUTPUT_LINES_KEPT);
      if (VERBOSE) process.stderr.write(`[postgres] ${line}\n`);
    };
    const server = new ServerProcess(
      dir,
      bin('postgres'),
      args,
      { ...spawnAs, env: serverEnv() },
      onLine,
    );
    current = server.child;
    return server;
  };

  const adminUrl = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

  /** Launches and waits until a query answers; kills the server and throws otherwise. */
  const launchAndWait = async (): Promise<ServerProcess> => {
    const server = launch();
    const dead = () =>
      server.exitInfo
        ? `PostgreSQL ${server.exitInfo} before it was ready. Its log:\n${lines.join('\n')}`
        : undefined;
    try {
      await waitForPostgres(adminUrl(), Date.now() + startTimeoutMs, dead);
      return server;
    } catch (error) {
      server.kill();
      await server.exited;
      throw error;
    }
  };

  /** Starts, retrying what a moment cures: a port taken meanwhile, a crashed server's leftovers. */
  const startServer = async (newPortOnBindFailure: boolean): Promise<void> => {
    const until = Date.now() + 15_000;
    for (;;) {
      try {
        running = await launchAndWait();
        return;
      } catch (error) {
        const text = String(error);
        const retry = (BIND_FAILURE.test(text) || STALE_SHMEM.test(text)) && Date.now() < until;
        if (!retry) throw error;
        if (newPortOnBindFailure && BIND_FAILURE.test(text)) [port] = await freePorts(1);
        await sleep(200);
      }
    }
  };

  /** Fast shutdown (SIGINT); SIGKILL if it takes longer than STOP_TIMEOUT_MS. */
  const stopServer = async (): Promise<void> => {
    const server = running;
    running = undefined;
    await server?.stop('SIGINT', STOP_TIMEOUT_MS);
  };

  try {
    await startServer(true);
  } catch (error) {
    removeDir();
    throw error;
  }

  return {
    port,
    dir,
    version,
    adminUrl: adminUrl(),
    initdbMs,
    pid: () => (running?.alive ? running.child.pid : undefined),
    isRunning: () => running?.alive === true,
    output: () => lines.join('\n'),
    stop: stopServer,
    start: async () => {
      if (disposed) throw new Error('start() after dispose(): this server is gone');
      if (running?.alive) return;
      await stopServer(); // collects a killed server's exit
      await startServer(false);
    },
    kill: () => running?.kill(),
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await stopServer();
      removeDir();
    },
  };
}

/** The server's environment: no PG* variables of the user's own that could redirect it. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('PG')),
  );
  return { ...env, LC_ALL: 'C' };
}
