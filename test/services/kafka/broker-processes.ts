/**
 * The broker JVMs this test process started, and how they are always cleaned up: a process
 * 'exit' hook, and a detached shell watchdog for when Node dies without running it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface LiveBroker {
  child: ChildProcess;
  dir: string;
}
export const live = new Set<LiveBroker>();
let exitHookInstalled = false;

export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const broker of live) {
      try {
        broker.child.kill('SIGKILL');
      } catch {
        // already gone
      }
      try {
        fs.rmSync(broker.dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}

/**
 * If this Node process dies without running 'exit' hooks (SIGKILL, jest killing a worker), a
 * detached shell kills the broker JVM and removes its dir. It exits on its own when the JVM does.
 */
export function startWatchdog(javaPid: number, dir: string): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do',
    '  kill -0 "$2" 2>/dev/null || exit 0',
    '  sleep 1',
    'done',
    'kill -9 "$2" 2>/dev/null',
    'rm -rf "$3"',
  ].join('\n');
  const watchdog = spawn(
    'sh',
    ['-c', script, 'kafka-watchdog', String(process.pid), String(javaPid), dir],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
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

export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
