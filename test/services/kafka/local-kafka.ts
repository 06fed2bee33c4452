/**
 * A real, single-node Apache Kafka broker (KRaft: broker + controller in one JVM) started from the
 * official jars on Maven Central, for integration tests on machines without a Docker engine.
 *
 * - The classpath comes from ./kafka-classpath.ts (Maven once, then the cache).
 * - Each broker gets free loopback ports and a fresh temp dir (log.dirs, server.properties).
 * - Children are always cleaned up: stop() in the suite, a process 'exit' hook, and a tiny shell
 *   watchdog that SIGKILLs the JVM and removes its temp dir if the Node process dies hard.
 *
 * See test/services/README.md.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkJavaVersion,
  ensureKafkaClasspath,
  javaBinary,
  KAFKA_VERSION,
  runCommand,
  sleep,
} from './kafka-classpath';
import { cleanUpAtExit, freePorts, ServerProcess, startWatchdog } from '../harness-processes';
import { waitForKafkaAdmin } from './kafka-readiness';

export {
  KAFKA_VERSION,
  kafkaClasspathCached,
  localKafkaMissing,
  type KafkaClasspath,
} from './kafka-classpath';

const LOG4J_CONFIG = path.join(__dirname, 'log4j2.properties');

const STARTED_LINE = /Kafka Server started/;
const BIND_FAILURE = /Address already in use|BindException/;
const DEFAULT_START_TIMEOUT_MS = Number(process.env.KAFKA_START_TIMEOUT_MS ?? 90_000);
const STOP_TIMEOUT_MS = 30_000;
const OUTPUT_LINES_KEPT = 400;
const VERBOSE = process.env.KAFKA_HARNESS_VERBOSE === '1';

export interface LocalKafkaStartup {
  /** Time spent making sure the classpath is there (Maven on the first run, ~0 when cached). */
  classpathMs: number;
  /** True when Maven ran in this call (first run, or the pom changed). */
  classpathResolved: boolean;
  /** `StorageTool format` of the fresh log dir. */
  formatMs: number;
  /** JVM start until "Kafka Server started" and an answered describeCluster(). */
  brokerMs: number;
  totalMs: number;
}

export interface RestartOptions {
  /** Runs after the broker is down and before it is started again ("broker down for a while"). */
  whileDown?: () => unknown;
}

export interface LocalKafka {
  /** Bootstrap servers for clients: the PLAINTEXT listener only. */
  readonly brokers: string[];
  readonly version: string;
  /** Temp dir holding server.properties and the log dirs; removed by stop(). */
  readonly dir: string;
  readonly startup: LocalKafkaStartup;
  /** Graceful stop (SIGTERM, then SIGKILL after 30 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL the broker JVM (a crash). The dirs stay, so restart() can bring it back. */
  kill(): void;
  /** Stop (if still running), then start again on the SAME ports and log dirs; resolves when ready. */
  restart(options?: RestartOptions): Promise<void>;
  /** The broker's recent output (for assertion messages). */
  output(): string;
}

export interface StartLocalKafkaOptions {
  /** Bound on JVM start to ready, per start/restart. Default 90 s (env KAFKA_START_TIMEOUT_MS). */
  startTimeoutMs?: number;
  /** Extra server.properties entries (override the defaults below). */
  serverProperties?: Record<string, string | number | boolean>;
}

function clusterId(): string {
  // 16 random bytes, base64url without padding = 22 chars (Kafka's Uuid format). Never starting
  // with '-', which the CLI would read as an option.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(
  dir: string,
  brokerPort: number,
  controllerPort: number,
  extra: Record<string, string | number | boolean>,
): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'share.coordinator.state.topic.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'auto.create.topics.enable': true,
    // After a crash (SIGKILL) the restarted controller keeps the old broker registration until its
    // session expires (default 9 s) and only then lets the new incarnation in: keep that short.
    'broker.heartbeat.interval.ms': 500,
    'broker.session.timeout.ms': 3000,
    ...extra,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')}\n`;
}

function jvmArgs(libsDir: string, dir: string): string[] {
  return [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    '-Djava.net.preferIPv4Stack=true',
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    `-Dkafka.logs.dir=${path.join(dir, 'logs')}`,
    '-cp',
    `${libsDir}${path.sep}*`,
  ];
}

// ---------------------------------------------------------------------------------------------
// The broker
// ---------------------------------------------------------------------------------------------

class OutputTail {
  private readonly lines: string[] = [];
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > OUTPUT_LINES_KEPT)
      this.lines.splice(0, this.lines.length - OUTPUT_LINES_KEPT);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

interface Running {
  server: ServerProcess;
  started: boolean;
  output: OutputTail;
}

