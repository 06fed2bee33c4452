/**
 * JointVentureDetails: the detail view of one JV. It folds events with the domain's own
 * `evolve`, so partners, shares, units, work orders and IP results are computed exactly as
 * commands see them, and stores the resulting state as one JSON document per JV; beside it,
 * what each event changed in the unit totals of each product code, dated by its effect.
 */
import {
  effectiveDateOf,
  evolve,
  initialState,
  type JointVentureState,
  type Units,
} from '@app/domain';
import type { Kysely } from 'kysely';
import type { ProjectedEvent, Projection } from '../projection';
import type { ReadModelDb } from '../read-model-db';
import { DETAILS_TABLES, TOTAL_COLUMNS } from './details.tables';

export const jointVentureDetails: Projection = {
  name: 'JointVentureDetails',
  // 2: stages and work orders, per-version units, and the dated unit changes (issue 13).
  shape: 2,
  tables: DETAILS_TABLES,
  createIndexes: async (schema) => {
    await schema
      .createIndex('jv_unit_changes_effective_idx')
      .ifNotExists()
      .on('jv_unit_changes')
      .columns(['jv_id', 'effective_on'])
      .execute();
  },

  async handle(db, event) {
    const row = await db
      .selectFrom('jv_details')
      .select(['version', 'state'])
      .where('id', '=', event.jointVentureId)
      .executeTakeFirst();
    if (row !== undefined && row.version >= event.revision) return;

    const before: JointVentureState = row === undefined ? initialState() : JSON.parse(row.state);
    const after = evolve(before, event);
    // evolve ignores anything before the establishment; there is nothing to show yet.
    if (after.status !== 'existing') return;

    const at = event.metadata.recordedAt;
    if (row === undefined) {
      await db
        .insertInto('jv_details')
        .values({
          id: event.jointVentureId,
          version: event.revision,
          established_at: at,
          updated_at: at,
          state: JSON.stringify(after),
        })
        .execute();
    } else {
      await db
        .updateTable('jv_details')
        .set({ version: event.revision, updated_at: at, state: JSON.stringify(after) })
        .where('id', '=', event.jointVentureId)
        .execute();
    }
    const previous = before.status === 'existing' ? before.units : {};
    await recordUnitChanges(db, event, previous, after.units);
  },
};

type Total = keyof typeof TOTAL_COLUMNS;
const TOTALS = Object.keys(TOTAL_COLUMNS) as Total[];

/** Stores, per product code, how much the event changed each total. */
async function recordUnitChanges(
  db: Kysely<ReadModelDb>,
  event: ProjectedEvent,
  before: Units,
  after: Units,
): Promise<void> {
  const rows = Object.entries(after).flatMap(([productCode, units]) => {
    const changes = TOTALS.map((total) => units[total] - (before[productCode]?.[total] ?? 0));
    if (changes.every((change) => change === 0)) return [];
    const columns = Object.fromEntries(
      TOTALS.map((total, i) => [TOTAL_COLUMNS[total], changes[i]]),
    );
    return [
      {
        jv_id: event.jointVentureId,
        revision: event.revision,
        product_code: productCode,
        effective_on: effectiveDateOf(event),
        ...(columns as Record<(typeof TOTAL_COLUMNS)[Total], number>),
      },
    ];
  });
  if (rows.length > 0) await db.insertInto('jv_unit_changes').values(rows).execute();
}
