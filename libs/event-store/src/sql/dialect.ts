import { type Kysely, PostgresAdapter, SqliteAdapter } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Which database a Kysely instance (or transaction) talks to, for the few statements that
 * differ. Read from its dialect adapter, as Kysely's own Migrator does (`getExecutor()` is
 * marked internal in Kysely's types, and is how its migrator picks a locking strategy).
 */
export function sqlDialectOf<DB>(db: Kysely<DB>): SqlDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new TypeError(`unsupported SQL dialect: ${adapter.constructor.name}`);
}
