/**
 * A real Kafka broker for integration tests, from the best source this machine has:
 *   1. TEST_KAFKA_BROKERS=host:port[,host:port]  -> an external broker (nothing started, no restart/kill)
 *   2. a reachable Docker engine            -> testcontainers 11 KafkaContainer (KRaft, pinned image)
 *   3. Java 17 (+ Maven on the first run)   -> the official jars from Maven Central (./local-kafka.ts)
 * KAFKA_HARNESS=local|testcontainers forces 2 or 3. See test/services/README.md.
 */
import { dockerHint, dockerReachable, freeHostPort } from '../docker-engine';
import {
  type RestartOptions,
  kafkaClasspathCached,
  localKafkaMissing,
  startLocalKafka,
} from './local-kafka';
import { waitForKafkaAdmin } from './kafka-readiness';

export { KAFKA_VERSION, type RestartOptions } from './local-kafka';

/** cp-kafka 8.1.x ships Apache Kafka 4.1.x, the version the local jars pin. */
export const KAFKA_IMAGE = process.env.KAFKA_IMAGE ?? 'confluentinc/cp-kafka:8.1.0';

export type KafkaKind = 'external' | 'testcontainers' | 'local';

export interface TestKafka {
  readonly kind: KafkaKind;
  /** Bootstrap servers for kafkajs. */
  readonly brokers: string[];
  /** Human-readable: what runs, where. */
  readonly description: string;
  /** Wall time startKafka() took. */
  readonly startupMs: number;
  /** False for an external broker: kill() and restart() throw. */
  readonly restartable: boolean;
  /** Stops and removes what the harness started (nothing for an external broker). Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL the broker (a crash); restart() brings it back on the same address and data. */
  kill(): void;
  /** Stop (if running), optionally run whileDown, start again on the same address and data. */
  restart(options?: RestartOptions): Promise<void>;
}

export interface KafkaPlan {
  kind: KafkaKind | 'none';
  /** Why no broker can be had (kind 'none'), or notes about the choice. */
  reason?: string;
  restartable: boolean;
}

