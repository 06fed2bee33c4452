/**
 * Reads the embedded SQLite file directly, for checks the HTTP API cannot make: the state a
 * crash left on disk, every read-model row, and a full replay of the log into the read models.
 */
import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import { openSqlite } from '@app/event-store';
import { rebuildProjections, sqliteRebuildSpace, type RebuildReport } from '@app/read-models';
import { loadConfig, openStorage } from '@app/runtime';
import type Database from 'better-sqlite3';
import { copyFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Tables in the file that are not read models: the log, checkpoints and command-side state. */
const NOT_READ_MODELS = new Set([
  'events',
  'consumer_checkpoints',
  'idempotency_records',
  'jv_name_reservations',
]);

/** Rows of each table as canonical JSON, sorted: equal snapshots hold the same rows. */
export type TableSnapshot = Record<string, string[]>;

export function readModelTables(db: Database.Database): string[] {
  const rows = db
    .prepare(
      `select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'
       order by name`,
    )
    .all() as { name: string }[];
  return rows.map((row) => row.name).filter((name) => !NOT_READ_MODELS.has(name));
}

export function snapshotTables(db: Database.Database, tables: readonly string[]): TableSnapshot {
  return Object.fromEntries(
    tables.map((table) => {
      const rows = db.prepare(`select * from "${table}"`).all() as Record<string, unknown>[];
      return [table, rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort()];
    }),
  );
}

/** Global position of the last joint-venture event, or null when there is none. */
export function headPosition(db: Database.Database): number | null {
  const row = db
    .prepare(`select max(position) as head from events where stream_id like ?`)
    .get(`${JOINT_VENTURE_STREAM_PREFIX}%`) as { head: number | null };
  return row.head;
}

export function checkpoints(db: Database.Database): Record<string, string> {
  const rows = db.prepare('select consumer, position from consumer_checkpoints').all() as {
    consumer: string;
    position: string;
  }[];
  return Object.fromEntries(rows.map((row) => [row.consumer, row.position]));
}

export function jointVentureStreams(db: Database.Database): string[] {
  const rows = db
    .prepare(`select distinct stream_id from events where stream_id like ? order by stream_id`)
    .all(`${JOINT_VENTURE_STREAM_PREFIX}%`) as { stream_id: string }[];
  return rows.map((row) => row.stream_id);
}

/**
 * Copies a database file left by a dead process (with its WAL and shared-memory files) into
 * `directory` and opens the copy, so looking at the crash does not recover the original: the
 * restarted API must do that itself.
 */
export function openCrashCopy(file: string, directory: string): Database.Database {
  const copy = join(directory, 'crash-copy.db');
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
  return openSqlite(copy);
}

/** Replays the whole log into fresh read models and swaps them in, as the CLI's rebuild does. */
export async function replayAll(file: string, scratchDirectory: string): Promise<RebuildReport> {
  const config = loadConfig({ DATA_DIR: dirname(file), LOG_LEVEL: 'silent' });
  if (basename(config.databaseFile) !== basename(file))
    throw new Error(`the apps keep their data in ${config.databaseFile}, not ${file}`);
  const storage = await openStorage(config);
  try {
    return await rebuildProjections({
      db: storage.readModels,
      checkpoints: storage.checkpoints,
      events: storage.events,
      space: sqliteRebuildSpace({ directory: scratchDirectory }),
    });
  } finally {
    await storage.close();
  }
}
