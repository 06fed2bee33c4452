/**
 * Tables the command side keeps beside the read models (in the same SQL database): idempotency
 * claims and the reservation of active JV names.
 */
import { createTable, defineTable, type TablesOf } from '@app/event-store';
import type { Kysely } from 'kysely';

export const IDEMPOTENCY_CLAIMS = defineTable(
  'idempotency_records',
  {
    scope_key: 'text',
    fingerprint: 'text',
    joint_venture_id: 'text',
    /** `pending` until the command's append is answered, then `completed`. */
    status: 'text',
    /** The revision the first event of the pending append gets; checked after a crash. */
    first_revision: 'integer?',
    version: 'integer?',
    created_at: 'text',
  },
  ['scope_key'],
);

export const NAME_RESERVATIONS = defineTable(
  'jv_name_reservations',
  {
    name_key: 'text',
    joint_venture_id: 'text',
    /** When the holder reserved it: until its lease is over, an unrecorded holder is in flight. */
    claimed_at: 'text?',
  },
  ['name_key'],
);

export type CommandSideTables = TablesOf<typeof IDEMPOTENCY_CLAIMS | typeof NAME_RESERVATIONS>;

/** Columns that earlier versions wrote and nothing ever read. */
const DROPPED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  idempotency_records: ['first_event_id'],
  jv_name_reservations: ['reserved_at'],
};

/** Creates the command side's tables if they are missing (dialect-neutral DDL). */
export async function migrateCommandSide(db: Kysely<CommandSideTables>): Promise<void> {
  await createTable(db.schema, IDEMPOTENCY_CLAIMS);
  await createTable(db.schema, NAME_RESERVATIONS);
  for (const table of await db.introspection.getTables()) {
    for (const column of DROPPED_COLUMNS[table.name] ?? []) {
      if (table.columns.some((c) => c.name === column))
        await db.schema.alterTable(table.name).dropColumn(column).execute();
    }
  }
}
