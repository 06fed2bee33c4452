/** An in-memory read-model database and helpers to feed and inspect projections in tests. */
import {
  createSqliteKysely,
  openSqlite,
  SqlCheckpointStore,
  type RecordedEvent,
} from '@app/event-store';
import { columnsOf } from '@app/event-store';
import type { Kysely } from 'kysely';
import { applyEvents, type Projection } from '../projection';
import { JOINT_VENTURE_PROJECTIONS, migrateReadModels } from '../projections';
import type { ReadModelDb } from '../read-model-db';

export type TestReadModels = Readonly<{
  db: Kysely<ReadModelDb>;
  checkpoints: SqlCheckpointStore<ReadModelDb>;
  close: () => Promise<void>;
}>;

/** Migrated read models on `file` (default: a private in-memory database). */
export async function openTestReadModels(file = ':memory:'): Promise<TestReadModels> {
  const database = openSqlite(file);
  const db = createSqliteKysely<ReadModelDb>(database);
  await migrateReadModels(db);
  return {
    db,
    checkpoints: new SqlCheckpointStore(db),
    close: async () => {
      await db.destroy();
      database.close();
    },
  };
}

/** Hands events straight to projections in one transaction, with no consumer or checkpoint. */
export async function project(
  db: Kysely<ReadModelDb>,
  events: readonly RecordedEvent[],
  projections: readonly Projection[] = JOINT_VENTURE_PROJECTIONS,
): Promise<void> {
  await db.transaction().execute((trx) => applyEvents(trx, projections, events));
}

/** What the projections make of `events` fed directly into fresh tables: the reference. */
export async function projectedFromScratch(
  events: readonly RecordedEvent[],
): Promise<Record<string, unknown[]>> {
  const reference = await openTestReadModels();
  try {
    await project(reference.db, events);
    return await snapshot(reference.db);
  } finally {
    await reference.close();
  }
}

/** Every row of the projections' tables, in a stable order, for before/after comparisons. */
export async function snapshot(
  db: Kysely<ReadModelDb>,
  projections: readonly Projection[] = JOINT_VENTURE_PROJECTIONS,
): Promise<Record<string, unknown[]>> {
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const tables: Record<string, unknown[]> = {};
  for (const projection of projections) {
    for (const table of projection.tables) {
      const rows = await untyped.selectFrom(table.name).select(columnsOf(table)).execute();
      tables[table.name] = rows
        .map((row) => JSON.stringify(row))
        .sort()
        .map((row) => JSON.parse(row));
    }
  }
  return tables;
}
