/**
 * `npm run bench:flood`: legitimate reads while anonymous and badly signed clients post large,
 * deeply nested bodies (section 5). Like `npm run bench`, it never fails on a figure, only when
 * the benchmark breaks. BENCH_QUICK=1 shortens each phase.
 */
import 'reflect-metadata';
import { floodRows, measureAuthFlood } from './auth-flood.bench';
import { BenchRun, QUICK, runMain } from './support/bench-run';
import { machineInfo } from './support/machine';
import { TempDirs } from './support/temp-dirs';

async function main(): Promise<number> {
  const run = new BenchRun('bench:flood');
  const dirs = new TempDirs();
  process.stdout.write(`${machineInfo().join('\n')}\n\n`);
  try {
    await run.section('5. reads under an unauthenticated flood', async () => {
      const options = { attackers: 8, durationMs: QUICK ? 2_000 : 10_000, bodyBytes: 1_000_000 };
      const result = await measureAuthFlood(dirs, options, (message) => run.progress(message));
      run.rows.push(...floodRows(result));
    });
  } finally {
    dirs.cleanup();
  }
  return run.finish();
}

runMain(main);
