import type { ColumnType, Kysely } from 'kysely';
import { EMPTY_ROOT } from '../merkle/merkle-tree';
import {
  DuplicateLeafError,
  LogAppendConflictError,
  type LogAppend,
  type LogLeaf,
  type LogState,
  type LogStore,
} from './log-store.port';
import type { Tile, TileId } from './tiles';

/** 64-bit integers: numbers on SQLite; from `pg`, strings by default or bigints as the apps parse them. */
type Int64 = ColumnType<number | string | bigint, number, number>;

export type LogTables = {
  transparency_log: { id: number; size: Int64; root: Buffer; cursor: string | null };
  transparency_tiles: { level: number; idx: Int64; hashes: Buffer };
  transparency_leaves: {
    leaf_index: Int64;
    event_id: string;
    stream_id: string;
    revision: number;
    event_hash: Buffer;
  };
  transparency_heads: { stream_id: string; leaf_index: Int64 };
};

export type LogStoreDialect = 'sqlite' | 'postgres';

/**
 * The only differences between the dialects here: the binary type, and on SQLite `integer` for
 * the leaf index so that it is the rowid (a second index of every leaf otherwise).
 */
const COLUMN_TYPES = {
  sqlite: { binary: 'blob', leafIndex: 'integer' },
  postgres: { binary: 'bytea', leafIndex: 'bigint' },
} as const;

const ROWS_PER_INSERT = 1000;
const TILES_PER_READ = 500;

/**
 * Creates the log's tables and its state row where missing; safe at every start, from any
 * number of processes.
 */
