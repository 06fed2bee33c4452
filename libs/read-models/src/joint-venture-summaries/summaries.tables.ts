/** Storage of the JointVentureSummaries read model: one row per JV plus two child tables. */
import { defineTable, type RowOf, type TablesOf } from '@app/event-store';
import type { SchemaModule } from 'kysely';

export const SUMMARIES = defineTable(
  'jv_summaries',
  {
    id: 'text',
    name: 'text',
    /**
     * The name lower-cased in code for search: SQLite's lower() folds ASCII only, and JV names
     * are often Cyrillic.
     */
    search_name: 'text',
    stage: 'text',
    /** JSON array of purposes. */
    purposes: 'text',
    decision_reference: 'text',
    decision_date: 'text',
    /** recordedAt of the JV's first event, canonical ISO-8601 UTC. */
    established_at: 'text',
    updated_at: 'text',
    /** Revision of the last event applied: replays at or below it change nothing. */
    version: 'integer',
  },
  ['id'],
);

/** One row per partner: member-state filters need it, and a withdrawal names only the enterprise. */
export const SUMMARY_PARTNERS = defineTable(
  'jv_summary_partners',
  { jv_id: 'text', enterprise_code: 'text', member_state: 'text' },
  ['jv_id', 'enterprise_code'],
);

/**
 * Member states that had a partner and have none any more, with the version of the withdrawal
 * that ended their part: they keep reading the history up to it (issue 10), nothing after.
 */
export const SUMMARY_FORMER_STATES = defineTable(
  'jv_summary_former_states',
  { jv_id: 'text', member_state: 'text', until_version: 'integer' },
  ['jv_id', 'member_state'],
);

/** The JV's product lines; their unit totals are summed from `jv_unit_changes` (JointVentureDetails). */
export const SUMMARY_PRODUCTS = defineTable(
  'jv_summary_products',
  { jv_id: 'text', product_code: 'text', name: 'text' },
  ['jv_id', 'product_code'],
);

/** Parents first. */
export const SUMMARY_TABLES = [
  SUMMARIES,
  SUMMARY_PARTNERS,
  SUMMARY_PRODUCTS,
  SUMMARY_FORMER_STATES,
] as const;

export type SummaryTables = TablesOf<(typeof SUMMARY_TABLES)[number]>;
export type SummaryRow = RowOf<typeof SUMMARIES>;
export type SummaryProductRow = RowOf<typeof SUMMARY_PRODUCTS>;

export async function createSummaryIndexes(schema: SchemaModule): Promise<void> {
  // The list is ordered newest first and keyset-paginated on (established_at, id).
  await schema
    .createIndex('jv_summaries_established_idx')
    .ifNotExists()
    .on('jv_summaries')
    .columns(['established_at', 'id'])
    .execute();
  await schema
    .createIndex('jv_summaries_stage_idx')
    .ifNotExists()
    .on('jv_summaries')
    .columns(['stage', 'established_at', 'id'])
    .execute();
  await schema
    .createIndex('jv_summary_partners_state_idx')
    .ifNotExists()
    .on('jv_summary_partners')
    .columns(['member_state', 'jv_id'])
    .execute();
}
