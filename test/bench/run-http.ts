/**
 * `npm run bench:http`: the built service over real HTTP, in both deployments and at both
 * synchronous levels, beside the floor reference under the same load; one table, the ledger's
 * throughput also as a ratio of the floor's. Figures never fail the run; a broken benchmark
 * (a service that does not start, a driver that crashes) exits 1. BENCH_QUICK=1 shortens every
 * load to check the script; BENCH_HTTP_SECONDS sets the measured seconds per load (default 10).
 * BENCH_HTTP_PROFILE=<dir> runs the embedded API at FULL with `--cpu-prof` into that folder.
 * BENCH_HTTP_ONLY=floor:FULL,embedded:FULL runs only those deployments, BENCH_HTTP_LOADS=own-jv,mixed
 * only those loads (all by default).
 */
import 'reflect-metadata';
import type { SqliteSynchronous } from '@app/event-store';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  measureLoad,
  startService,
  type Deployment,
  type LoadOptions,
  type Measured,
} from './http/http.bench';
import { BenchRun, QUICK, runMain } from './support/bench-run';
import { machineInfo } from './support/machine';
import { int, ms } from './support/stats';
import { renderGrid } from './support/table';
import { TempDirs } from './support/temp-dirs';

const ROOT = resolve(__dirname, '..', '..');
const SECONDS = QUICK ? 3 : Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const WARMUP_SECONDS = QUICK ? 1 : 3;
const CONNECTIONS = 64;
const PROFILE_DIR = process.env.BENCH_HTTP_PROFILE;

/** The targets (2 cores, sync=FULL, 64 connections, no errors); printed, never asserted. */
export const TARGETS = {
  embeddedCommandsPerSecond: 3_000,
  embeddedShareOfFloor: 0.5,
  embeddedP99Ms: 50,
  separateProjectorCommandsPerSecond: 5_000,
  mixedRequestsPerSecond: 5_000,
};

const load = (kind: LoadOptions['kind'], jointVentures: number): LoadOptions => ({
  kind,
  connections: CONNECTIONS,
  jointVentures,
  warmupSeconds: WARMUP_SECONDS,
  seconds: SECONDS,
});
const LOADS: readonly LoadOptions[] = [
  load('own-jv', CONNECTIONS),
  load('contention', 8),
  load('mixed', CONNECTIONS),
];

type Result = Measured & Readonly<{ deployment: Deployment; synchronous: SqliteSynchronous }>;

