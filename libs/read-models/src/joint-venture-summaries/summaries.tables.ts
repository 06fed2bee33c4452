/** Storage of the JointVentureSummaries read model: one row per JV plus two child tables. */
import type { Kysely } from 'kysely';
import { columnsOf, type OwnedTable } from '../projection';
import type { ReadModelDb } from '../read-model-db';

export type SummaryRow = {
  id: string;
  name: string;
  /**
   * The name lower-cased in code for search: SQLite's lower() folds ASCII only, and JV names
   * are often Cyrillic.
   */
  search_name: string;
  phase: string;
  /** JSON array of purposes. */
  purposes: string;
  decision_reference: string;
  decision_date: string;
  /** recordedAt of the JV's first event, canonical ISO-8601 UTC. */
  established_at: string;
  updated_at: string;
  /** Revision of the last event applied: replays at or below it change nothing. */
  version: number;
};

/** One row per partner: member-state filters need it, and a withdrawal names only the enterprise. */
export type SummaryPartnerRow = {
  jv_id: string;
  enterprise_code: string;
  member_state: string;
};

export type SummaryProductRow = {
  jv_id: string;
  product_code: string;
  name: string;
  produced: number;
  modernized: number;
  repaired: number;
  disposed: number;
  in_service: number;
};

export const SUMMARY_TABLES: readonly OwnedTable[] = [
  {
    name: 'jv_summaries',
    columns: columnsOf<SummaryRow>({
      id: true,
      name: true,
      search_name: true,
      phase: true,
      purposes: true,
      decision_reference: true,
      decision_date: true,
      established_at: true,
      updated_at: true,
      version: true,
    }),
  },
  {
    name: 'jv_summary_partners',
    columns: columnsOf<SummaryPartnerRow>({
      jv_id: true,
      enterprise_code: true,
      member_state: true,
    }),
  },
  {
    name: 'jv_summary_products',
    columns: columnsOf<SummaryProductRow>({
      jv_id: true,
      product_code: true,
      name: true,
      produced: true,
      modernized: true,
      repaired: true,
      disposed: true,
      in_service: true,
    }),
  },
];

export async function createSummaryTables(db: Kysely<ReadModelDb>): Promise<void> {
  await db.schema
    .createTable('jv_summaries')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_name', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('purposes', 'text', (c) => c.notNull())
    .addColumn('decision_reference', 'text', (c) => c.notNull())
    .addColumn('decision_date', 'text', (c) => c.notNull())
    .addColumn('established_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('jv_summary_partners')
    .ifNotExists()
    .addColumn('jv_id', 'text', (c) => c.notNull())
    .addColumn('enterprise_code', 'text', (c) => c.notNull())
    .addColumn('member_state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('jv_summary_partners_pk', ['jv_id', 'enterprise_code'])
    .execute();
  let products = db.schema
    .createTable('jv_summary_products')
    .ifNotExists()
    .addColumn('jv_id', 'text', (c) => c.notNull())
    .addColumn('product_code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull());
  for (const count of ['produced', 'modernized', 'repaired', 'disposed', 'in_service'] as const) {
    products = products.addColumn(count, 'integer', (c) => c.notNull().defaultTo(0));
  }
  await products
    .addPrimaryKeyConstraint('jv_summary_products_pk', ['jv_id', 'product_code'])
    .execute();
}

export async function createSummaryIndexes(db: Kysely<ReadModelDb>): Promise<void> {
  // The list is ordered newest first and keyset-paginated on (established_at, id).
  await db.schema
    .createIndex('jv_summaries_established_idx')
    .ifNotExists()
    .on('jv_summaries')
    .columns(['established_at', 'id'])
    .execute();
  await db.schema
    .createIndex('jv_summaries_phase_idx')
    .ifNotExists()
    .on('jv_summaries')
    .columns(['phase', 'established_at', 'id'])
    .execute();
  await db.schema
    .createIndex('jv_summary_partners_state_idx')
    .ifNotExists()
    .on('jv_summary_partners')
    .columns(['member_state', 'jv_id'])
    .execute();
}
