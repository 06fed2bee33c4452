/**
 * Rebuilds read models from the event store: replays the whole joint-venture log into fresh
 * tables, then swaps their contents into the live tables in one write transaction. Readers
 * see the old read models until that commit and the new ones after it, never a half-built one.
 */
import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  columnsOf,
  createTable,
  type CheckpointStore,
  type EventReader,
  type GlobalPosition,
  type RecordedEvent,
} from '@app/event-store';
import { sql, type Kysely } from 'kysely';
import { applyEvents, type Projection } from '../projection';
import { JOINT_VENTURE_PROJECTIONS } from '../projections';
import type { ReadModelDb } from '../read-model-db';
import type { RebuildSpace } from './rebuild-space';

export type RebuildProjectionsOptions = Readonly<{
  db: Kysely<ReadModelDb>;
  /** The projections' checkpoint store over `db`: the swap sets their checkpoints. */
  checkpoints: CheckpointStore<Kysely<ReadModelDb>>;
  events: Pick<EventReader, 'readAll'>;
  space: RebuildSpace;
  /** Default: every joint-venture projection. */
  projections?: readonly Projection[];
  /** Events per replay transaction (default 500). */
  batchSize?: number;
  /**
   * Checks the log as it is replayed, page by page in order, and once at its end; a rejection
   * stops the rebuild before anything is swapped in (the live read models stay as they were).
   * The apps pass the integrity verifier, so read models are never built from tampered events.
   */
  verify?: RebuildVerification;
  /** Hears the number of events replayed so far, after every batch. */
  onProgress?: (replayed: number) => void;
}>;

export type RebuildVerification = Readonly<{
  page(events: readonly RecordedEvent[]): Promise<void>;
  end(): Promise<void>;
}>;

export type RebuildReport = Readonly<{
  eventsReplayed: number;
  /** The checkpoint every rebuilt projection now holds; null when the log is empty. */
  position: string | null;
  projections: readonly Readonly<{ name: string; rows: Readonly<Record<string, number>> }>[];
}>;

/** Only for copying tables by name; the projections stay fully typed. */
type UntypedDb = Kysely<Record<string, Record<string, unknown>>>;

/**
 * Safe beside live consumers, in this process or another one on the same database: each
 * re-reads its checkpoint inside its batch transaction, so it skips whatever the rebuild's
 * swap already covered and carries on from there.
 */
export async function rebuildProjections(
  options: RebuildProjectionsOptions,
): Promise<RebuildReport> {
  const { db, space } = options;
  const projections = options.projections ?? JOINT_VENTURE_PROJECTIONS;
  const replay = new Replay(
    options.events,
    projections,
    space.schema,
    options.batchSize ?? 500,
    options.verify,
    options.onProgress,
  );

  await space.open(db);
  try {
    const scratch = db.withSchema(space.schema).schema;
    for (const projection of projections) {
      for (const table of projection.tables) await createTable(scratch, table);
    }

    // A plain BEGIN, not the write lock: the batch writes only the scratch tables, and a
    // deferred SQLite transaction locks only the files it writes, so live writers go on.
    let more = true;
    while (more) {
      more = await db.connection().execute((conn) => inPlainTransaction(conn, replay.batch));
    }

    return await db.transaction().execute(async (trx) => {
      await space.holdLiveWriters(
        trx,
        projections.flatMap((projection) => projection.tables.map((table) => table.name)),
      );
      // Catch up with what was appended during the replay. On SQLite this transaction holds
      // the write lock (on PostgreSQL, `holdLiveWriters` locks the live tables and checkpoints),
      // so nothing commits meanwhile, and since a live consumer only checkpoints
      // events committed before that, the head read here is at or past every live checkpoint.
      more = true;
      while (more) more = await replay.batch(trx);
      await options.verify?.end();
      const report: { name: string; rows: Record<string, number> }[] = [];
      for (const projection of projections) {
        report.push({ name: projection.name, rows: await swap(trx, space.schema, projection) });
        if (replay.position === undefined) await options.checkpoints.reset(projection.name, trx);
        else await options.checkpoints.store(projection.name, replay.position, trx);
      }
      return {
        eventsReplayed: replay.count,
        position: replay.position?.toString() ?? null,
        projections: report,
      };
    });
  } finally {
    await space.close(db);
  }
}

/** Pages through the log from position 0, applying every event to every scratch projection. */
class Replay {
  position: GlobalPosition | undefined;
  count = 0;

  constructor(
    private readonly events: Pick<EventReader, 'readAll'>,
    private readonly projections: readonly Projection[],
    private readonly schema: string,
    private readonly batchSize: number,
    private readonly verify: RebuildVerification | undefined,
    private readonly onProgress?: (replayed: number) => void,
  ) {}

  /** Applies the next page inside `db`'s transaction; false once the log is exhausted. */
  readonly batch = async (db: Kysely<ReadModelDb>): Promise<boolean> => {
    const page = await this.events.readAll({
      after: this.position,
      maxCount: this.batchSize,
      streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
    });
    await this.verify?.page(page);
    await applyEvents(db.withSchema(this.schema), this.projections, page);
    if (page.length > 0) this.position = page[page.length - 1].position;
    this.count += page.length;
    if (page.length > 0) this.onProgress?.(this.count);
    return page.length > 0;
  };
}

async function inPlainTransaction<T>(
  conn: Kysely<ReadModelDb>,
  work: (db: Kysely<ReadModelDb>) => Promise<T>,
): Promise<T> {
  await sql`begin`.execute(conn);
  try {
    const result = await work(conn);
    await sql`commit`.execute(conn);
    return result;
  } catch (error) {
    await sql`rollback`.execute(conn);
    throw error;
  }
}

/** Replaces the live tables' rows with the rebuilt ones; returns the row count per table. */
async function swap(
  trx: Kysely<ReadModelDb>,
  schema: string,
  projection: Projection,
): Promise<Record<string, number>> {
  const live = trx as unknown as UntypedDb;
  const fresh = trx.withSchema(schema) as unknown as UntypedDb;
  for (const table of [...projection.tables].reverse()) await live.deleteFrom(table.name).execute();
  const rows: Record<string, number> = {};
  for (const table of projection.tables) {
    const columns = columnsOf(table);
    // Columns by name: a live table altered by a later migration may order them differently.
    await live
      .insertInto(table.name)
      .columns(columns)
      .expression(fresh.selectFrom(table.name).select(columns))
      .execute();
    const { n } = await live
      .selectFrom(table.name)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    rows[table.name] = Number(n);
  }
  return rows;
}
