/**
 * 1c. The first command after a restart on a 10,000-event stream (issue 12 §3), against a warm
 * one on the same stream. The API is a real process (`main.ts`, as the crash tests start it),
 * started again and again on a copy of the seeded database (whose seeding through the command
 * side left snapshots every SNAPSHOT_EVERY events), without the embedded projector so that only
 * the command is measured, and driven over HTTP; each start times its first RecordBatch, then
 * warm ones. Three ways to start: no snapshots (SNAPSHOT_EVERY=0: the state is folded from the
 * stream's first event), from a snapshot, and prewarmed from one before the process answers.
 */
import { loadConfig, localTokensOf } from '@app/runtime';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startApiProcess } from '../e2e/support/api-process';
import type { CostTemplate } from './command-cost.bench';
import { BENCH_MANAGER } from './support/bench-app';
import { batchBody } from './support/histories';
import { ms, percentile, since, summarize, type Latencies } from './support/stats';
import type { Row } from './support/table';
import type { TempDirs } from './support/temp-dirs';

/** The stated target: the first command after a restart within this factor of a warm one. */
export const MAX_COLD_TO_WARM = 2;

export const COLD_STARTS = [
  { name: 'full fold', env: { SNAPSHOT_EVERY: '0' } },
  { name: 'snapshot', env: { SNAPSHOT_PREWARM: '0' } },
  { name: 'snapshot + prewarm', env: { SNAPSHOT_PREWARM: '100' } },
] as const;

export type ColdStartOptions = Readonly<{ restarts: number; warmCommands: number }>;

export type ColdStartResult = Readonly<{
  name: string;
  length: number;
  /** One per restart. */
  firstCommandMs: readonly number[];
  /** Warm commands after the first ones, over every restart. */
  warm: Latencies;
}>;

export async function measureColdStarts(
  template: CostTemplate,
  dirs: TempDirs,
  options: ColdStartOptions,
  progress: (message: string) => void,
): Promise<ColdStartResult[]> {
  const longest = template.streams[template.streams.length - 1];
  const jwtSecret = randomBytes(32).toString('base64url');
  const results: ColdStartResult[] = [];
  for (const start of COLD_STARTS) {
    progress(`  cold start: ${start.name}`);
    const dir = dirs.copyOf(template.dir, `cold-${start.name.replace(/\W+/g, '-')}`);
    const token = await localTokensOf(loadConfig({ DATA_DIR: dir, JWT_SECRET: jwtSecret }), {
      createKey: false,
    }).issue(BENCH_MANAGER);
    const first: number[] = [];
    const warm: number[] = [];
    try {
      for (let restart = 0; restart < options.restarts; restart++) {
        const api = await startApiProcess({
          dataDir: dir,
          jwtSecret,
          env: {
            SQLITE_SYNCHRONOUS: 'FULL',
            EMBEDDED_PROJECTOR: 'false',
            RATE_LIMIT_PER_ADDRESS: '0',
            RATE_LIMIT_PER_SUBJECT: '0',
            ...start.env,
          },
        });
        try {
          const send = async (reference: string) => {
            const begin = performance.now();
            const reply = await fetch(
              `${api.baseUrl}/joint-ventures/${longest.id}/production/batches`,
              {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: JSON.stringify(batchBody(reference)),
              },
            );
            const body = await reply.text();
            if (reply.status !== 200)
              throw new Error(`RecordBatch on ${longest.id}: ${reply.status} ${body}`);
            return since(begin);
          };
          first.push(await send(`COLD-${restart}`));
          for (let i = 0; i < 10; i++) await send(`WARM-UP-${restart}-${i}`);
          for (let i = 0; i < options.warmCommands; i++)
            warm.push(await send(`WARM-${restart}-${i}`));
        } finally {
          await api.stop();
        }
      }
    } finally {
      dirs.remove(dir);
    }
    results.push({
      name: start.name,
      length: longest.length,
      firstCommandMs: first,
      warm: summarize(warm),
    });
  }
  return results;
}

export function coldStartRows(results: readonly ColdStartResult[]): Row[] {
  const rows: Row[] = [];
  for (const { name, length, firstCommandMs, warm } of results) {
    const at = length.toLocaleString('en-US');
    const cold = percentile(firstCommandMs, 50);
    const ratio = cold / warm.p50;
    const targeted = name !== 'full fold';
    rows.push({
      benchmark: `1c. warm command @${at}`,
      setting: `sync=FULL, ${name}`,
      figure: `p50 ${ms(warm.p50)} / p99 ${ms(warm.p99)} (n=${warm.count})`,
      target: '-',
    });
    rows.push({
      benchmark: `1c. first command after restart @${at}`,
      setting: `sync=FULL, ${name}`,
      figure: `median ${ms(cold)} of ${firstCommandMs.length} restarts (max ${ms(Math.max(...firstCommandMs))}) = ${ratio.toFixed(2)}x warm p50`,
      target: targeted ? `<= ${MAX_COLD_TO_WARM}x warm` : '(compare)',
      met: targeted ? ratio <= MAX_COLD_TO_WARM : undefined,
    });
  }
  return rows;
}
