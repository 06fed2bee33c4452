/**
 * 4b. `ledger verify --all` (issue 9 §8): the LedgerVerifier over the ~50,000-event log of
 * section 3 (many JVs, varied events), once on the chains alone and once with the transparency
 * log (its leaves built first, as the TransparencyLog consumer would, and a checkpoint signed).
 */
import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import { canonicalEvent, type RecordedEvent } from '@app/event-store';
import { LedgerVerifier, logEntryOf, loadConfig, TransparencyLedger } from '@app/runtime';
import { hash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuSince } from './support/cpu-timing';
import { openLogStorage } from './support/log-storage';
import { int, ms, perSecond, since } from './support/stats';
import type { Row } from './support/table';
import { DATABASE_FILE } from './support/temp-dirs';

export const MIN_VERIFY_ALL_EVENTS_PER_SECOND = 50_000;

export type VerifyAllResult = Readonly<{
  events: number;
  chainsOnlyMs: number;
  withLogMs: number;
  /** CPU time of this process (user + system): the machine's other load does not count. */
  chainsOnlyCpuMs: number;
  withLogCpuMs: number;
  findings: number;
  /**
   * References measured in the same run, over the same events: reading the pages alone (the
   * store's readAll), and one bare SHA-256 per event over its canonical bytes prepared beforehand.
   */
  readOnlyMs: number;
  bareHashMs: number;
}>;

/** Pages of the JV log read in order, as the verifier reads them. */
async function readJvLog(
  events: LogStorageEvents,
  onPage: (batch: readonly RecordedEvent[]) => void | Promise<void>,
): Promise<void> {
  for (let after: bigint | undefined; ;) {
    const batch = await events.readAll({
      after,
      maxCount: 1000,
      streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
    });
    if (batch.length === 0) return;
    await onPage(batch);
    after = batch[batch.length - 1].position;
  }
}

type LogStorageEvents = Awaited<ReturnType<typeof openLogStorage>>['events'];

/** Builds the log in `dir` (a copy of the template), signs a checkpoint, then times the walks. */
export async function measureVerifyAll(dir: string): Promise<VerifyAllResult> {
  const file = join(dir, DATABASE_FILE);
  const storage = await openLogStorage(file, 'NORMAL');
  try {
    const config = loadConfig({ DATA_DIR: dirname(file), LOG_LEVEL: 'silent' });
    const transparency = TransparencyLedger.open(config, storage);
    await readJvLog(storage.events, async (batch) => {
      await transparency.log.append(batch.map(logEntryOf));
    });
    await transparency.signNow();

    let start = performance.now();
    let cpu = process.cpuUsage();
    const chains = await new LedgerVerifier({ events: storage.events }).verifyAll();
    const chainsOnlyMs = since(start);
    const chainsOnlyCpuMs = cpuSince(cpu);
    start = performance.now();
    cpu = process.cpuUsage();
    const full = await new LedgerVerifier({
      events: storage.events,
      transparency: { log: transparency.log, trustedKeys: () => transparency.keys.trusted() },
    }).verifyAll();
    const withLogMs = since(start);
    const withLogCpuMs = cpuSince(cpu);
    if (chains.events !== full.events) throw new Error('the two walks read different logs');

    start = performance.now();
    let read = 0;
    await readJvLog(storage.events, (batch) => void (read += batch.length));
    const readOnlyMs = since(start);
    const canonical: string[] = [];
    await readJvLog(storage.events, (batch) => {
      for (const event of batch) canonical.push(canonicalEvent(event));
    });
    start = performance.now();
    for (const text of canonical) hash('sha256', text, 'buffer');
    const bareHashMs = since(start);
    if (read !== full.events || canonical.length !== full.events)
      throw new Error('the references read a different log');
    return {
      readOnlyMs,
      bareHashMs,
      events: full.events,
      chainsOnlyMs,
      withLogMs,
      chainsOnlyCpuMs,
      withLogCpuMs,
      findings: chains.findings.length + full.findings.length,
    };
  } finally {
    await storage.close();
  }
}

export function verifyAllRows(result: VerifyAllResult, label?: string): Row[] {
  const rate = (elapsed: number) => perSecond(result.events, elapsed);
  const setting = `${label ? `${label}: ` : ''}${int(result.events)} events, SQLite, ${result.findings} findings`;
  const ratio = (elapsed: number) => (elapsed / result.bareHashMs).toFixed(1);
  return [
    {
      benchmark: '4b. reference: reading the pages alone',
      setting,
      figure: `${int(rate(result.readOnlyMs))} events/s (${ms(result.readOnlyMs)})`,
      target: '(reference)',
      met: undefined,
    },
    {
      benchmark: '4b. reference: bare SHA-256 per event over its canonical bytes',
      setting,
      figure: `${int(rate(result.bareHashMs))} events/s (${ms(result.bareHashMs)}); verify chains ${ratio(result.chainsOnlyMs)}x, chains + log ${ratio(result.withLogMs)}x this`,
      target: '(reference)',
      met: undefined,
    },
    {
      benchmark: '4b. ledger verify --all: chains',
      setting,
      figure: `${int(rate(result.chainsOnlyMs))} events/s (${ms(result.chainsOnlyMs)}; ${int(rate(result.chainsOnlyCpuMs))} per CPU-second)`,
      target: `>= ${int(MIN_VERIFY_ALL_EVENTS_PER_SECOND)} events/s`,
      met: rate(result.chainsOnlyMs) >= MIN_VERIFY_ALL_EVENTS_PER_SECOND,
    },
    {
      benchmark: '4b. ledger verify --all: chains + log',
      setting: `${setting}, leaves, checkpoint roots`,
      figure: `${int(rate(result.withLogMs))} events/s (${ms(result.withLogMs)}; ${int(rate(result.withLogCpuMs))} per CPU-second)`,
      target: `>= ${int(MIN_VERIFY_ALL_EVENTS_PER_SECOND)} events/s`,
      met: rate(result.withLogMs) >= MIN_VERIFY_ALL_EVENTS_PER_SECOND,
    },
  ];
}
