/**
 * `npm run bench:kafka`: the notification figures beside their targets, against a real broker
 * started by the test harness (test/services/kafka: the local jars here, testcontainers where a
 * Docker engine exists, or TEST_KAFKA_BROKERS). Like `npm run bench`, it never fails on a
 * figure, only when a benchmark breaks. BENCH_QUICK=1 shrinks the workloads.
 */
import 'reflect-metadata';
import { DEFAULT_NOTIFIER_BATCH_SIZE } from '@app/notifications';
import { startKafka, type TestKafka } from '../services/kafka';
import { drainRows, latencyRows, measureConsumeLatency, measureDrain } from './kafka.bench';
import { seedLogTemplate } from './projection-catch-up.bench';
import { machineInfo } from './support/machine';
import { BenchRun, QUICK, runMain } from './support/bench-run';
import { int } from './support/stats';
import { TempDirs } from './support/temp-dirs';

const SIZES = {
  /** 1,000 JVs x 100 events = the backlog of 100,000 events. */
  backlogJointVentures: QUICK ? 100 : 1_000,
  backlogEventsPerJv: 100,
  latencyMs: QUICK ? 3_000 : 15_000,
  latencyJointVentures: 100,
};

async function main(): Promise<number> {
  const run = new BenchRun('bench:kafka');
  const { rows } = run;
  const progress = (message: string) => run.progress(message);
  const section = (name: string, body: () => Promise<void>) => run.section(name, body);
  const dirs = new TempDirs();
  let kafka: TestKafka | undefined;

  process.stdout.write(`${machineInfo().join('\n')}\n`);
  try {
    progress('starting a Kafka broker');
    kafka = await startKafka();
    process.stdout.write(`kafka:    ${kafka.description}\n\n`);
    const brokers = kafka.brokers;

    await section('K1. backlog drain', async () => {
      const total = SIZES.backlogJointVentures * SIZES.backlogEventsPerJv;
      progress(`seeding a log of ${int(total)} events over ${int(SIZES.backlogJointVentures)} JVs`);
      const template = await seedLogTemplate(
        dirs,
        SIZES.backlogJointVentures,
        SIZES.backlogEventsPerJv,
      );
      for (const batchSize of [DEFAULT_NOTIFIER_BATCH_SIZE, 500]) {
        progress(`  draining with batches of ${batchSize}`);
        const dir = dirs.copyOf(template.dir, `drain-${batchSize}`);
        rows.push(...drainRows(await measureDrain(dir, brokers, batchSize)));
        dirs.remove(dir);
      }
      dirs.remove(template.dir);
    });

    const latencyRuns = [
      { offeredPerSecond: 1_000, synchronous: 'FULL', notifierIn: 'api' },
      { offeredPerSecond: 1_000, synchronous: 'FULL', notifierIn: 'projector' },
      { offeredPerSecond: 1_000, synchronous: 'NORMAL', notifierIn: 'api' },
      { offeredPerSecond: 200, synchronous: 'FULL', notifierIn: 'api' },
      { offeredPerSecond: 200, synchronous: 'FULL', notifierIn: 'projector' },
    ] as const;
    for (const run of latencyRuns) {
      const label = `${run.offeredPerSecond} cmd/s, sync=${run.synchronous}, notifier in ${run.notifierIn}`;
      await section(`K2. latency at ${label}`, async () => {
        const dir = dirs.make(
          `latency-${run.offeredPerSecond}-${run.synchronous}-${run.notifierIn}`,
        );
        rows.push(
          ...latencyRows(
            await measureConsumeLatency(dir, brokers, {
              ...run,
              durationMs: SIZES.latencyMs,
              jointVentures: SIZES.latencyJointVentures,
            }),
          ),
        );
        dirs.remove(dir);
      });
    }
  } finally {
    await kafka?.stop();
    dirs.cleanup();
  }

  return run.finish();
}

runMain(main);
