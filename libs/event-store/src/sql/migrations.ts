import { type Kysely, type Migration, type MigrationResult, Migrator, sql } from 'kysely';
import { sqlDialectOf } from './dialect';

/**
 * The versioned schema of one component (read models, command side, leases...): migrations in
 * code, named `NNNN_what_it_does`, applied in name order, each once. A migration, once released,
 * is never edited; a change is a new migration.
 */
export type MigrationSet = Readonly<{
  /** Names the bookkeeping tables `<name>_migrations` and `<name>_migrations_lock`. */
  name: string;
  migrations: Readonly<Record<string, Migration>>;
}>;

export type MigrationReport = Readonly<{
  /** Migrations this call applied, in order (empty when the schema was already current). */
  applied: string[];
}>;

export type MigrateOptions = Readonly<{
  /**
   * SQLite: how long to keep trying for the write lock another process holds (ms, default
   * 60000). PostgreSQL waits on its advisory lock (bounded by the connection's timeouts).
   */
  lockTimeoutMs?: number;
}>;

/** A migration failed; nothing of this run was kept. */
export class MigrationError extends Error {
  constructor(
    readonly set: string,
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(
      `migrations "${set}"${migration ? `, ${migration}` : ''} failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

const SET_NAME = /^[a-z][a-z0-9_]{0,40}$/;
const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+$/;

/**
 * Brings `db` to the latest migration of `set`, safely while other processes do the same at
 * start-up: whoever comes first applies what is pending, the others wait and then find nothing
 * to do. All pending migrations apply in one transaction: all or none.
 *
 * Over Kysely's own Migrator (its in-code provider). On PostgreSQL the Migrator holds an
 * advisory lock and one transaction (DDL is transactional there). On SQLite the Migrator takes
 * no lock and opens no transaction, so two processes could both apply a migration and a
 * failed one would stay half done: here it runs inside BEGIN IMMEDIATE, which holds SQLite's
 * single write lock for the whole run (SQLite's DDL is transactional too).
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  set: MigrationSet,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  checkNames(set);
  if (sqlDialectOf(db) === 'postgres')
    return report(set, await migrator(db, set).migrateToLatest());
  return sqliteExclusive(db, set, options.lockTimeoutMs ?? 60_000);
}

function migrator<DB>(db: Kysely<DB>, set: MigrationSet): Migrator {
  return new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => ({ ...set.migrations }) },
    migrationTableName: `${set.name}_migrations`,
    migrationLockTableName: `${set.name}_migrations_lock`,
  });
}

async function sqliteExclusive<DB>(
  db: Kysely<DB>,
  set: MigrationSet,
  lockTimeoutMs: number,
): Promise<MigrationReport> {
  const deadline = Date.now() + lockTimeoutMs;
  return db.connection().execute(async (connection) => {
    // BEGIN IMMEDIATE waits the connection's busy_timeout for the lock; beyond that, keep trying.
    for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
      try {
        await sql`begin immediate`.execute(connection);
        break;
      } catch (error) {
        const busy = String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');
        if (!busy || Date.now() > deadline) {
          throw new MigrationError(set.name, undefined, error);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    try {
      const result = report(set, await migrator(connection, set).migrateToLatest());
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

function report(
  set: MigrationSet,
  outcome: { error?: unknown; results?: MigrationResult[] },
): MigrationReport {
  if (outcome.error !== undefined) {
    const failed = outcome.results?.find((result) => result.status === 'Error');
    throw new MigrationError(set.name, failed?.migrationName, outcome.error);
  }
  return {
    applied: (outcome.results ?? [])
      .filter((result) => result.status === 'Success')
      .map((result) => result.migrationName),
  };
}

function checkNames(set: MigrationSet): void {
  if (!SET_NAME.test(set.name)) {
    throw new TypeError(`migration set name "${set.name}" must match ${SET_NAME}`);
  }
  const bad = Object.keys(set.migrations).filter((name) => !MIGRATION_NAME.test(name));
  if (bad.length > 0) {
    throw new TypeError(`migration names must look like 0001_create_tables: ${bad.join(', ')}`);
  }
}
