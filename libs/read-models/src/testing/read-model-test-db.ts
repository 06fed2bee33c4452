/** An in-memory read-model database and helpers to feed and inspect projections in tests. */
import type { RecordedEvent } from '@app/event-store';
import { openSqlite } from '@app/event-store';
import type { Kysely } from 'kysely';
import { JOINT_VENTURE_PROJECTIONS, migrateReadModels } from '../migrations';
import { toProjectedEvent, type Projection } from '../projection';
import type { ReadModelDb } from '../read-model-db';
import { createSqliteReadModelDb } from '../sqlite-read-model-db';

export type TestReadModels = Readonly<{ db: Kysely<ReadModelDb>; close: () => Promise<void> }>;

/** Migrated read models on `file` (default: a private in-memory database). */
export async function openTestReadModels(file = ':memory:'): Promise<TestReadModels> {
  const database = openSqlite(file);
  const db = createSqliteReadModelDb(database);
  await migrateReadModels(db);
  return {
    db,
    close: async () => {
      await db.destroy();
      database.close();
    },
  };
}

/** Hands events straight to projections in one transaction, with no runner or checkpoint. */
export async function project(
  db: Kysely<ReadModelDb>,
  events: readonly RecordedEvent[],
  projections: readonly Projection[] = JOINT_VENTURE_PROJECTIONS,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const recordedEvent of events) {
      const event = toProjectedEvent(recordedEvent);
      if (event === undefined) continue;
      for (const projection of projections) await projection.handle(trx, event);
    }
  });
}

/** Every row of the projections' tables, in a stable order, for before/after comparisons. */
export async function snapshot(
  db: Kysely<ReadModelDb>,
  projections: readonly Projection[] = JOINT_VENTURE_PROJECTIONS,
): Promise<Record<string, unknown[]>> {
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const tables: Record<string, unknown[]> = {};
  for (const projection of projections) {
    for (const { name, columns } of projection.tables) {
      const rows = await untyped.selectFrom(name).select(columns).execute();
      tables[name] = rows
        .map((row) => JSON.stringify(row))
        .sort()
        .map((row) => JSON.parse(row));
    }
  }
  return tables;
}
