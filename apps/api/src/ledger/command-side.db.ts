import { Kysely, sql } from 'kysely';

/**
 * Tables the command side keeps beside the read models (SQLite embedded, PostgreSQL in
 * production): idempotency records and the reservation of active JV names.
 */
export type CommandSideTables = {
  idempotency_records: {
    scope_key: string;
    fingerprint: string;
    joint_venture_id: string;
    status: 'pending' | 'completed';
    /** The revision the first event of the pending append gets; checked after a crash. */
    first_revision: number | null;
    first_event_id: string | null;
    version: number | null;
    created_at: string;
  };
  jv_name_reservations: {
    name_key: string;
    joint_venture_id: string;
    reserved_at: string;
  };
};

export type CommandSideDb = Kysely<CommandSideTables>;

/** Creates the command side's tables if they are missing (dialect-neutral DDL). */
export async function migrateCommandSide(db: CommandSideDb): Promise<void> {
  await db.schema
    .createTable('idempotency_records')
    .ifNotExists()
    .addColumn('scope_key', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('joint_venture_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('first_revision', 'integer')
    .addColumn('first_event_id', 'text')
    .addColumn('version', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('jv_name_reservations')
    .ifNotExists()
    .addColumn('name_key', 'text', (c) => c.primaryKey())
    .addColumn('joint_venture_id', 'text', (c) => c.notNull())
    .addColumn('reserved_at', 'text', (c) => c.notNull())
    .execute();
  await sql`select 1`.execute(db);
}
