/**
 * 3. Projection catch-up: the three read models (as the app runs them: one consumer
 * each, checkpointed, default batch size) start from zero on a log of ~50,000 events of many
 * JVs; timed until every checkpoint reaches the head of the log.
 */
import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import { JOINT_VENTURE_PROJECTIONS, projectionConsumer } from '@app/read-models';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { headPosition, startBenchApp } from './support/bench-app';
import { seedVariedLog } from './support/histories';
import { openLogStorage } from './support/log-storage';
import { int, ms, perSecond, percentile, since, withTimeout } from './support/stats';
import type { Row } from './support/table';
import { DATABASE_FILE, type TempDirs } from './support/temp-dirs';

export const MIN_CATCH_UP_EVENTS_PER_SECOND = 5_000;
const CATCH_UP_TIMEOUT_MS = 120_000;

export type LogTemplate = Readonly<{ dir: string; events: number; jointVentures: number }>;

/** Seeds the log once through the command service (synchronous=NORMAL, projector off). */
export async function seedLogTemplate(
  dirs: TempDirs,
  jointVentures: number,
  eventsPerJv: number,
): Promise<LogTemplate> {
  const dir = dirs.make('log-template');
  const app = await startBenchApp(dir, {
    SQLITE_SYNCHRONOUS: 'NORMAL',
    EMBEDDED_PROJECTOR: 'false',
  });
  try {
    const events = await seedVariedLog(app.commands, jointVentures, eventsPerJv);
    return { dir, events, jointVentures };
  } finally {
    await app.close();
  }
}

export type CatchUpResult = Readonly<{
  synchronous: 'FULL' | 'NORMAL';
  events: number;
  /** Until the last of the three projections reached the head. */
  elapsedMs: number;
  perProjection: readonly Readonly<{ name: string; elapsedMs: number }>[];
}>;

/** Runs the catch-up in `dir` (a copy of the template), leaving the built read models there. */
export async function measureCatchUp(
  dir: string,
  synchronous: 'FULL' | 'NORMAL',
): Promise<CatchUpResult> {
  const file = join(dir, DATABASE_FILE);
  const storage = await openLogStorage(file, synchronous);
  // A failed batch is retried forever by the consumer; here the first failure ends the benchmark.
  let fail: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined);
  const runners = JOINT_VENTURE_PROJECTIONS.map((projection) =>
    projectionConsumer(projection, {
      events: storage.events,
      checkpoints: storage.checkpoints,
      onError: (error) => fail(error),
    }),
  );
  try {
    const head = headPosition(file);
    if (head === undefined) throw new Error('the log is empty');
    const events = storage.count();
    const start = performance.now();
    const perProjection = await Promise.all(
      runners.map(async (runner) => {
        await runner.start();
        await withTimeout(
          Promise.race([runner.waitFor(head), failure]),
          CATCH_UP_TIMEOUT_MS,
          runner.name,
        );
        return { name: runner.name, elapsedMs: since(start) };
      }),
    );
    return { synchronous, events, elapsedMs: since(start), perProjection };
  } finally {
    await Promise.all(runners.map((runner) => runner.stop()));
    await storage.close();
  }
}

export function catchUpRows(result: CatchUpResult): Row[] {
  const rate = perSecond(result.events, result.elapsedMs);
  const targeted = result.synchronous === 'FULL';
  const slowest = [...result.perProjection].sort((a, b) => b.elapsedMs - a.elapsedMs)[0];
  return [
    {
      benchmark: '3. projection catch-up (3 projections)',
      setting: `sync=${result.synchronous}, ${int(result.events)} events`,
      figure: `${int(rate)} events/s (${ms(result.elapsedMs)}; slowest ${slowest.name})`,
      target: targeted ? `>= ${int(MIN_CATCH_UP_EVENTS_PER_SECOND)} events/s` : '(compare)',
      met: targeted ? rate >= MIN_CATCH_UP_EVENTS_PER_SECOND : undefined,
    },
  ];
}

export type PageReadResult = Readonly<{
  events: number;
  withPrefixMs: number;
  withoutPrefixMs: number;
}>;

/**
 * What a live consumer pays per wake-up (one per append, per projection): one page of the global
 * log at its head, read with the joint-venture stream prefix as consumers and rebuilds read it,
 * beside the same page read without a prefix. Should not depend on the log's length.
 */
export async function measureLogPageRead(dir: string, reads = 50): Promise<PageReadResult> {
  const file = join(dir, DATABASE_FILE);
  const storage = await openLogStorage(file, 'FULL');
  try {
    const head = headPosition(file) ?? 0n;
    const after = head > 100n ? head - 100n : 0n;
    const time = async (streamPrefix?: string) => {
      const samples: number[] = [];
      for (let i = 0; i < reads; i++) {
        const start = performance.now();
        await storage.events.readAll({ after, maxCount: 100, streamPrefix });
        samples.push(since(start));
      }
      return percentile(samples, 50);
    };
    return {
      events: storage.count(),
      withPrefixMs: await time(JOINT_VENTURE_STREAM_PREFIX),
      withoutPrefixMs: await time(),
    };
  } finally {
    await storage.close();
  }
}

export function pageReadRows(result: PageReadResult): Row[] {
  return [
    {
      benchmark: '3b. readAll page of 100 at the log head',
      setting: `log ${int(result.events)} events`,
      figure: `p50 ${ms(result.withPrefixMs)} with JV prefix, ${ms(result.withoutPrefixMs)} without`,
      target: '(diagnostic: O(page))',
    },
  ];
}
