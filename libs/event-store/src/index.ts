export * from './event-store.port';
export * from './errors';
export * from './hash-chain';
export { openSqlite, type OpenSqliteOptions, type SqliteSynchronous } from './sqlite/open-sqlite';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite.event-store';
export {
  InMemoryEventStore,
  type InMemoryEventStoreOptions,
} from './in-memory/in-memory.event-store';
export type { SubscriptionSettings } from './polling-subscription';
export {
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
} from './kurrentdb/kurrentdb.event-store';
export {
  kurrentDbConnectionStringProblem,
  redactConnectionString,
} from './kurrentdb/kurrentdb.connection-string';
export type { KurrentDbSubscriptionSettings } from './kurrentdb/kurrentdb.subscription';
export * from './consumers/checkpoint-store.port';
export * from './consumers/sql-checkpoint-store';
export * from './consumers/log-consumer';
export * from './sql/sqlite-kysely';
export * from './sql/table';
export * from './sql/sql-errors';
export * from './sql/sql-database';
