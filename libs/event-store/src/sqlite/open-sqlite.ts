import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export type OpenSqliteOptions = Readonly<{
  /**
   * FULL (the default) fsyncs the WAL on every commit, so an acknowledged write survives a
   * power loss; NORMAL survives a process crash only.
   */
  synchronous?: SqliteSynchronous;
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
}>;

/**
 * Opens (creating if needed) the embedded SQLite file shared by the event store, the read
 * models and their checkpoints. WAL lets readers run beside the single writer.
 */
export function openSqlite(file: string, options: OpenSqliteOptions = {}): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  return db;
}
