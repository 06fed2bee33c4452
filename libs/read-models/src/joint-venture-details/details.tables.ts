/** Storage of the JointVentureDetails read model: the domain state of each JV as a document. */
import type { Kysely } from 'kysely';
import { columnsOf, type OwnedTable } from '../projection';
import type { ReadModelDb } from '../read-model-db';

export type JointVentureDetailsRow = {
  id: string;
  /** Revision of the last event folded in. */
  version: number;
  established_at: string;
  updated_at: string;
  /** JSON of the domain's `ExistingJointVenture`, folded with its own `evolve`. */
  state: string;
};

export const DETAILS_TABLES: readonly OwnedTable[] = [
  {
    name: 'jv_details',
    columns: columnsOf<JointVentureDetailsRow>({
      id: true,
      version: true,
      established_at: true,
      updated_at: true,
      state: true,
    }),
  },
];

export async function createDetailsTables(db: Kysely<ReadModelDb>): Promise<void> {
  await db.schema
    .createTable('jv_details')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('established_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
}
