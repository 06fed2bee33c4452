/**
 * PostgreSQL through testcontainers 11 (`@testcontainers/postgresql`), where a Docker engine
 * answers. Not run on the project's build machines (no engine there).
 */
import { freeHostPort } from '../docker-engine';
import { waitForPostgres } from './postgres-readiness';
import { TEST_SERVER_SETTINGS } from './local-postgres';

/** The image the compose file pins too (15, as the build machines' binaries). */
export const POSTGRES_IMAGE = process.env.POSTGRES_IMAGE ?? 'postgres:15.17-bookworm';

export interface ContainerPostgres {
  readonly adminUrl: string;
  isRunning(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  kill(): void;
  dispose(): Promise<void>;
}

export async function startContainerPostgres(startTimeoutMs: number): Promise<ContainerPostgres> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { getContainerRuntimeClient } = await import('testcontainers');
  const PG_PORT = 5432;
  // A random published port may change when Docker restarts the container: pin one, so that
  // stop()/start() keep the address the suites' URLs carry.
  const hostPort = await freeHostPort();
  const command = ['postgres'];
  for (const [key, value] of Object.entries(TEST_SERVER_SETTINGS))
    command.push('-c', `${key}=${value}`);
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE)
    .withUsername('postgres')
    .withPassword('postgres')
    .withDatabase('postgres')
    .withCommand(command)
    .withExposedPorts({ container: PG_PORT, host: hostPort })
    .withStartupTimeout(startTimeoutMs)
    .start();
  const adminUrl = container.getConnectionUri();
  await waitForPostgres(adminUrl, Date.now() + startTimeoutMs);
  const docker = async () =>
    (await getContainerRuntimeClient()).container.getById(container.getId());

  let running = true;
  let pendingKill: Promise<unknown> | undefined;
  let disposed = false;
  return {
    adminUrl,
    isRunning: () => running,
    stop: async () => {
      if (!running) return;
      running = false;
      await (await docker()).stop({ t: 10 });
    },
    start: async () => {
      if (running) return;
      await pendingKill?.catch(() => undefined);
      pendingKill = undefined;
      await (await docker()).start();
      await waitForPostgres(adminUrl, Date.now() + startTimeoutMs);
      running = true;
    },
    kill: () => {
      running = false;
      pendingKill = docker().then((c) => c.kill({ signal: 'SIGKILL' }));
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await pendingKill?.catch(() => undefined);
      await container.stop({ timeout: 10_000 });
    },
  };
}
