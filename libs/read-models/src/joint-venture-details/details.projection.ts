/**
 * JointVentureDetails: the detail view of one JV. It folds events with the domain's own
 * `evolve`, so partners, shares, units and IP results are computed exactly as commands see
 * them, and stores the resulting state as one JSON document per JV.
 */
import { evolve, initialState, type JointVentureState } from '@app/domain';
import type { Projection } from '../projection';
import { DETAILS_TABLES } from './details.tables';

export const jointVentureDetails: Projection = {
  name: 'JointVentureDetails',
  tables: DETAILS_TABLES,
  // Looked up by primary key only.
  createIndexes: async () => undefined,

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
      return;
    }
    await db
      .updateTable('jv_details')
      .set({ version: event.revision, updated_at: at, state: JSON.stringify(after) })
      .where('id', '=', event.jointVentureId)
      .execute();
  },
};
