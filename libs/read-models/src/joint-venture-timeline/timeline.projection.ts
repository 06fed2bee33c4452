/**
 * JointVentureTimeline: how long each JV spent in each stage, for the auditors' timeline,
 * measured between the recording times of the events that entered them (each period also
 * says when its stage took effect).
 * Periods are keyed by the revision that entered them, which makes every write idempotent:
 * a replayed event finds its period already there and no older period left open.
 */
import { effectiveDateOf, stageEnteredBy } from '@app/domain';
import type { Projection } from '../projection';
import { TIMELINE_TABLES } from './timeline.tables';

export const jointVentureTimeline: Projection = {
  name: 'JointVentureTimeline',
  // 2: stages instead of phases, and when each took effect (issue 13).
  shape: 2,
  tables: TIMELINE_TABLES,
  // Looked up by primary key prefix (jv_id) only.
  createIndexes: async () => undefined,

  async handle(db, event) {
    const stage = stageEnteredBy(event.type);
    if (stage === undefined) return;
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
        stage,
        entered_on: effectiveDateOf(event),
        entered_at: at,
        left_at: null,
        duration_seconds: null,
      })
      .onConflict((oc) => oc.columns(['jv_id', 'entered_at_version']).doNothing())
      .execute();
  },
};
