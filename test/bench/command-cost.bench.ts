/**
 * 1. Command cost vs stream length. Streams of ~10, ~1,000 and ~10,000 events are seeded
 * once through the command service; each measured configuration starts the HTTP app on a copy
 * of that database and times RecordBatch commands over Fastify inject with a real bearer token,
 * round-robin over the three streams so drift and fsync noise hit them alike.
 */
import { performance } from 'node:perf_hooks';
import { expectStatus, startBenchApp, type BenchApp } from './support/bench-app';
import { batchBody, establishCommand, seedProductionStream } from './support/histories';
import { int, summarize, since, ms, type Latencies } from './support/stats';
import type { Row } from './support/table';
import type { TempDirs } from './support/temp-dirs';

export const STREAM_LENGTHS = [10, 1_000, 10_000] as const;
/** The stated target: p99 at the longest stream within this factor of p99 at the shortest. */
export const MAX_P99_RATIO = 2;

export type CostTemplate = Readonly<{
  dir: string;
  streams: readonly Readonly<{ length: number; id: string }>[];
}>;

export type CostOptions = Readonly<{
  synchronous: 'FULL' | 'NORMAL';
  stateCacheSize: number;
  /** Timed commands per stream. */
  commands: number;
  /** Untimed commands per stream after the first one (JIT, caches). */
  warmUp?: number;
}>;

export type StreamCost = Readonly<{
  length: number;
  /** The first command after the app started: its state cache is empty. */
  firstCommandMs: number;
  latencies: Latencies;
}>;

export type CostResult = Readonly<{ options: CostOptions; streams: readonly StreamCost[] }>;

/** Seeds the three streams once (synchronous=NORMAL, no projector: it is setup, not measured). */
export async function seedCostTemplate(dirs: TempDirs): Promise<CostTemplate> {
  const dir = dirs.make('cost-template');
  const app = await startBenchApp(dir, {
    SQLITE_SYNCHRONOUS: 'NORMAL',
    EMBEDDED_PROJECTOR: 'false',
  });
  try {
    const streams = [];
    for (const length of STREAM_LENGTHS)
      streams.push({
        length,
        id: await seedProductionStream(app.commands, `Cost JV ${length}`, length),
      });
    return { dir, streams };
  } finally {
    await app.close();
  }
}

export async function measureCommandCost(
  template: CostTemplate,
  dirs: TempDirs,
  options: CostOptions,
): Promise<CostResult> {
  const dir = dirs.copyOf(
    template.dir,
    `cost-${options.synchronous}-cache${options.stateCacheSize}`,
  );
  const app = await startBenchApp(dir, {
    SQLITE_SYNCHRONOUS: options.synchronous,
    STATE_CACHE_SIZE: String(options.stateCacheSize),
    // Without the cache, without snapshots too: every command folds its whole stream (1c has
    // the snapshots' own figures).
    ...(options.stateCacheSize === 0 ? { SNAPSHOT_EVERY: '0' } : {}),
  });
  try {
    // The embedded projector replays the seeded log at start; let it finish first.
    await app.projectionsCaughtUp();
    const authorization = await app.bearer();
    const send = (id: string, reference: string) =>
      app
        .post(`/joint-ventures/${id}/production/batches`, batchBody(reference), authorization)
        .then((reply) => expectStatus(reply, 200, `RecordBatch on ${id}`));

    const firstCommandMs: number[] = [];
    for (const { id } of template.streams) {
      const start = performance.now();
      await send(id, 'COLD');
      firstCommandMs.push(since(start));
    }
    for (let i = 0; i < (options.warmUp ?? 20); i++)
      for (const { id } of template.streams) await send(id, `WARM-${i}`);
    await app.projectionsCaughtUp();

    const samples: number[][] = template.streams.map(() => []);
    for (let i = 0; i < options.commands; i++) {
      for (const [s, { id }] of template.streams.entries()) {
        const start = performance.now();
        await send(id, `TIMED-${i}`);
        samples[s].push(since(start));
      }
    }
    return {
      options,
      streams: template.streams.map(({ length }, s) => ({
        length,
        firstCommandMs: firstCommandMs[s],
        latencies: summarize(samples[s]),
      })),
    };
  } finally {
    await closeAndRemove(app, dirs, dir);
  }
}

