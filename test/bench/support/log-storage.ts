/**
 * The embedded storage exactly as the apps open it (`openStorage` from libs/runtime), on the
 * database file of a bench folder, plus a count of the events in its log.
 */
import type { SqliteSynchronous } from '@app/event-store';
import { loadConfig, openStorage, type Storage } from '@app/runtime';
import Database from 'better-sqlite3';
import { basename, dirname } from 'node:path';

export type LogStorage = Storage & Readonly<{ count(): number }>;

export async function openLogStorage(
  file: string,
  synchronous: Exclude<SqliteSynchronous, 'OFF'>,
): Promise<LogStorage> {
  const config = loadConfig({
    DATA_DIR: dirname(file),
    SQLITE_SYNCHRONOUS: synchronous,
    LOG_LEVEL: 'silent',
  });
  if (basename(config.databaseFile) !== basename(file))
    throw new Error(`the apps keep their data in ${config.databaseFile}, not ${file}`);
  const storage = await openStorage(config);
  return {
    ...storage,
    count: () => {
      const db = new Database(file, { readonly: true });
      try {
        return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
      } finally {
        db.close();
      }
    },
  };
}