function externalBrokers(): string[] | undefined {
  const list = (process.env.TEST_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

/** What startKafka() will try, decided synchronously (usable at describe() time). */
export function planKafka(): KafkaPlan {
  if (externalBrokers()) return { kind: 'external', restartable: false };
  const forced = process.env.KAFKA_HARNESS;
  if (forced && forced !== 'local' && forced !== 'testcontainers' && forced !== 'auto') {
    return {
      kind: 'none',
      restartable: false,
      reason: `KAFKA_HARNESS=${forced} is not local|testcontainers|auto`,
    };
  }
  const docker = dockerHint();
  const localMissing = localKafkaMissing();
  if (forced === 'testcontainers') {
    return docker
      ? { kind: 'testcontainers', restartable: true }
      : {
          kind: 'none',
          restartable: false,
          reason: 'KAFKA_HARNESS=testcontainers but no Docker engine found',
        };
  }
  if (forced !== 'local' && docker) return { kind: 'testcontainers', restartable: true };
  if (!localMissing) return { kind: 'local', restartable: true };
  return {
    kind: 'none',
    restartable: false,
    reason:
      `no Kafka broker: no TEST_KAFKA_BROKERS, ` +
      `${forced === 'local' ? '' : 'no Docker engine (no DOCKER_HOST, no docker.sock), '}` +
      `and no local broker (${localMissing})`,
  };
}

async function startContainerKafka(startTimeoutMs: number): Promise<Omit<TestKafka, 'startupMs'>> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { getContainerRuntimeClient } = await import('testcontainers');
  const KAFKA_PORT = 9093; // the module's PLAINTEXT listener for the host
  const hostPort = await freeHostPort();

  // The module maps 9093 to a random host port, which Docker may change when the container is
  // restarted, while the advertised listener it wrote stays: pin the host port instead, so
  // restart() keeps one address. (beforeContainerCreated re-adds 9093, so pin after it.)
  class FixedPortKafkaContainer extends KafkaContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      await super.beforeContainerCreated();
      this.withExposedPorts({ container: KAFKA_PORT, host: hostPort });
    }
  }

  const container = await new FixedPortKafkaContainer(KAFKA_IMAGE).withKraft().start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`];
  await waitForKafkaAdmin(brokers, Date.now() + startTimeoutMs);
  const docker = async () =>
    (await getContainerRuntimeClient()).container.getById(container.getId());

  let pendingKill: Promise<unknown> | undefined;
  let stopped = false;
  return {
    kind: 'testcontainers',
    brokers,
    description: `${KAFKA_IMAGE} via testcontainers at ${brokers.join(',')}`,
    restartable: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pendingKill?.catch(() => undefined);
      await container.stop({ timeout: 10_000 });
    },
    kill: () => {
      pendingKill = docker().then((c) => c.kill({ signal: 'SIGKILL' }));
    },
    restart: async (options: RestartOptions = {}) => {
      const c = await docker();
      if (pendingKill) {
        await pendingKill.catch(() => undefined);
        pendingKill = undefined;
      } else {
        await c.stop({ t: 10 });
      }
      await options.whileDown?.();
      await c.start();
      await waitForKafkaAdmin(brokers, Date.now() + startTimeoutMs);
    },
  };
}

export interface StartKafkaOptions {
  /** Bound on start-up once the jars/image are there. Default 90 s. */
  startTimeoutMs?: number;
}

/** Starts (or connects to) a real Kafka broker; see the file comment for the order of choice. */
export async function startKafka(options: StartKafkaOptions = {}): Promise<TestKafka> {
  const t0 = Date.now();
  const startTimeoutMs =
    options.startTimeoutMs ?? Number(process.env.KAFKA_START_TIMEOUT_MS ?? 90_000);
  const plan = planKafka();
  const notRestartable = () => {
    throw new Error('kill()/restart() need a broker the harness started: unset TEST_KAFKA_BROKERS');
  };

  if (plan.kind === 'none') throw new Error(plan.reason);

  if (plan.kind === 'external') {
    const brokers = externalBrokers()!;
    await waitForKafkaAdmin(brokers, Date.now() + startTimeoutMs);
    return {
      kind: 'external',
      brokers,
      description: `external broker TEST_KAFKA_BROKERS=${brokers.join(',')}`,
      startupMs: Date.now() - t0,
      restartable: false,
      stop: async () => undefined,
      kill: notRestartable,
      restart: async () => notRestartable(),
    };
  }

  if (plan.kind === 'testcontainers') {
    const unreachable = await dockerReachable();
    if (!unreachable) {
      const kafka = await startContainerKafka(startTimeoutMs);
      return { ...kafka, startupMs: Date.now() - t0 };
    }
    if (process.env.KAFKA_HARNESS === 'testcontainers' || localKafkaMissing()) {
      throw new Error(`No Docker engine reachable for testcontainers: ${unreachable}`);
    }
    process.stderr.write(
      `[kafka] Docker engine not reachable (${unreachable}); using the local jars\n`,
    );
  }

  const local = await startLocalKafka({ startTimeoutMs });
  const s = local.startup;
  return {
    kind: 'local',
    brokers: local.brokers,
    description:
      `local Apache Kafka ${local.version} (KRaft, jars) at ${local.brokers.join(',')}; ` +
      `classpath ${s.classpathResolved ? `resolved by Maven in ${s.classpathMs} ms` : 'cached'}, ` +
      `format ${s.formatMs} ms, broker ${s.brokerMs} ms`,
    startupMs: Date.now() - t0,
    restartable: true,
    stop: () => local.stop(),
    kill: () => local.kill(),
    restart: (opts) => local.restart(opts),
  };
}

// ---------------------------------------------------------------------------------------------
// jest helper
// ---------------------------------------------------------------------------------------------

/** Generous: covers a first-run Maven download plus the broker's own bounded start. */
const HOOK_TIMEOUT_MS = 600_000 + 120_000;

export interface DescribeWithKafkaOptions {
  /** jest timeout for the beforeAll that starts the broker. */
  startTimeoutMs?: number;
}

/**
 * `describe` with one real broker for the whole block (beforeAll/afterAll). `fn` gets a getter
 * for the started broker. With no broker to be had: under CI=true the block fails with the
 * reason; elsewhere it is skipped with one loud line on stderr.
 */
export function describeWithKafka(
  name: string,
  fn: (kafka: () => TestKafka) => void,
  options: DescribeWithKafkaOptions = {},
): void {
  const plan = planKafka();
  const ci = /^(1|true|yes)$/i.test(process.env.CI ?? '');

  if (plan.kind === 'none') {
    if (ci) {
      describe(name, () => {
        it('needs a real Kafka broker (CI=true: a missing service fails the run)', () => {
          throw new Error(`Kafka integration suite "${name}" cannot run: ${plan.reason}`);
        });
      });
      return;
    }
    process.stderr.write(
      `\n!!! SKIPPED Kafka integration suite "${name}": ${plan.reason}. ` +
        `Install Java 17 + Maven, or set TEST_KAFKA_BROKERS (CI=true makes this a failure).\n`,
    );
  }

  const available = plan.kind !== 'none';
  const d = available ? describe : describe.skip;
  d(name, () => {
    let kafka: TestKafka | undefined;
    beforeAll(
      async () => {
        kafka = await startKafka();
        process.stderr.write(
          `[kafka] "${name}": ${kafka.description}; ready in ${kafka.startupMs} ms\n`,
        );
      },
      options.startTimeoutMs ?? (kafkaClasspathCached() ? 180_000 : HOOK_TIMEOUT_MS),
    );
    afterAll(async () => {
      await kafka?.stop();
    }, 60_000);
    fn(() => {
      if (!kafka) throw new Error('The Kafka broker is not started (did beforeAll fail?)');
      return kafka;
    });
  });
}
