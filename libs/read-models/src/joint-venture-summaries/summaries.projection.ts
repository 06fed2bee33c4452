/**
 * JointVentureSummaries: what the list of JVs shows and filters on (its unit totals are summed
 * from JointVentureDetails' unit changes). Every update is conditioned on the JV's last applied
 * revision, so a redelivered event changes nothing.
 */
import { stageEnteredBy, type JointVentureEstablished, type PartnerWithdrawn } from '@app/domain';
import type { Kysely } from 'kysely';
import type { ProjectedEvent, Projection } from '../projection';
import type { ReadModelDb } from '../read-model-db';
import { SUMMARY_TABLES, createSummaryIndexes } from './summaries.tables';

type Db = Kysely<ReadModelDb>;

export const jointVentureSummaries: Projection = {
  name: 'JointVentureSummaries',
  // 2: the stage instead of the phase, totals moved to the dated unit changes (issue 13).
  // 3: the member states that withdrew, for their access to the history (issue 10).
  shape: 3,
  tables: SUMMARY_TABLES,
  createIndexes: createSummaryIndexes,

  async handle(db, event) {
    if (event.type === 'JointVentureEstablished') return establish(db, event);
    if (!(await claim(db, event))) return;

    const jvId = event.jointVentureId;
    switch (event.type) {
      case 'PartnerAdmitted': {
        const { enterpriseCode, memberState } = event.data.partner;
        await db
          .insertInto('jv_summary_partners')
          .values({ jv_id: jvId, enterprise_code: enterpriseCode, member_state: memberState })
          .onConflict((oc) => oc.columns(['jv_id', 'enterprise_code']).doNothing())
          .execute();
        // A state that comes back is a partner again, with the access of one.
        await db
          .deleteFrom('jv_summary_former_states')
          .where('jv_id', '=', jvId)
          .where('member_state', '=', memberState)
          .execute();
        return;
      }
      case 'PartnerWithdrawn':
        return withdraw(db, event);
      case 'ProductLineAdded':
        await db
          .insertInto('jv_summary_products')
          .values({ jv_id: jvId, product_code: event.data.productCode, name: event.data.name })
          .onConflict((oc) => oc.columns(['jv_id', 'product_code']).doNothing())
          .execute();
        return;
      case 'DevelopmentStarted':
      case 'ProductionStarted':
      case 'DisposalStarted':
      case 'DisposalCompleted':
      case 'JointVentureDissolved':
      case 'DevelopmentMilestoneReached':
      case 'BatchProduced':
      case 'UnitsDisposed':
      case 'WorkOrderOpened':
      case 'WorkOrderProgressed':
      case 'WorkOrderCompleted':
      case 'WorkOrderCancelled':
      case 'FactReversed':
      case 'SharesReallocated':
      case 'IntellectualPropertyRegistered':
      case 'ChangeProposed':
      case 'ChangeApproved':
      case 'ChangeRejected':
      case 'ProposalWithdrawn':
      case 'ProposalClosed':
        // Stage, version and time were set by the claim; nothing else of these is listed.
        return;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

async function withdraw(db: Db, event: ProjectedEvent<PartnerWithdrawn>): Promise<void> {
  const jvId = event.jointVentureId;
  const leaving = await db
    .selectFrom('jv_summary_partners')
    .select('member_state')
    .where('jv_id', '=', jvId)
    .where('enterprise_code', '=', event.data.enterpriseCode)
    .executeTakeFirst();
  await db
    .deleteFrom('jv_summary_partners')
    .where('jv_id', '=', jvId)
    .where('enterprise_code', '=', event.data.enterpriseCode)
    .execute();
  if (leaving === undefined) return;
  const remaining = await db
    .selectFrom('jv_summary_partners')
    .select('enterprise_code')
    .where('jv_id', '=', jvId)
    .where('member_state', '=', leaving.member_state)
    .executeTakeFirst();
  if (remaining !== undefined) return;
  await db
    .insertInto('jv_summary_former_states')
    .values({ jv_id: jvId, member_state: leaving.member_state, until_version: event.revision })
    .onConflict((oc) =>
      oc.columns(['jv_id', 'member_state']).doUpdateSet({ until_version: event.revision }),
    )
    .execute();
}

async function establish(db: Db, event: ProjectedEvent<JointVentureEstablished>): Promise<void> {
  const { name, decision, purposes, partners, productLines } = event.data;
  const jvId = event.jointVentureId;
  const inserted = await db
    .insertInto('jv_summaries')
    .values({
      id: jvId,
      name,
      search_name: name.toLowerCase(),
      stage: 'established',
      purposes: JSON.stringify(purposes),
      decision_reference: decision.reference,
      decision_date: decision.date,
      established_at: event.metadata.recordedAt,
      updated_at: event.metadata.recordedAt,
      version: event.revision,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  // Already there: this is a replay, and the child rows exist too.
  if (inserted.numInsertedOrUpdatedRows === 0n) return;

  if (partners.length > 0) {
    await db
      .insertInto('jv_summary_partners')
      .values(
        partners.map((p) => ({
          jv_id: jvId,
          enterprise_code: p.enterpriseCode,
          member_state: p.memberState,
        })),
      )
      .execute();
  }
  if (productLines.length > 0) {
    await db
      .insertInto('jv_summary_products')
      .values(productLines.map((l) => ({ jv_id: jvId, product_code: l.productCode, name: l.name })))
      .execute();
  }
}

/**
 * Moves the summary to this event's revision (and stage, if it enters one); false when the
 * JV is unknown or already at or past this revision, in which case nothing else may change.
 */
async function claim(db: Db, event: ProjectedEvent): Promise<boolean> {
  const stage = stageEnteredBy(event.type);
  const result = await db
    .updateTable('jv_summaries')
    .set({
      version: event.revision,
      updated_at: event.metadata.recordedAt,
      ...(stage === undefined ? {} : { stage }),
    })
    .where('id', '=', event.jointVentureId)
    .where('version', '<', event.revision)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
