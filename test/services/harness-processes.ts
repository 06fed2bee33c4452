/**
 * Server processes the test harnesses start (Kafka's broker JVM, PostgreSQL's postmaster), and
 * how they are always cleaned up, whatever happens to the test process:
 * - a process 'exit' hook stops every live server and removes its temp dir;
 * - a detached shell watchdog per server does the same when Node dies without running hooks
 *   (SIGKILL, jest killing a worker). It follows the pid the harness writes into the server's
 *   dir on every launch, so it covers restarts, and exits by itself once the dir is removed.
 */
import { type ChildProcess, spawn, type SpawnOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';

const PID_FILE = 'harness.pid';

interface ExitCleanup {
  dir: string;
  stop: () => void;
}
const atExit = new Set<ExitCleanup>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const entry of atExit) {
      try {
        entry.stop();
      } catch {
        // already gone
      }
      fs.rmSync(entry.dir, { recursive: true, force: true });
    }
  });
}

/**
 * Registers a server's dir for the 'exit' hook: `stop` (synchronous: the hook cannot wait)
 * ends its process if one runs, then the dir is removed. The returned function unregisters it,
 * once the harness has removed the server itself.
 */
export function cleanUpAtExit(dir: string, stop: () => void): () => void {
  installExitHook();
  const entry = { dir, stop };
  atExit.add(entry);
  return () => atExit.delete(entry);
}

/** Records the pid of the server process now running from `dir`, for its watchdog. */
function recordServerPid(dir: string, pid: number): void {
  fs.writeFileSync(path.join(dir, PID_FILE), `${pid}\n`);
}

export interface WatchdogOptions {
  /** Sent first when Node is gone: `KILL` for a JVM, `QUIT` (immediate shutdown) for PostgreSQL. */
  signal: 'KILL' | 'QUIT' | 'TERM' | 'INT';
  /** How long to wait after `signal` before SIGKILL (seconds). */
  graceSeconds: number;
}

/**
 * Starts the detached watchdog of a server's `dir`: while this Node process lives it only
 * checks that the dir still exists (its removal means the harness cleaned up, and it exits);
 * once Node is gone it signals the pid recorded in the dir, SIGKILLs it after the grace, and
 * removes the dir.
 */
export function startWatchdog(name: string, dir: string, options: WatchdogOptions): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do',
    '  [ -d "$2" ] || exit 0',
    '  sleep 1',
    'done',
    'pid=$(cat "$2/$3" 2>/dev/null)',
    'if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then',
    '  kill -"$4" "$pid" 2>/dev/null',
    '  i=0',
    '  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt "$5" ]; do sleep 0.1; i=$((i+1)); done',
    '  kill -9 "$pid" 2>/dev/null',
    'fi',
    'rm -rf "$2"',
  ].join('\n');
  const args = [String(process.pid), dir, PID_FILE, options.signal];
  const watchdog = spawn(
    'sh',
    ['-c', script, `${name}-watchdog`, ...args, String(options.graceSeconds * 10)],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
}

/**
 * A server process launched from its dir: its pid recorded for the watchdog, each line of its
 * output (stdout and stderr) handed to `onLine`, its end observed.
 */
export class ServerProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited, or could not be spawned. */
  readonly exited: Promise<void>;
  #exitInfo: string | undefined;

  constructor(
    dir: string,
    command: string,
    args: string[],
    options: SpawnOptions,
    onLine: (line: string) => void,
  ) {
    const child = spawn(command, args, { ...options, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    if (child.pid) recordServerPid(dir, child.pid);
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    this.exited = new Promise<void>((resolve) => {
      child.on('error', (error) => {
        this.#exitInfo ??= `could not be spawned: ${error.message}`;
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.#exitInfo ??= `exited with ${signal ?? `code ${code}`}`;
        resolve();
      });
    });
  }

  /** How it ended (`exited with code 1`, `could not be spawned: ...`); undefined while it runs. */
  get exitInfo(): string | undefined {
    return this.#exitInfo;
  }

  /** Neither exited nor sent a SIGKILL that has yet to land. */
  get alive(): boolean {
    return this.#exitInfo === undefined && !this.child.killed;
  }

  /** A crash: SIGKILL. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Sends `signal` (the server's graceful stop), SIGKILL after `timeoutMs`; resolves once it exited. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    if (this.#exitInfo === undefined) {
      this.child.kill(signal);
      const escalate = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(escalate);
    }
    await this.exited;
  }
}

/**
 * Calls `probe` until it resolves, `deadline` passes, or `dead()` gives a reason to stop (the
 * server exited); the error then names `what` and the probe's last failure.
 */
export async function pollUntilReady(
  what: string,
  probe: () => Promise<void>,
  deadline: number,
  dead: () => string | undefined,
  intervalMs: number,
): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = dead();
    if (why) throw new Error(why);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const why = dead();
  if (why) throw new Error(why);
  throw new Error(`${what} did not answer in time: ${String(lastError)}`);
}

/** Blocks until `pid` is gone or `timeoutMs` passed (for the 'exit' hook, which cannot await). */
export function waitForExitSync(pid: number, timeoutMs: number): void {
  spawnSync('sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 0.05; done', 'wait', `${pid}`], {
    timeout: timeoutMs,
    stdio: 'ignore',
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not get a free port'));
      });
    });
  });
}

/** `count` distinct loopback ports that were free a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
