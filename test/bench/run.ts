/**
 * `npm run bench`: prints performance figures beside their stated targets. It never fails on a
 * figure, only when a benchmark breaks (a refused command, a stuck projection): exit code 1.
 * Progress goes to stderr, the machine description and the table to stdout.
 * BENCH_QUICK=1 shrinks every workload, to check the scripts themselves in seconds;
 * BENCH_SECTIONS=1,3 runs only the sections with those numbers (`4b`: `ledger verify --all`).
 */
import 'reflect-metadata';
import {
  commandCostRows,
  largeLogRows,
  measureCommandCost,
  measureCommandOnLargeLog,
  seedCostTemplate,
  type CostOptions,
} from './command-cost.bench';
import { coldStartRows, measureColdStarts } from './cold-start.bench';
import { baselineRows, measureCommit } from './disk-baseline.bench';
import {
  catchUpRows,
  measureCatchUp,
  measureLogPageRead,
  pageReadRows,
  seedLogTemplate,
  type LogTemplate,
} from './projection-catch-up.bench';
import { measureVerifyAll, verifyAllRows } from './ledger-verify.bench';
import { measurePostgresRebuild, measureRebuild, rebuildRows } from './rebuild.bench';
import { machineInfo } from './support/machine';
import { BenchRun, QUICK, runMain } from './support/bench-run';
import { int } from './support/stats';
import { TempDirs } from './support/temp-dirs';
import { measureThroughput, throughputRows } from './throughput.bench';
import { logConsumerRows, measureLogConsumer } from './transparency-consumer.bench';
import { largeTreeRows, measureLargeTree } from './transparency-large-tree.bench';
import { measureTransparency, transparencyRows } from './transparency.bench';

const SIZES = {
  /** Timed commands per stream length. */
  costCommands: QUICK ? 20 : 200,
  /** Without the cache a command at 10,000 events costs ~100x more: fewer samples suffice. */
  uncachedCostCommands: QUICK ? 10 : 50,
  /** Restarts per way of starting (each times one first command), and warm commands after each. */
  coldStart: { restarts: QUICK ? 2 : 5, warmCommands: QUICK ? 20 : 50 },
  throughputClients: 8,
  throughputMs: QUICK ? 1_000 : 5_000,
  logJointVentures: QUICK ? 50 : 500,
  logEventsPerJv: 100,
  /** Walks of the same log, each on a fresh copy: one round alone moves with the machine's load. */
  verifyRounds: QUICK ? 1 : 3,
  transparency: {
    leaves: QUICK ? 20_000 : 1_000_000,
    jointVentures: QUICK ? 1_000 : 10_000,
    verifiedJvs: QUICK ? 5 : 20,
    eventsPerVerifiedJv: QUICK ? 200 : 1_000,
    samples: QUICK ? 300 : 2_000,
    largeTreeLeaves: QUICK ? 200_000 : 10_000_000,
  },
};

async function main(): Promise<number> {
  const run = new BenchRun('bench');
  const { rows } = run;
  const progress = (message: string) => run.progress(message);
  const section = (name: string, body: () => Promise<void>) => run.section(name, body);
  const dirs = new TempDirs();

  process.stdout.write(`${machineInfo().join('\n')}\n\n`);
  try {
    await section('0. disk baseline', async () => {
      for (const synchronous of ['FULL', 'NORMAL'] as const)
        rows.push(...baselineRows(measureCommit(dirs, synchronous)));
    });

    await section('1. command cost vs stream length', async () => {
      progress('seeding streams of 10, 1,000 and 10,000 events');
      const template = await seedCostTemplate(dirs);
      const runs: CostOptions[] = [
        { synchronous: 'FULL', stateCacheSize: 10_000, commands: SIZES.costCommands },
        { synchronous: 'NORMAL', stateCacheSize: 10_000, commands: SIZES.costCommands },
        { synchronous: 'FULL', stateCacheSize: 0, commands: SIZES.uncachedCostCommands },
      ];
      for (const options of runs) {
        progress(`  sync=${options.synchronous}, STATE_CACHE_SIZE=${options.stateCacheSize}`);
        rows.push(...commandCostRows(await measureCommandCost(template, dirs, options)));
      }
      rows.push(
        ...coldStartRows(await measureColdStarts(template, dirs, SIZES.coldStart, progress)),
      );
      dirs.remove(template.dir);
    });

    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      await section(`2. command throughput (sync=${synchronous})`, async () => {
        const options = {
          synchronous,
          clients: SIZES.throughputClients,
          durationMs: SIZES.throughputMs,
        };
        rows.push(...throughputRows(await measureThroughput(dirs, options)));
      });
    }

    // Seeded once, by section 3 or else by 4b, and shared.
    let logTemplate: LogTemplate | undefined;
    const seededLog = async () => {
      if (logTemplate) return logTemplate;
      const total = SIZES.logJointVentures * SIZES.logEventsPerJv;
      progress(`seeding a log of ${int(total)} events over ${SIZES.logJointVentures} JVs`);
      logTemplate = await seedLogTemplate(dirs, SIZES.logJointVentures, SIZES.logEventsPerJv);
      return logTemplate;
    };

    await section('3./4. projection catch-up and rebuild', async () => {
      const template = await seededLog();
      for (const synchronous of ['FULL', 'NORMAL'] as const) {
        const dir = dirs.copyOf(template.dir, `projections-${synchronous}`);
        progress(`  catch-up, sync=${synchronous}`);
        rows.push(...catchUpRows(await measureCatchUp(dir, synchronous)));
        progress(`  rebuild, sync=${synchronous}`);
        rows.push(...rebuildRows(await measureRebuild(dir, synchronous)));
        progress(`  the transparency log's consumer, sync=${synchronous}`);
        rows.push(...logConsumerRows(await measureLogConsumer(dir, synchronous)));
        if (synchronous === 'FULL') {
          progress('  rebuild, read models on PostgreSQL');
          const onPostgres = await measurePostgresRebuild(dir);
          if (onPostgres) rows.push(...rebuildRows(onPostgres));
          progress('  log page reads and a command on the large log');
          rows.push(...pageReadRows(await measureLogPageRead(dir)));
          rows.push(
            ...largeLogRows(
              await measureCommandOnLargeLog(dir, template.events, SIZES.costCommands),
            ),
          );
        }
        dirs.remove(dir);
      }
    });

    // Its own copies of the template (the log consumer of section 3 builds the log in its copy).
    await section('4b. ledger verify --all', async () => {
      const template = await seededLog();
      for (let round = 1; round <= SIZES.verifyRounds; round++) {
        progress(`  round ${round} of ${SIZES.verifyRounds}`);
        const dir = dirs.copyOf(template.dir, `verify-all-${round}`);
        rows.push(...verifyAllRows(await measureVerifyAll(dir), `round ${round}`));
        dirs.remove(dir);
      }
    });

    await section('5. transparency log', async () => {
      const options = SIZES.transparency;
      const result = await measureTransparency(dirs, options, progress);
      rows.push(...transparencyRows(result, options.jointVentures));
      const large = await measureLargeTree(
        dirs,
        options.largeTreeLeaves,
        options.samples,
        progress,
      );
      rows.push(...largeTreeRows(large));
    });
  } finally {
    dirs.cleanup();
  }

  return run.finish();
}

runMain(main);
