/**
 * The embedded storage as the app wires it (libs/runtime StorageModule): one SQLite file, one
 * connection for the event store at the given synchronous, one for the read models at the level
 * StorageModule gives them.
 */
import { openSqlite, SqliteEventStore, type SqliteSynchronous } from '@app/event-store';
import { createSqliteReadModelDb, migrateReadModels, type ReadModelDb } from '@app/read-models';
import { readModelSynchronous } from '@app/runtime';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';

export type LogStorage = Readonly<{
  store: SqliteEventStore;
  db: Kysely<ReadModelDb>;
  /** Events in the log. */
  count(): number;
  close(): Promise<void>;
}>;

export async function openLogStorage(
  file: string,
  synchronous: SqliteSynchronous,
): Promise<LogStorage> {
  const events: Database.Database = openSqlite(file, { synchronous });
  const readModels: Database.Database = openSqlite(file, {
    synchronous: readModelSynchronous('sqlite', synchronous),
  });
  const store = new SqliteEventStore(events);
  const db = createSqliteReadModelDb(readModels);
  await migrateReadModels(db);
  return {
    store,
    db,
    count: () =>
      Number((events.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n),
    close: async () => {
      await store.close();
      await db.destroy();
      events.close();
      readModels.close();
    },
  };
}