/** Starts a single-node KRaft broker from the cached jars (resolving them first if needed). */
export async function startLocalKafka(options: StartLocalKafkaOptions = {}): Promise<LocalKafka> {
  const t0 = Date.now();
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const java = javaBinary();
  if (!java)
    throw new Error('Cannot start a local Kafka broker: java (17+) not found in JAVA_HOME or PATH');
  checkJavaVersion(java);
  const classpath = await ensureKafkaClasspath();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-test-'));
  const propsFile = path.join(dir, 'server.properties');
  const extra = options.serverProperties ?? {};
  let [brokerPort, controllerPort] = await freePorts(2);
  fs.writeFileSync(propsFile, serverProperties(dir, brokerPort, controllerPort, extra));

  let running: Running | undefined;
  let stopped = false;
  const history = new OutputTail(); // output across restarts, for messages

  let current: ChildProcess | undefined; // the JVM last launched, even while it starts
  const forgetAtExit = cleanUpAtExit(dir, () => current?.kill('SIGKILL'));
  startWatchdog('kafka', dir, { signal: 'KILL', graceSeconds: 0 });
  const cleanupDir = () => {
    forgetAtExit();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // 1. format the fresh log dir (static quorum: no --standalone)
  const tFormat = Date.now();
  try {
    const res = await runCommand(
      java,
      [
        ...jvmArgs(classpath.libsDir, dir),
        '-XX:TieredStopAtLevel=1',
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId(),
        '-c',
        propsFile,
      ],
      60_000,
    );
    if (res.code !== 0) {
      throw new Error(
        `kafka.tools.StorageTool format failed (${res.timedOut ? 'timed out' : `exit ${res.code ?? res.signal}`}):\n${res.output}`,
      );
    }
  } catch (err) {
    cleanupDir();
    throw err;
  }
  const formatMs = Date.now() - tFormat;

  const launch = (): Running => {
    const state: Running = { server: undefined!, started: false, output: new OutputTail() };
    const onLine = (line: string) => {
      state.output.push(line);
      history.push(line);
      if (VERBOSE) process.stderr.write(`[kafka] ${line}\n`);
      if (!state.started && STARTED_LINE.test(line)) state.started = true;
    };
    const args = [...jvmArgs(classpath.libsDir, dir), 'kafka.Kafka', propsFile];
    state.server = new ServerProcess(dir, java, args, {}, onLine);
    current = state.server.child;
    return state;
  };

  /** Launches and waits until ready; throws (after killing the JVM) with its output otherwise. */
  const launchAndWait = async (): Promise<Running> => {
    const state = launch();
    const deadline = Date.now() + startTimeoutMs;
    const dead = () =>
      state.server.exitInfo
        ? `Kafka broker ${state.server.exitInfo} before it was ready. Its output:\n${state.output.text()}`
        : undefined;
    try {
      while (!state.started) {
        const why = dead();
        if (why) throw new Error(why);
        if (Date.now() > deadline) {
          throw new Error(
            `Kafka broker did not log "Kafka Server started" within ${startTimeoutMs} ms. Its output:\n${state.output.text()}`,
          );
        }
        await sleep(50);
      }
      await waitForKafkaAdmin([`127.0.0.1:${brokerPort}`], deadline, dead);
      return state;
    } catch (err) {
      state.server.kill();
      await state.server.exited;
      throw err;
    }
  };

  const isBindFailure = (err: unknown) => BIND_FAILURE.test(String(err));

  const stopProcess = async (): Promise<void> => {
    const state = running;
    running = undefined;
    await state?.server.stop('SIGTERM', STOP_TIMEOUT_MS);
  };

  // 2. start; a port taken between probing and binding gets new ports (first start only)
  const tBroker = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      running = await launchAndWait();
      break;
    } catch (err) {
      if (attempt < 3 && isBindFailure(err)) {
        [brokerPort, controllerPort] = await freePorts(2);
        fs.writeFileSync(propsFile, serverProperties(dir, brokerPort, controllerPort, extra));
        continue;
      }
      cleanupDir();
      throw err;
    }
  }
  const brokerMs = Date.now() - tBroker;

  const brokers = [`127.0.0.1:${brokerPort}`];
  return {
    brokers,
    version: KAFKA_VERSION,
    dir,
    startup: {
      classpathMs: classpath.ms,
      classpathResolved: classpath.resolved,
      formatMs,
      brokerMs,
      totalMs: Date.now() - t0,
    },
    output: () => history.text(),
    kill: () => {
      running?.server.kill();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopProcess();
      cleanupDir();
    },
    restart: async (restartOptions: RestartOptions = {}) => {
      if (stopped) throw new Error('restart() after stop(): this broker is gone');
      await stopProcess();
      await restartOptions.whileDown?.();
      // Same ports: the old sockets may linger for a moment, so retry a bind failure briefly.
      const until = Date.now() + 15_000;
      for (;;) {
        try {
          running = await launchAndWait();
          return;
        } catch (err) {
          if (isBindFailure(err) && Date.now() < until) {
            await sleep(500);
            continue;
          }
          throw err;
        }
      }
    },
  };
}
