/**
 * 4. rebuildProjections over the same log: replays every event into scratch tables (an
 * attached SQLite file) and swaps them into the live, already built read models.
 */
import { rebuildProjections, sqliteRebuildSpace } from '@app/read-models';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLogStorage } from './support/log-storage';
import { int, ms, perSecond, since } from './support/stats';
import type { Row } from './support/table';
import { DATABASE_FILE } from './support/temp-dirs';

export type RebuildResult = Readonly<{
  synchronous: 'FULL' | 'NORMAL';
  events: number;
  elapsedMs: number;
}>;

export async function measureRebuild(
  dir: string,
  synchronous: 'FULL' | 'NORMAL',
): Promise<RebuildResult> {
  const storage = await openLogStorage(join(dir, DATABASE_FILE), synchronous);
  try {
    const start = performance.now();
    const report = await rebuildProjections({
      db: storage.readModels,
      checkpoints: storage.checkpoints,
      events: storage.events,
      space: sqliteRebuildSpace({ directory: dir }),
    });
    return { synchronous, events: report.eventsReplayed, elapsedMs: since(start) };
  } finally {
    await storage.close();
  }
}

export function rebuildRows(result: RebuildResult): Row[] {
  return [
    {
      benchmark: '4. rebuildProjections (3 projections)',
      setting: `sync=${result.synchronous}, ${int(result.events)} events`,
      figure: `${int(perSecond(result.events, result.elapsedMs))} events/s (${ms(result.elapsedMs)})`,
      target: 'none stated',
    },
  ];
}
