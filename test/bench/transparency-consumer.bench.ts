/**
 * 5c. The transparency log's consumer as the apps run it (`transparencyLogConsumer` from
 * libs/runtime: checkpointed, default batch size, the leaves and its checkpoint in one
 * transaction) from zero on the ~50,000-event log of section 3: how many leaves per second it
 * appends, beside the command rate it has to keep up with.
 */
import { transparencyLogConsumer } from '@app/runtime';
import { KyselyLogStore, TransparencyLog } from '@app/transparency';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { headPosition } from './support/bench-app';
import { cpuSince } from './support/cpu-timing';
import { openLogStorage } from './support/log-storage';
import { int, ms, perSecond, since, withTimeout } from './support/stats';
import type { Row } from './support/table';
import { DATABASE_FILE } from './support/temp-dirs';
import { MIN_COMMANDS_PER_SECOND } from './throughput.bench';

const CATCH_UP_TIMEOUT_MS = 300_000;

export type LogConsumerResult = Readonly<{
  synchronous: 'FULL' | 'NORMAL';
  leaves: number;
  elapsedMs: number;
  cpuMs: number;
}>;

/** Runs the TransparencyLog consumer in `dir` until its checkpoint reaches the log's head. */
export async function measureLogConsumer(
  dir: string,
  synchronous: 'FULL' | 'NORMAL',
): Promise<LogConsumerResult> {
  const file = join(dir, DATABASE_FILE);
  const storage = await openLogStorage(file, synchronous);
  let fail: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined);
  const consumer = transparencyLogConsumer({
    events: storage.events,
    checkpoints: storage.checkpoints,
    onError: (error) => fail(error),
  });
  try {
    const head = headPosition(file);
    if (head === undefined) throw new Error('the log is empty');
    const start = performance.now();
    const cpu = process.cpuUsage();
    await consumer.start();
    await withTimeout(
      Promise.race([consumer.waitFor(head), failure]),
      CATCH_UP_TIMEOUT_MS,
      consumer.name,
    );
    const elapsedMs = since(start);
    const cpuMs = cpuSince(cpu);
    const log = new TransparencyLog(new KyselyLogStore(storage.readModels as never));
    const { size } = await log.state();
    if (size !== storage.count()) throw new Error(`${size} leaves for ${storage.count()} events`);
    return { synchronous, leaves: size, elapsedMs, cpuMs };
  } finally {
    await consumer.stop();
    await storage.close();
  }
}

export function logConsumerRows(result: LogConsumerResult): Row[] {
  const rate = perSecond(result.leaves, result.elapsedMs);
  const targeted = result.synchronous === 'FULL';
  return [
    {
      benchmark: '5c. transparency: the log consumer',
      setting: `catch-up from zero, ${int(result.leaves)} events, sync=${result.synchronous}`,
      figure: `${int(rate)} leaves/s (${ms(result.elapsedMs)}; ${int(perSecond(result.leaves, result.cpuMs))} per CPU-second)`,
      target: targeted
        ? `>= ${int(MIN_COMMANDS_PER_SECOND)}/s (the command rate, >= 1 event each)`
        : '(compare)',
      met: targeted ? rate >= MIN_COMMANDS_PER_SECOND : undefined,
    },
  ];
}
