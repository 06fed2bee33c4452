/** Storage of the JointVentureTimeline read model: one row per stage a JV has been in. */
import { defineTable, type TablesOf } from '@app/event-store';

export const TIMELINE_PERIODS = defineTable(
  'jv_timeline_periods',
  {
    jv_id: 'text',
    /** Revision of the event that entered the stage; with jv_id it identifies the period. */
    entered_at_version: 'integer',
    stage: 'text',
    /** When the stage took effect (`YYYY-MM-DD`). */
    entered_on: 'text',
    /** When the event that entered it was recorded. */
    entered_at: 'text',
    /** Null while the JV is still in this stage. */
    left_at: 'text?',
    duration_seconds: 'double?',
  },
  ['jv_id', 'entered_at_version'],
);

export const TIMELINE_TABLES = [TIMELINE_PERIODS] as const;

export type TimelineTables = TablesOf<typeof TIMELINE_PERIODS>;
