/**
 * JointVentureTimeline: how long each JV spent in each phase, for the auditors' timeline.
 * Periods are keyed by the revision that entered them, which makes every write idempotent:
 * a replayed event finds its period already there and no older period left open.
 */
import { phaseEnteredBy } from '@app/domain';
import type { Projection } from '../projection';
import { TIMELINE_TABLES } from './timeline.tables';

export const jointVentureTimeline: Projection = {
  name: 'JointVentureTimeline',
  tables: TIMELINE_TABLES,
  // Looked up by primary key prefix (jv_id) only.
  createIndexes: async () => undefined,

  async handle(db, event) {
    const phase = phaseEnteredBy(event.type);
    if (phase === undefined) return;
    const jvId = event.jointVentureId;
    const at = event.metadata.recordedAt;

    const open = await db
      .selectFrom('jv_timeline_periods')
      .select(['entered_at_version', 'entered_at'])
      .where('jv_id', '=', jvId)
      .where('left_at', 'is', null)
      .where('entered_at_version', '<', event.revision)
      .executeTakeFirst();
    if (open !== undefined) {
      await db
        .updateTable('jv_timeline_periods')
        .set({
          left_at: at,
          duration_seconds: (Date.parse(at) - Date.parse(open.entered_at)) / 1000,
        })
        .where('jv_id', '=', jvId)
        .where('entered_at_version', '=', open.entered_at_version)
        .execute();
    }
    await db
      .insertInto('jv_timeline_periods')
      .values({
        jv_id: jvId,
        entered_at_version: event.revision,
        phase,
        entered_at: at,
        left_at: null,
        duration_seconds: null,
      })
      .onConflict((oc) => oc.columns(['jv_id', 'entered_at_version']).doNothing())
      .execute();
  },
};
