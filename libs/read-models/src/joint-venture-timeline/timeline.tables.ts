/** Storage of the JointVentureTimeline read model: one row per phase a JV has been in. */
import type { Kysely } from 'kysely';
import { columnsOf, type OwnedTable } from '../projection';
import type { ReadModelDb } from '../read-model-db';

export type TimelinePeriodRow = {
  jv_id: string;
  /** Revision of the event that entered the phase; with jv_id it identifies the period. */
  entered_at_version: number;
  phase: string;
  entered_at: string;
  /** Null while the JV is still in this phase. */
  left_at: string | null;
  duration_seconds: number | null;
};

export const TIMELINE_TABLES: readonly OwnedTable[] = [
  {
    name: 'jv_timeline_periods',
    columns: columnsOf<TimelinePeriodRow>({
      jv_id: true,
      entered_at_version: true,
      phase: true,
      entered_at: true,
      left_at: true,
      duration_seconds: true,
    }),
  },
];

export async function createTimelineTables(db: Kysely<ReadModelDb>): Promise<void> {
  await db.schema
    .createTable('jv_timeline_periods')
    .ifNotExists()
    .addColumn('jv_id', 'text', (c) => c.notNull())
    .addColumn('entered_at_version', 'integer', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('left_at', 'text')
    // Not `real`: that is single precision in PostgreSQL.
    .addColumn('duration_seconds', 'double precision')
    .addPrimaryKeyConstraint('jv_timeline_periods_pk', ['jv_id', 'entered_at_version'])
    .execute();
}
