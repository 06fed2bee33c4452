/**
 * Storage of the JointVentureDetails read model: the folded domain state of each JV, and the
 * change each event made to its unit totals per product code, dated by when it took effect, so
 * that totals can be summed as of any date.
 */
import { defineTable, type TablesOf } from '@app/event-store';

export const DETAILS = defineTable(
  'jv_details',
  {
    id: 'text',
    /** Revision of the last event folded in. */
    version: 'integer',
    established_at: 'text',
    updated_at: 'text',
    /**
     * JSON of the domain's `ExistingJointVenture`, folded with its own `evolve`, without its
     * `facts` (they are in `jv_facts`): the document stays small however many facts a JV records.
     */
    state: 'text',
  },
  ['id'],
);

/** One row per event and product code whose totals it changed: the differences, not the totals. */
export const UNIT_CHANGES = defineTable(
  'jv_unit_changes',
  {
    jv_id: 'text',
    revision: 'integer',
    product_code: 'text',
    /** When the event took effect (`YYYY-MM-DD`); a reversal carries its fact's date. */
    effective_on: 'text',
    produced: 'integer',
    in_service: 'integer',
    in_repair: 'integer',
    in_modernization: 'integer',
    written_off: 'integer',
    disposed: 'integer',
    upgraded: 'integer',
    repaired: 'integer',
  },
  ['jv_id', 'revision', 'product_code'],
);

/** The JV's facts (`ExistingJointVenture.facts`), one row each: read back only to fold a reversal. */
export const FACTS = defineTable(
  'jv_facts',
  {
    jv_id: 'text',
    version: 'integer',
    event_id: 'text?',
    /** JSON of the domain event. */
    event: 'text',
    /** 1 once a later fact reversed it. */
    reversed: 'integer',
  },
  ['jv_id', 'version'],
);

export const DETAILS_TABLES = [DETAILS, UNIT_CHANGES, FACTS] as const;

export type DetailsTables = TablesOf<(typeof DETAILS_TABLES)[number]>;

/** The unit totals as columns of `jv_unit_changes`, in the order the views list them. */
export const TOTAL_COLUMNS = {
  produced: 'produced',
  inService: 'in_service',
  inRepair: 'in_repair',
  inModernization: 'in_modernization',
  writtenOff: 'written_off',
  disposed: 'disposed',
  upgraded: 'upgraded',
  repaired: 'repaired',
} as const;
