/**
 * Where a rebuild builds its fresh tables before they replace the live ones: a namespace the
 * same Kysely instance reaches through `withSchema(schema)`. SQLite attaches a scratch file
 * under that schema name; PostgreSQL creates (and drops) a schema of that name.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { ReadModelDb } from '../read-model-db';

export interface RebuildSpace {
  /** The name `withSchema` uses to reach the fresh tables. */
  readonly schema: string;
  /** Creates the empty namespace. */
  open(db: Kysely<ReadModelDb>): Promise<void>;
  /** Removes the namespace and everything in it; also safe after a failed `open`. */
  close(db: Kysely<ReadModelDb>): Promise<void>;
  /**
   * Inside the switching transaction, before it catches up: keeps live consumers from committing
   * until it ends (their last writes wait or are already in), while readers go on.
   */
  holdLiveWriters(trx: Kysely<ReadModelDb>, liveTables: readonly string[]): Promise<void>;
}

export type SqliteRebuildSpaceOptions = Readonly<{
  /** Directory for the scratch file (default: the OS temp directory). */
  directory?: string;
  schema?: string;
}>;

/**
 * A scratch SQLite file ATTACHed to the read models' connection. The file gets a fresh
 * random name, so a crashed earlier rebuild can never leak stale rows into this one.
 */
export function sqliteRebuildSpace(options: SqliteRebuildSpaceOptions = {}): RebuildSpace {
  const schema = options.schema ?? 'rebuild';
  const file = join(options.directory ?? tmpdir(), `read-models-rebuild-${randomUUID()}.db`);
  return {
    schema,
    async open(db) {
      await sql`attach database ${file} as ${sql.id(schema)}`.execute(db);
      // Scratch data: after a crash the rebuild starts over, so it needs no fsync.
      await sql`pragma ${sql.id(schema)}.synchronous = off`.execute(db);
    },
    async close(db) {
      const { rows } = await sql<{ name: string }>`pragma database_list`.execute(db);
      if (rows.some((row) => row.name === schema)) {
        await sql`detach database ${sql.id(schema)}`.execute(db);
      }
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
    // The switching transaction holds SQLite's write lock already: nobody else commits.
    holdLiveWriters: async () => undefined,
  };
}

/**
 * A schema of its own in the read models' PostgreSQL database. Its name is fixed, and `open`
 * drops whatever an interrupted earlier rebuild left in it, so a rerun starts clean.
 */
export function postgresRebuildSpace(schema = 'jv_rebuild'): RebuildSpace {
  return {
    schema,
    async open(db) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await sql`create schema ${sql.id(schema)}`.execute(db);
    },
    async close(db) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    },
    async holdLiveWriters(trx, liveTables) {
      // EXCLUSIVE lets readers (queries) on, and waits for the consumer transactions under way.
      // The checkpoints last: a consumer writes its tables first and its checkpoint at the end,
      // so one holding a live table is never left waiting on a lock this one took before.
      const tables = [...liveTables, 'consumer_checkpoints'].map((name) => sql.id(name));
      await sql`lock table ${sql.join(tables)} in exclusive mode`.execute(trx);
    },
  };
}
