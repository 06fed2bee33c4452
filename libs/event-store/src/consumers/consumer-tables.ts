import type { SchemaModule } from 'kysely';
import { createTable } from '../sql/table';
import { DEAD_LETTERS_TABLE, type DeadLetterTables } from './sql-dead-letter-store';
import { CHECKPOINTS_TABLE, type CheckpointTables } from './sql-checkpoint-store';
import { LEASES_TABLE, type LeaseTables } from './sql-lease-store';

/** The tables consumers keep their state in: checkpoints, leases and dead letters. */
export type ConsumerTables = CheckpointTables & LeaseTables & DeadLetterTables;

/** Creates them where missing; safe to run at every start-up. */
export async function migrateConsumerTables(schema: SchemaModule): Promise<void> {
  for (const table of [CHECKPOINTS_TABLE, LEASES_TABLE, DEAD_LETTERS_TABLE]) {
    await createTable(schema, table);
  }
}
