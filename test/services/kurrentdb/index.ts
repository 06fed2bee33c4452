/**
 * A KurrentDB for integration tests, from the best source this machine has:
 *   1. TEST_KURRENTDB_URL=kurrentdb://...   -> a real server or cluster (nothing started)
 *   2. a reachable Docker engine           -> testcontainers 11 with the pinned KurrentDB image
 *   3. otherwise                           -> the protocol-level double (./kurrentdb-double.ts)
 * KURRENTDB_HARNESS=double forces 3 (for the restart tests, which only the double can do here).
 * See README.md beside this file for what the double does and does not prove.
 */
import { dockerHint } from '../docker-engine';
import { KurrentDbDouble } from './kurrentdb-double';

export { KurrentDbDouble } from './kurrentdb-double';

/** KurrentDB 25.1, single node, in memory. */
export const KURRENTDB_IMAGE =
  process.env.KURRENTDB_IMAGE ??
  'docker.kurrent.io/kurrent-latest/kurrentdb:25.1.0-x64-8.0-bookworm-slim';

export type KurrentDbKind = 'external' | 'testcontainers' | 'double';

export interface TestKurrentDb {
  readonly kind: KurrentDbKind;
  /** Connection string for `@kurrent/kurrentdb-client` (and `KURRENTDB_URL`). */
  readonly connectionString: string;
  /** Human-readable: what runs, where. */
  readonly description: string;
  /** The double, when that is what runs: it can be stopped and restarted on the same port. */
  readonly double?: KurrentDbDouble;
  /** Stops what the harness started (nothing for an external server). */
  stop(): Promise<void>;
}

async function startContainer(): Promise<TestKurrentDb | undefined> {
  // Loaded only when Docker may be there: testcontainers is heavy to import.
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const container = await new GenericContainer(KURRENTDB_IMAGE)
    .withExposedPorts(2113)
    .withEnvironment({
      KURRENTDB_CLUSTER_SIZE: '1',
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_MEM_DB: 'true',
      KURRENTDB_TELEMETRY_OPTOUT: 'true',
    })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(120_000)
    .start();
  const connectionString = `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  return {
    kind: 'testcontainers',
    connectionString,
    description: `${KURRENTDB_IMAGE} via testcontainers at ${connectionString}`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function startDouble(): Promise<TestKurrentDb> {
  const double = await new KurrentDbDouble().start();
  return {
    kind: 'double',
    connectionString: double.connectionString,
    description: `protocol-level KurrentDB double on 127.0.0.1:${double.port}`,
    double,
    stop: () => double.stop(),
  };
}

/** Starts (or finds) a KurrentDB, in the order given at the top of this file. */
export async function startKurrentDb(
  options: Readonly<{ require?: KurrentDbKind }> = {},
): Promise<TestKurrentDb> {
  const forced = options.require ?? process.env.KURRENTDB_HARNESS;
  if (forced === 'double') return startDouble();

  const url = process.env.TEST_KURRENTDB_URL;
  if (url) {
    return {
      kind: 'external',
      connectionString: url,
      description: `external KurrentDB at ${url.replace(/\/\/[^@/]*@/, '//***@')}`,
      stop: async () => undefined,
    };
  }
  if (dockerHint()) {
    const container = await startContainer();
    if (container) return container;
  }
  return startDouble();
}