async function closeAndRemove(app: BenchApp, dirs: TempDirs, dir: string): Promise<void> {
  await app.close();
  dirs.remove(dir);
}

export function commandCostRows(result: CostResult): Row[] {
  const { synchronous, stateCacheSize, commands } = result.options;
  const cached = stateCacheSize > 0;
  const setting = `sync=${synchronous}, cache=${stateCacheSize}${cached ? '' : ', no snapshots'}`;
  // The target is stated for the production setting (FULL, cache on); the rest is comparison.
  const targeted = synchronous === 'FULL' && cached;
  const rows: Row[] = result.streams.map(({ length, latencies }) => ({
    benchmark: `1. command @${length.toLocaleString('en-US')} events`,
    setting,
    figure: `p50 ${ms(latencies.p50)} / p99 ${ms(latencies.p99)} (n=${commands})`,
    target: '-',
  }));
  const shortest = result.streams[0];
  const longest = result.streams[result.streams.length - 1];
  const ratio = longest.latencies.p99 / shortest.latencies.p99;
  rows.push({
    benchmark: `1. p99 @${longest.length.toLocaleString('en-US')} / p99 @${shortest.length}`,
    setting,
    figure: `${ratio.toFixed(2)}x`,
    target: targeted ? `<= ${MAX_P99_RATIO}x` : cached ? `(compare)` : '(no cache: O(stream))',
    met: targeted ? ratio <= MAX_P99_RATIO : undefined,
  });
  rows.push({
    benchmark: `1. first command after start @${longest.length.toLocaleString('en-US')}`,
    setting,
    // The seeding left snapshots; SNAPSHOT_* at their defaults (see the cold-start rows).
    figure: `${ms(longest.firstCommandMs)} (${cached ? 'snapshots and prewarm at their defaults' : 'no cache'})`,
    target: '-',
  });
  return rows;
}

export type LargeLogResult = Readonly<{
  logEvents: number;
  commands: number;
  latencies: Latencies;
}>;

/**
 * The same command on a short stream, but in a database whose global log already holds
 * `logEvents` events (read models built, checkpoints at the head): with the embedded projector,
 * does a command's cost grow with the whole log rather than with its own stream?
 */
export async function measureCommandOnLargeLog(
  dir: string,
  logEvents: number,
  commands: number,
): Promise<LargeLogResult> {
  const app = await startBenchApp(dir, { SQLITE_SYNCHRONOUS: 'FULL' });
  try {
    await app.projectionsCaughtUp();
    const authorization = await app.bearer();
    const created = expectStatus(
      await app.post('/joint-ventures', establishCommand('Large log JV').data, authorization),
      201,
      'EstablishJointVenture',
    );
    const id = (created.body as { id: string }).id;
    expectStatus(
      await app.post(`/joint-ventures/${id}/production/start`, {}, authorization),
      200,
      'StartProduction',
    );
    const send = (reference: string) =>
      app
        .post(`/joint-ventures/${id}/production/batches`, batchBody(reference), authorization)
        .then((reply) => expectStatus(reply, 200, `RecordBatch on ${id}`));
    for (let i = 0; i < 20; i++) await send(`WARM-${i}`);
    await app.projectionsCaughtUp();
    const samples: number[] = [];
    for (let i = 0; i < commands; i++) {
      const start = performance.now();
      await send(`TIMED-${i}`);
      samples.push(since(start));
    }
    return { logEvents, commands, latencies: summarize(samples) };
  } finally {
    await app.close();
  }
}

export function largeLogRows(result: LargeLogResult): Row[] {
  const { latencies } = result;
  return [
    {
      benchmark: '1b. command @~25 events, large global log',
      setting: `sync=FULL, cache=10000, log ${int(result.logEvents)} events`,
      figure: `p50 ${ms(latencies.p50)} / p99 ${ms(latencies.p99)} (n=${result.commands})`,
      target: '(compare with 1. @10)',
    },
  ];
}
