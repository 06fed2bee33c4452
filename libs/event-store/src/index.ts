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
export * from './consumers/consumer-handler';
export * from './consumers/consumer-errors';
export * from './consumers/consumer-lease';
export * from './consumers/consumer-tables';
export * from './consumers/lease-store.port';
export * from './consumers/sql-lease-store';
export * from './consumers/dead-letter-store.port';
export * from './consumers/sql-dead-letter-store';
export * from './consumers/parking';
export * from './sql';
export * from './consumers/consumer-status';
