import {
  EVENT_STORE,
  KurrentDbEventStore,
  openSqlite,
  SqliteEventStore,
  type EventStore,
  type SqliteSynchronous,
} from '@app/event-store';
import { createSqliteReadModelDb, migrateReadModels, type ReadModelDb } from '@app/read-models';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { APP_CONFIG, type AppConfig } from './app-config';

/** Kysely handle on the read-model database (with checkpoints and command-side tables). */
export const READ_MODEL_DB = Symbol('READ_MODEL_DB');
const EVENTS_CONNECTION = Symbol('EVENTS_CONNECTION');
const READ_MODEL_CONNECTION = Symbol('READ_MODEL_CONNECTION');

/** Closes what the storage module opened, after the runners and the HTTP server have stopped. */
@Injectable()
class StorageShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly readModels: Kysely<ReadModelDb>,
    @Inject(EVENTS_CONNECTION) private readonly events: Database.Database | null,
    @Inject(READ_MODEL_CONNECTION) private readonly readModelConnection: Database.Database,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.readModels.destroy();
    this.events?.close();
    this.readModelConnection.close();
  }
}

/**
 * The `synchronous` level of the read-model connection. With the events in this file, read models need no fsync of their own: each append's
 * FULL commit fsyncs the WAL up to itself, so every command-side write made before it
 * (name reservations, idempotency claims) is durable with it; read-model commits after
 * the last append may be lost to a power cut, but together with their checkpoints (one
 * transaction), so the projections replay those events. Appends stay at the configured
 * level. With the events elsewhere (KurrentDB) nothing else fsyncs this file.
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
 * The embedded default: one SQLite file holds events, read models and checkpoints. The event
 * store and the read models get a connection each, so a Kysely transaction never swallows an
 * append made meanwhile on the same connection. With EVENT_STORE=kurrentdb the events live in
 * KurrentDB instead; read models, checkpoints and command-side tables stay in the SQLite file,
 * so a projection's writes and its checkpoint still commit in one transaction.
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    const open = (
      busyTimeoutMs?: number,
      synchronous: SqliteSynchronous = config.SQLITE_SYNCHRONOUS,
    ) => openSqlite(config.databaseFile, { synchronous, busyTimeoutMs });
    const readModelSync = readModelSynchronous(config.EVENT_STORE, config.SQLITE_SYNCHRONOUS);
    return {
      module: StorageModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        // Appends wait for the lock asynchronously (SqliteEventStore's lockWaitMs), never in
        // a synchronous busy wait that would stall the projections holding it in this process.
        {
          provide: EVENTS_CONNECTION,
          useFactory: () => (config.EVENT_STORE === 'sqlite' ? open(0) : null),
        },
        { provide: READ_MODEL_CONNECTION, useFactory: () => open(undefined, readModelSync) },
        {
          provide: EVENT_STORE,
          inject: [EVENTS_CONNECTION],
          useFactory: (connection: Database.Database | null) =>
            connection === null
              ? KurrentDbEventStore.connect(config.KURRENTDB_URL as string)
              : new SqliteEventStore(connection, {
                  subscriptions: { pollIntervalMs: config.SQLITE_POLL_INTERVAL_MS },
                }),
        },
        {
          provide: READ_MODEL_DB,
          inject: [READ_MODEL_CONNECTION],
          useFactory: async (connection: Database.Database) => {
            const db = createSqliteReadModelDb(connection);
            await migrateReadModels(db);
            return db;
          },
        },
        StorageShutdown,
      ],
      exports: [APP_CONFIG, EVENT_STORE, READ_MODEL_DB],
    };
  }
}
