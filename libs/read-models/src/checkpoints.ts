/**
 * One checkpoint per projection: the global position of the last event it applied. It is
 * written in the same transaction as the projection's tables, so the two never disagree.
 */
import type { GlobalPosition } from '@app/event-store';
import type { Kysely } from 'kysely';
import type { ReadModelDb } from './read-model-db';

export type CheckpointRow = {
  name: string;
  /** Decimal string: a bigint does not fit every dialect's integer type or JSON. */
  position: string;
};

/** Creates the checkpoint table if missing. */
export async function createCheckpointTable(db: Kysely<ReadModelDb>): Promise<void> {
  await db.schema
    .createTable('projection_checkpoints')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text', (c) => c.notNull())
    .execute();
}

/** The stored checkpoint of a projection, or undefined when it has applied nothing yet. */
export async function readCheckpoint(
  db: Kysely<ReadModelDb>,
  name: string,
): Promise<GlobalPosition | undefined> {
  const row = await db
    .selectFrom('projection_checkpoints')
    .select('position')
    .where('name', '=', name)
    .executeTakeFirst();
  return row === undefined ? undefined : BigInt(row.position);
}

/** Stores a projection's checkpoint; undefined removes it (the projection starts from 0). */
export async function storeCheckpoint(
  db: Kysely<ReadModelDb>,
  name: string,
  position: GlobalPosition | undefined,
): Promise<void> {
  if (position === undefined) {
    await db.deleteFrom('projection_checkpoints').where('name', '=', name).execute();
    return;
  }
  await db
    .insertInto('projection_checkpoints')
    .values({ name, position: position.toString() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position: position.toString() }))
    .execute();
}
