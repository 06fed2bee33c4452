/**
 * Which shape of each projection's tables a database holds. A projection whose tables or
 * meaning change says so by a new `shape`; the database is then brought to it by dropping
 * the old tables and checkpoint, so the projection rebuilds them from the log at its next start.
 */
import {
  createTable,
  defineTable,
  type ConsumerTables,
  type TableDefinition,
  type TablesOf,
} from '@app/event-store';
import type { Kysely } from 'kysely';

export const READ_MODEL_SHAPES = defineTable(
  'read_model_shapes',
  { projection: 'text', shape: 'integer' },
  ['projection'],
);

export type ShapeTables = TablesOf<typeof READ_MODEL_SHAPES>;

type Db = Kysely<ShapeTables & ConsumerTables>;
type Shaped = Readonly<{ name: string; shape: number; tables: readonly TableDefinition[] }>;

/**
 * Creates the projection's tables; when the database held another shape of them (or tables
 * from before shapes were recorded), drops those first and forgets the projection's checkpoint.
 */
export async function migrateProjectionTables(db: Db, projection: Shaped): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const stored = await trx
      .selectFrom('read_model_shapes')
      .select('shape')
      .where('projection', '=', projection.name)
      .executeTakeFirst();
    if (stored !== undefined && Number(stored.shape) === projection.shape) {
      for (const table of projection.tables) await createTable(trx.schema, table);
      return;
    }
    for (const table of [...projection.tables].reverse())
      await trx.schema.dropTable(table.name).ifExists().execute();
    await trx.deleteFrom('consumer_checkpoints').where('consumer', '=', projection.name).execute();
    // Its dead letters were failures of the old code on the old tables: the rebuild meets them anew.
    await trx.deleteFrom('consumer_dead_letters').where('consumer', '=', projection.name).execute();
    for (const table of projection.tables) await createTable(trx.schema, table);
    await trx
      .insertInto('read_model_shapes')
      .values({ projection: projection.name, shape: projection.shape })
      .onConflict((oc) => oc.column('projection').doUpdateSet({ shape: projection.shape }))
      .execute();
  });
}

export async function migrateShapes(db: Db): Promise<void> {
  await createTable(db.schema, READ_MODEL_SHAPES);
}
