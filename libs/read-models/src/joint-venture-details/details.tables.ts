/** Storage of the JointVentureDetails read model: the folded domain state of each JV. */
import { defineTable, type TablesOf } from '@app/event-store';

export const DETAILS = defineTable(
  'jv_details',
  {
    id: 'text',
    /** Revision of the last event folded in. */
    version: 'integer',
    established_at: 'text',
    updated_at: 'text',
    /** JSON of the domain's `ExistingJointVenture`, folded with its own `evolve`. */
    state: 'text',
  },
  ['id'],
);

export const DETAILS_TABLES = [DETAILS] as const;

export type DetailsTables = TablesOf<typeof DETAILS>;