/** `nest build api` unless dist/ is newer than every source file of apps/ and libs/. */
function buildIfNeeded(progress: (message: string) => void): void {
  const main = join(ROOT, 'dist/apps/api/src/main.js');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return Math.max(latest, newest(path));
      return entry.name.endsWith('.ts') ? Math.max(latest, statSync(path).mtimeMs) : latest;
    }, 0);
  const sources = Math.max(newest(join(ROOT, 'apps')), newest(join(ROOT, 'libs')));
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  progress('building the service (nest build api)');
  execFileSync(join(ROOT, 'node_modules/.bin/nest'), ['build', 'api'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

function targetOf(r: Result, floor: Result | undefined): { text: string; met?: boolean } {
  if (r.synchronous !== 'FULL' || r.deployment === 'floor') return { text: '-' };
  const clean = r.errors + Object.values(r.statuses).reduce((a, b) => a + b, 0) === 0;
  const perSecond = r.commandsOk / r.seconds;
  const requests = r.requests / r.seconds;
  if (r.options.kind === 'mixed')
    return {
      text: `>= ${int(TARGETS.mixedRequestsPerSecond)} req/s, no errors`,
      met: clean && requests >= TARGETS.mixedRequestsPerSecond,
    };
  if (r.options.kind === 'contention') return { text: 'no errors', met: clean };
  if (r.deployment === 'embedded') {
    const share = floor ? perSecond / (floor.commandsOk / floor.seconds) : 0;
    return {
      text: `>= ${int(TARGETS.embeddedCommandsPerSecond)} cmd/s, >= ${TARGETS.embeddedShareOfFloor * 100}% of floor, p99 <= ${TARGETS.embeddedP99Ms} ms, no errors`,
      met:
        clean &&
        perSecond >= TARGETS.embeddedCommandsPerSecond &&
        share >= TARGETS.embeddedShareOfFloor &&
        r.p99Ms <= TARGETS.embeddedP99Ms,
    };
  }
  return {
    text: `>= ${int(TARGETS.separateProjectorCommandsPerSecond)} cmd/s, no errors`,
    met: clean && perSecond >= TARGETS.separateProjectorCommandsPerSecond,
  };
}

function table(results: readonly Result[]): string {
  const header = [
    'load',
    'deployment',
    'sync',
    'cmd/s',
    'req/s',
    'p50',
    'p99',
    'errors',
    'lag at end',
    'CPU/req',
    'vs floor',
    'target',
    'met?',
  ];
  const cells = results.map((r) => {
    const floor = results.find(
      (f) =>
        f.deployment === 'floor' && f.synchronous === r.synchronous && f.options.kind === 'own-jv',
    );
    const perSecond = r.commandsOk / r.seconds;
    const errors = [
      ...Object.entries(r.statuses).map(([status, n]) => `${n}x${status}`),
      ...(r.errors > r.timeouts ? [`${r.errors - r.timeouts} socket`] : []),
      ...(r.timeouts > 0 ? [`${r.timeouts} timeouts`] : []),
    ];
    const target = targetOf(r, floor);
    return [
      `${r.options.kind} (${r.options.connections} conns / ${r.options.jointVentures} JVs)`,
      r.deployment,
      r.synchronous,
      int(perSecond),
      int(r.requests / r.seconds),
      ms(r.p50Ms),
      ms(r.p99Ms),
      errors.length === 0 ? '0' : errors.join(' '),
      r.lagEvents === null ? '-' : `${int(r.lagEvents)} ev, ${ms(r.catchUpMs ?? 0)} to catch up`,
      ms(r.serviceCpuMs / r.requests),
      floor && r.deployment !== 'floor'
        ? `${Math.round((100 * perSecond) / (floor.commandsOk / floor.seconds))}%`
        : '-',
      target.text,
      target.met === undefined ? '-' : target.met ? 'yes' : 'NO',
    ];
  });
  return renderGrid(header, cells);
}

async function main(): Promise<number> {
  const run = new BenchRun('bench:http');
  const dirs = new TempDirs();
  const results: Result[] = [];
  process.stdout.write(`${machineInfo().join('\n')}\n`);
  process.stdout.write(
    `load:     autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per load\n\n`,
  );
  try {
    buildIfNeeded((message) => run.progress(message));
    const services: [Deployment, SqliteSynchronous][] = [
      ['floor', 'FULL'],
      ['floor', 'NORMAL'],
      ['embedded', 'FULL'],
      ['embedded', 'NORMAL'],
      ['api+projector', 'FULL'],
      ['api+projector', 'NORMAL'],
    ];
    const only = process.env.BENCH_HTTP_ONLY?.split(',');
    for (const [deployment, synchronous] of services) {
      if (only && !only.includes(`${deployment}:${synchronous}`)) continue;
      const profiling =
        PROFILE_DIR !== undefined && deployment === 'embedded' && synchronous === 'FULL';
      await run.section(`H. ${deployment}, sync=${synchronous}`, async () => {
        const nodeArgs = profiling ? ['--cpu-prof', `--cpu-prof-dir=${resolve(PROFILE_DIR!)}`] : [];
        const service = await startService(
          deployment,
          synchronous,
          dirs.make(`${deployment}-${synchronous}`),
          nodeArgs,
        );
        try {
          const loads = process.env.BENCH_HTTP_LOADS?.split(',');
          for (const options of deployment === 'floor' ? LOADS.slice(0, 1) : LOADS) {
            if (loads && !loads.includes(options.kind)) continue;
            run.progress(`  ${options.kind}`);
            results.push({ ...(await measureLoad(service, options)), deployment, synchronous });
          }
        } finally {
          await service.stop();
        }
      });
    }
  } finally {
    dirs.cleanup();
  }
  process.stdout.write(`${table(results)}\n\n`);
  return run.finish();
}

runMain(main);