export async function migrateLogStore(
  db: Kysely<LogTables>,
  dialect: LogStoreDialect,
): Promise<void> {
  const types = COLUMN_TYPES[dialect];
  await db.schema
    .createTable('transparency_log')
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('size', 'bigint', (column) => column.notNull())
    .addColumn('root', types.binary, (column) => column.notNull())
    .addColumn('cursor', 'text')
    .execute();
  await db
    .insertInto('transparency_log')
    .values({ id: 1, size: 0, root: EMPTY_ROOT, cursor: null })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  await db.schema
    .createTable('transparency_tiles')
    .ifNotExists()
    .addColumn('level', 'integer', (column) => column.notNull())
    .addColumn('idx', 'bigint', (column) => column.notNull())
    .addColumn('hashes', types.binary, (column) => column.notNull())
    .addPrimaryKeyConstraint('transparency_tiles_pk', ['level', 'idx'])
    .execute();
  await db.schema
    .createTable('transparency_leaves')
    .ifNotExists()
    .addColumn('leaf_index', types.leafIndex, (column) => column.primaryKey())
    .addColumn('event_id', 'text', (column) => column.notNull().unique())
    .addColumn('stream_id', 'text', (column) => column.notNull())
    .addColumn('revision', 'integer', (column) => column.notNull())
    .addColumn('event_hash', types.binary, (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('transparency_leaves_stream')
    .ifNotExists()
    .on('transparency_leaves')
    .columns(['stream_id', 'leaf_index'])
    .execute();
  await db.schema
    .createTable('transparency_heads')
    .ifNotExists()
    .addColumn('stream_id', 'text', (column) => column.primaryKey())
    .addColumn('leaf_index', 'bigint', (column) => column.notNull())
    .execute();
}

/**
 * The log in SQL through Kysely, the same statements on SQLite and PostgreSQL. An append is one
 * transaction that first moves the state row from the size it was computed on (so a second
 * writer's append fails instead of interleaving), then writes tiles, leaves and heads. Given a
 * Kysely transaction, it writes inside it (a consumer commits the append with its checkpoint).
 */
export class KyselyLogStore implements LogStore {
  constructor(private readonly db: Kysely<LogTables>) {}

  async readState(): Promise<LogState> {
    const row = await this.db
      .selectFrom('transparency_log')
      .select(['size', 'root', 'cursor'])
      .where('id', '=', 1)
      .executeTakeFirst();
    if (row === undefined) throw new Error('the transparency log tables are not migrated');
    return { size: Number(row.size), root: Buffer.from(row.root), cursor: row.cursor };
  }

  async readTiles(ids: readonly TileId[]): Promise<Tile[]> {
    const tiles: Tile[] = [];
    for (let start = 0; start < ids.length; start += TILES_PER_READ) {
      const byLevel = new Map<number, number[]>();
      for (const { level, index } of ids.slice(start, start + TILES_PER_READ)) {
        const indexes = byLevel.get(level) ?? [];
        indexes.push(index);
        byLevel.set(level, indexes);
      }
      const rows = await this.db
        .selectFrom('transparency_tiles')
        .select(['level', 'idx', 'hashes'])
        .where((eb) =>
          eb.or(
            [...byLevel].map(([level, indexes]) =>
              eb.and([eb('level', '=', level), eb('idx', 'in', indexes)]),
            ),
          ),
        )
        .execute();
      for (const row of rows)
        tiles.push({ level: row.level, index: Number(row.idx), hashes: Buffer.from(row.hashes) });
    }
    return tiles;
  }

  async commitAppend(append: LogAppend): Promise<void> {
    const seen = new Set<string>();
    for (const { eventId } of append.leaves) {
      if (seen.has(eventId)) throw new DuplicateLeafError(eventId);
      seen.add(eventId);
    }
    try {
      await this.write(append);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const known = await this.knownEventId(append.leaves);
      throw known === undefined ? error : new DuplicateLeafError(known);
    }
  }

  private async write({ expectedSize, next, tiles, leaves }: LogAppend): Promise<void> {
    const inTransaction = (work: (trx: Kysely<LogTables>) => Promise<void>) =>
      this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
    await inTransaction(async (trx) => {
      const moved = await trx
        .updateTable('transparency_log')
        .set({ size: next.size, root: next.root, cursor: next.cursor })
        .where('id', '=', 1)
        .where('size', '=', expectedSize)
        .executeTakeFirst();
      if (moved.numUpdatedRows !== 1n) throw new LogAppendConflictError(expectedSize);
      for (let start = 0; start < tiles.length; start += ROWS_PER_INSERT)
        await trx
          .insertInto('transparency_tiles')
          .values(
            tiles.slice(start, start + ROWS_PER_INSERT).map((tile) => ({
              level: tile.level,
              idx: tile.index,
              hashes: tile.hashes,
            })),
          )
          .onConflict((conflict) =>
            conflict
              .columns(['level', 'idx'])
              .doUpdateSet({ hashes: (eb) => eb.ref('excluded.hashes') }),
          )
          .execute();
      for (let start = 0; start < leaves.length; start += ROWS_PER_INSERT)
        await trx
          .insertInto('transparency_leaves')
          .values(
            leaves.slice(start, start + ROWS_PER_INSERT).map((leaf) => ({
              leaf_index: leaf.leafIndex,
              event_id: leaf.eventId,
              stream_id: leaf.streamId,
              revision: leaf.revision,
              event_hash: leaf.eventHash,
            })),
          )
          .execute();
      const heads = new Map(leaves.map((leaf) => [leaf.streamId, leaf.leafIndex]));
      const rows = [...heads].map(([stream_id, leaf_index]) => ({ stream_id, leaf_index }));
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT)
        await trx
          .insertInto('transparency_heads')
          .values(rows.slice(start, start + ROWS_PER_INSERT))
          .onConflict((conflict) =>
            conflict
              .column('stream_id')
              .doUpdateSet({ leaf_index: (eb) => eb.ref('excluded.leaf_index') }),
          )
          .execute();
    });
  }

  async findLeaf(eventId: string): Promise<LogLeaf | undefined> {
    const row = await this.leaves(this.db).where('event_id', '=', eventId).executeTakeFirst();
    return row === undefined ? undefined : toLeaf(row);
  }

  async leavesFrom(from: number, limit: number): Promise<LogLeaf[]> {
    const rows = await this.leaves(this.db)
      .where('leaf_index', '>=', from)
      .orderBy('leaf_index')
      .limit(limit)
      .execute();
    return rows.map(toLeaf);
  }

  async streamLeaves(streamId: string, treeSize: number): Promise<LogLeaf[]> {
    const rows = await this.leaves(this.db)
      .where('stream_id', '=', streamId)
      .where('leaf_index', '<', treeSize)
      .orderBy('leaf_index')
      .execute();
    return rows.map(toLeaf);
  }

  /**
   * One statement, so one snapshot on both databases: for each stream, the leaf with the largest
   * index below `treeSize` (an index seek on (stream_id, leaf_index) per stream).
   */
  async headsAt(treeSize: number): Promise<LogLeaf[]> {
    const rows = await this.db
      .selectFrom('transparency_heads as h')
      .innerJoin('transparency_leaves as l', (join) =>
        join.on((eb) =>
          eb(
            'l.leaf_index',
            '=',
            eb
              .selectFrom('transparency_leaves as x')
              .select((x) => x.fn.max('x.leaf_index').as('last'))
              .whereRef('x.stream_id', '=', 'h.stream_id')
              .where('x.leaf_index', '<', treeSize),
          ),
        ),
      )
      .select(['l.leaf_index', 'l.event_id', 'l.stream_id', 'l.revision', 'l.event_hash'])
      .execute();
    return rows.map(toLeaf);
  }

  private leaves(db: Kysely<LogTables>) {
    return db
      .selectFrom('transparency_leaves')
      .select(['leaf_index', 'event_id', 'stream_id', 'revision', 'event_hash']);
  }

  /** Which of these events the log already holds, if any (after a unique-key violation). */
  private async knownEventId(leaves: readonly LogLeaf[]): Promise<string | undefined> {
    for (let start = 0; start < leaves.length; start += ROWS_PER_INSERT) {
      const ids = leaves.slice(start, start + ROWS_PER_INSERT).map((leaf) => leaf.eventId);
      const known = await this.db
        .selectFrom('transparency_leaves')
        .select('event_id')
        .where('event_id', 'in', ids)
        .executeTakeFirst();
      if (known !== undefined) return known.event_id;
    }
    return undefined;
  }
}

/** better-sqlite3's and pg's codes for a unique or primary key violation. */
const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
};

type LeafRow = Readonly<{
  leaf_index: number | string | bigint;
  event_id: string;
  stream_id: string;
  revision: number;
  event_hash: Buffer;
}>;

const toLeaf = (row: LeafRow): LogLeaf => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  revision: row.revision,
  eventHash: Buffer.from(row.event_hash),
  leafIndex: Number(row.leaf_index),
});
