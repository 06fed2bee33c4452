/** Timing of async calls in wall time and in this process's CPU time (user + system). */
import { performance } from 'node:perf_hooks';
import { int, ms, percentile, since, summarize, type Latencies } from './stats';

/** Untimed calls first, so that JIT compilation and caches settle before the samples. */
const WARM_UP_CALLS = 50;

/** Milliseconds of CPU this process used since `start` (all its threads: GC and JIT included). */
export const cpuSince = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};

/**
 * Wall-clock percentiles and the p99 of CPU time per call: on a busy machine the wall tail is
 * mostly waiting for a core, the CPU figure counts only this process (all its
 * threads, so GC and JIT too) and is far less moved by other load.
 */
export type Timed = Latencies & Readonly<{ cpuP99: number }>;

export async function timedAsync(
  samples: number,
  body: (i: number) => Promise<unknown>,
): Promise<Timed> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await body(-1 - i);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < samples; i++) {
    const [t, c] = [performance.now(), process.cpuUsage()];
    await body(i);
    times.push(since(t));
    cpu.push(cpuSince(c));
  }
  return { ...summarize(times), cpuP99: percentile(cpu, 99) };
}

export const latencyFigure = (l: Timed): string =>
  `p50 ${ms(l.p50)} / p99 ${ms(l.p99)}, CPU p99 ${ms(l.cpuP99)} (${int(l.count)} samples)`;
