import {
  createPostgresDb,
  createSqliteKysely,
  KurrentDbEventStore,
  openSqlite,
  SqlCheckpointStore,
  SqlDatabase,
  SqliteEventStore,
  type EventStore,
  type MigrationReport,
  type SqliteSynchronous,
} from '@app/event-store';
import type { ReadModelDb } from '@app/read-models';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../app-config';
import { migrateStorage } from './storage-migrations';

/** Everything a process keeps its data in, opened and migrated from the configuration. */
export type Storage = Readonly<{
  events: EventStore;
  /** Read models, checkpoints and the command side's tables. */
  sql: SqlDatabase;
  readModels: Kysely<ReadModelDb>;
  checkpoints: SqlCheckpointStore<ReadModelDb>;
  /** Where the data is, for start-up logs (credentials masked). */
  summary: string;
  /** The versioned migrations this opening applied. */
  migrations: MigrationReport;
  close(): Promise<void>;
}>;

/**
 * The `synchronous` level of the SQL connection. With the events in this file, it needs no fsync
 * of its own: each append's FULL commit fsyncs the WAL up to itself, so every command-side write
 * made before it (name reservations, idempotency claims) is durable with it; read-model commits
 * after the last append may be lost to a power cut, but together with their checkpoints (one
 * transaction), so the projections replay those events. Appends stay at the configured level.
 * With the events elsewhere (KurrentDB) nothing else fsyncs this file.
 */
export function readModelSynchronous(
  eventStore: AppConfig['EVENT_STORE'],
  synchronous: SqliteSynchronous,
): SqliteSynchronous {
  return eventStore === 'sqlite' && (synchronous === 'FULL' || synchronous === 'EXTRA')
    ? 'NORMAL'
    : synchronous;
}

/**
 * Opens the configured storage: the embedded default keeps events and everything else in one
 * SQLite file, on two connections (so a Kysely transaction never swallows an append made
 * meanwhile); with EVENT_STORE=kurrentdb the events live in KurrentDB and no SQLite events
 * connection is opened, and with DATABASE_URL everything else lives in PostgreSQL, through the
 * same Kysely code. Migrates before answering. The one factory the apps and the CLI share.
 */
export async function openStorage(config: AppConfig): Promise<Storage> {
  const file = config.databaseFile;
  // Appends wait for the write lock asynchronously (SqliteEventStore's lockWaitMs), never in a
  // synchronous busy wait that would stall a consumer holding it in this very process.
  const eventsConnection =
    config.EVENT_STORE === 'sqlite'
      ? openSqlite(file, { synchronous: config.SQLITE_SYNCHRONOUS, busyTimeoutMs: 0 })
      : undefined;
  const events: EventStore = eventsConnection
    ? new SqliteEventStore(eventsConnection, {
        subscriptions: { pollIntervalMs: config.SQLITE_POLL_INTERVAL_MS },
      })
    : KurrentDbEventStore.connect(config.KURRENTDB_URL as string);
  const sqlConnection = config.DATABASE_URL
    ? undefined
    : openSqlite(file, {
        synchronous: readModelSynchronous(config.EVENT_STORE, config.SQLITE_SYNCHRONOUS),
      });
  const sql = new SqlDatabase(
    sqlConnection
      ? createSqliteKysely(sqlConnection)
      : createPostgresDb({ url: config.DATABASE_URL!, poolSize: config.DATABASE_POOL_SIZE }),
  );
  const readModels = sql.tables<ReadModelDb>();
  const close = async () => {
    await events.close();
    await sql.destroy();
    eventsConnection?.close();
    sqlConnection?.close();
  };
  let migrations: MigrationReport;
  try {
    migrations = await migrateStorage(readModels);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    events,
    sql,
    readModels,
    checkpoints: new SqlCheckpointStore(readModels),
    summary: `${config.topology}: ${config.eventStoreSummary}; read models, checkpoints, leases, dead letters, idempotency claims and names in ${config.databaseSummary}`,
    migrations,
    close,
  };
}
