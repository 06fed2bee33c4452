/**
 * The real API (or projector) as a child process (main.ts through ts-node, no build step), so a
 * test can SIGKILL it mid-load and start it again on the same data folder.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GENEROUS_WAIT_MS } from '../../support/wait';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const OUTPUT_LIMIT = 64 * 1024;
/** A graceful stop drains requests and closes the store: slow on a loaded machine, so generous. */
const STOP_GRACE_MS = 60_000;

export type ProcessExit = Readonly<{ code: number | null; signal: NodeJS.Signals | null }>;

export type ApiProcess = Readonly<{
  baseUrl: string;
  pid: number;
  /** Settles when the process has exited, however it ended. */
  exited: Promise<ProcessExit>;
  isRunning(): boolean;
  /** The tail of what the process wrote to stdout and stderr. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; reports how it ended. */
  stop(graceMs?: number): Promise<ProcessExit & Readonly<{ forced: boolean }>>;
}>;

export type ApiProcessOptions = Readonly<{
  dataDir: string;
  jwtSecret: string;
  env?: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
}> &
  SpawnOptions;

/** A port that was free a moment ago on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port assigned')),
      );
    });
  });
}

/** A process of one of the apps, started from its TypeScript source. */
export type AppProcess = Omit<ApiProcess, 'baseUrl'>;

/** How an app is started: from its TypeScript source through ts-node, or built (`dist/`, as in production). */
export type AppEntry = 'source' | 'built';

export type SpawnOptions = Readonly<{
  entry?: AppEntry;
  /** Options for node itself, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
}>;

/**
 * Starts `apps/<app>/src/main.ts` through ts-node (no build step), or `dist/apps/<app>/src/main.js`
 * when `entry` is `built`, with only the given environment: settings inherited from the outer
 * shell must not leak in.
 */
export function spawnApp(
  app: 'api' | 'projector',
  env: NodeJS.ProcessEnv,
  { entry = 'source', nodeArgs = [] }: SpawnOptions = {},
): AppProcess {
  const main =
    entry === 'built' ? [`dist/apps/${app}/src/main.js`] : [...TS_NODE, `apps/${app}/src/main.ts`];
  return spawnNode([...nodeArgs, ...main], env);
}

const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

/** Runs a TypeScript file of the repository as a process of its own (e.g. a benchmark's server). */
export function spawnTypeScript(file: string, env: NodeJS.ProcessEnv): AppProcess {
  return spawnNode([...TS_NODE, file], env);
}

/** `node <args>` from the repository root, with only the given environment (plus PATH and TMPDIR). */
function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      TMPDIR: process.env.TMPDIR,
      TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let running = true;
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );

  return {
    pid: child.pid ?? -1,
    exited,
    isRunning: () => running,
    output: () => output,
    kill: (signal) => {
      if (running) child.kill(signal);
    },
    stop: async (graceMs = STOP_GRACE_MS) => {
      if (!running) return { ...(await exited), forced: false };
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      const first = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (first !== 'late') return { ...first, forced: false };
      child.kill('SIGKILL');
      return { ...(await exited), forced: true };
    },
  };
}

/** Starts `apps/api/src/main.ts` and resolves once GET /health answers 200. */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const api: ApiProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    ...spawnApp(
      'api',
      {
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: options.dataDir,
        SQLITE_SYNCHRONOUS: 'FULL',
        LOG_LEVEL: 'warn',
        JWT_SECRET: options.jwtSecret,
        ...options.env,
      },
      { entry: options.entry, nodeArgs: options.nodeArgs },
    ),
  };

  try {
    await waitForHealth(api, options.startTimeoutMs ?? GENEROUS_WAIT_MS);
  } catch (error) {
    await api.stop(2_000);
    throw error;
  }
  return api;
}

/** Resolves once GET /health answers 200; fails fast if the process died. */
export async function waitForHealth(api: ApiProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!api.isRunning()) {
      const { code, signal } = await api.exited;
      throw new Error(
        `the API exited during start-up (code ${code}, signal ${signal}):\n${api.output()}`,
      );
    }
    try {
      const response = await fetch(`${api.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      const body = await response.text();
      if (response.status === 200) return;
      last = `${response.status} ${body}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `GET /health did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${api.output()}`,
  );
}
