/**
 * 0. Disk baseline: what one SQLite commit costs on this machine, with nothing of the ledger
 * around it. Every command commits at least once (its append) and the embedded projector once
 * more per projection batch, so this bounds what the other figures can reach.
 */
import { openSqlite } from '@app/event-store';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ms, perSecond, since, summarize, type Latencies } from './support/stats';
import type { Row } from './support/table';
import type { TempDirs } from './support/temp-dirs';

export type BaselineResult = Readonly<{
  synchronous: 'FULL' | 'NORMAL';
  latencies: Latencies;
  totalMs: number;
}>;

export function measureCommit(
  dirs: TempDirs,
  synchronous: 'FULL' | 'NORMAL',
  commits = 300,
): BaselineResult {
  const dir = dirs.make(`baseline-${synchronous}`);
  const db = openSqlite(join(dir, 'baseline.db'), { synchronous });
  try {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (payload) VALUES (?)');
    const commit = db.transaction((payload: string) => insert.run(payload));
    const payload = 'x'.repeat(600); // about one event row
    for (let i = 0; i < 20; i++) commit.immediate(payload);
    const samples: number[] = [];
    const start = performance.now();
    for (let i = 0; i < commits; i++) {
      const t = performance.now();
      commit.immediate(payload);
      samples.push(since(t));
    }
    return { synchronous, latencies: summarize(samples), totalMs: since(start) };
  } finally {
    db.close();
    dirs.remove(dir);
  }
}

export function baselineRows(result: BaselineResult): Row[] {
  const { latencies } = result;
  return [
    {
      benchmark: '0. bare SQLite commit (1 row)',
      setting: `sync=${result.synchronous}`,
      figure: `p50 ${ms(latencies.p50)} / p99 ${ms(latencies.p99)} (~${Math.round(
        perSecond(latencies.count, result.totalMs),
      ).toLocaleString('en-US')} commits/s)`,
      target: '(machine baseline)',
    },
  ];
}
