import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  type DatabaseConnection,
  type SqliteDatabase,
  type Driver,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely over an open better-sqlite3 connection (usually the one file shared with the event
 * store): read models, checkpoints and command-side tables all go through it. Transactions start
 * with BEGIN IMMEDIATE: a consumer's batch reads its checkpoint and then writes, and a deferred
 * transaction that another connection overtook in between fails with SQLITE_BUSY at once instead
 * of waiting for the lock. The connection stays open when the Kysely instance is destroyed:
 * whoever opened it closes it.
 */
export function createSqliteKysely<DB>(database: BetterSqlite3.Database): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
  });
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; consumers run the same few statements
 * for every event, and preparing was a fifth of a catch-up's CPU time. Statements are kept by
 * their SQL text (least recently used dropped beyond the cap) and reused: Kysely runs one
 * query at a time on a connection and never streams here, so no statement is used twice at
 * once. SQLite re-prepares a kept statement by itself if the schema changed under it.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (statement !== undefined) {
        cache.delete(sql); // re-inserted below: most recently used last
      } else {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new ImmediateTransactionDriver(super.createDriver());
  }
}

/** Delegates to Kysely's SQLite driver except for how a transaction begins and the close. */
class ImmediateTransactionDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection();
  }

  async beginTransaction(connection: DatabaseConnection, _: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  async destroy(): Promise<void> {
    // Deliberately not closing the shared connection (see createSqliteKysely).
  }
}
