/**
 * JointVentureSummaries: what the list of JVs shows and filters on. Every update is
 * conditioned on the JV's last applied revision, so a redelivered event changes nothing.
 */
import { phaseEnteredBy, type JointVentureEstablished } from '@app/domain';
import type { Kysely } from 'kysely';
import type { ProjectedEvent, Projection } from '../projection';
import type { ReadModelDb } from '../read-model-db';
import { SUMMARY_TABLES, createSummaryIndexes, type SummaryProductRow } from './summaries.tables';

type Db = Kysely<ReadModelDb>;
type UnitCount = 'produced' | 'modernized' | 'repaired' | 'disposed';

export const jointVentureSummaries: Projection = {
  name: 'JointVentureSummaries',
  tables: SUMMARY_TABLES,
  createIndexes: createSummaryIndexes,

  async handle(db, event) {
    if (event.type === 'JointVentureEstablished') return establish(db, event);
    if (!(await claim(db, event))) return;

    const jvId = event.jointVentureId;
    switch (event.type) {
      case 'BatchProduced':
        return count(db, jvId, event.data.productCode, 'produced', event.data.quantity);
      case 'ModernizationCompleted':
        return count(db, jvId, event.data.productCode, 'modernized', event.data.quantity);
      case 'RepairCompleted':
        return count(db, jvId, event.data.productCode, 'repaired', event.data.quantity);
      case 'UnitsDisposed':
        return count(db, jvId, event.data.productCode, 'disposed', event.data.quantity);
      case 'PartnerAdmitted': {
        const { enterpriseCode, memberState } = event.data.partner;
        await db
          .insertInto('jv_summary_partners')
          .values({ jv_id: jvId, enterprise_code: enterpriseCode, member_state: memberState })
          .onConflict((oc) => oc.columns(['jv_id', 'enterprise_code']).doNothing())
          .execute();
        return;
      }
      case 'PartnerWithdrawn':
        await db
          .deleteFrom('jv_summary_partners')
          .where('jv_id', '=', jvId)
          .where('enterprise_code', '=', event.data.enterpriseCode)
          .execute();
        return;
      case 'ProductLineAdded':
        await db
          .insertInto('jv_summary_products')
          .values(emptyTotals(jvId, event.data.productCode, event.data.name))
          .onConflict((oc) => oc.columns(['jv_id', 'product_code']).doNothing())
          .execute();
        return;
      case 'DevelopmentStarted':
      case 'ProductionStarted':
      case 'ModernizationStarted':
      case 'RepairStarted':
      case 'DisposalStarted':
      case 'DisposalCompleted':
      case 'JointVentureDissolved':
      case 'DevelopmentMilestoneReached':
      case 'SharesReallocated':
      case 'IntellectualPropertyRegistered':
        // Phase, version and time were set by the claim; nothing else of these is listed.
        return;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

async function establish(db: Db, event: ProjectedEvent<JointVentureEstablished>): Promise<void> {
  const { name, decision, purposes, partners, productLines } = event.data;
  const jvId = event.jointVentureId;
  const inserted = await db
    .insertInto('jv_summaries')
    .values({
      id: jvId,
      name,
      search_name: name.toLowerCase(),
      phase: 'established',
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
      .values(productLines.map((line) => emptyTotals(jvId, line.productCode, line.name)))
      .execute();
  }
}

/**
 * Moves the summary to this event's revision (and phase, if it enters one); false when the
 * JV is unknown or already at or past this revision, in which case nothing else may change.
 */
async function claim(db: Db, event: ProjectedEvent): Promise<boolean> {
  const phase = phaseEnteredBy(event.type);
  const result = await db
    .updateTable('jv_summaries')
    .set({
      version: event.revision,
      updated_at: event.metadata.recordedAt,
      ...(phase === undefined ? {} : { phase }),
    })
    .where('id', '=', event.jointVentureId)
    .where('version', '<', event.revision)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

async function count(
  db: Db,
  jvId: string,
  productCode: string,
  column: UnitCount,
  quantity: number,
): Promise<void> {
  // In service = produced - disposed, kept as a column so the list needs no arithmetic.
  const inServiceDelta = column === 'produced' ? quantity : column === 'disposed' ? -quantity : 0;
  await db
    .updateTable('jv_summary_products')
    .set((eb) => ({
      [column]: eb(eb.ref(column), '+', quantity),
      in_service: eb(eb.ref('in_service'), '+', inServiceDelta),
    }))
    .where('jv_id', '=', jvId)
    .where('product_code', '=', productCode)
    .execute();
}

function emptyTotals(jvId: string, productCode: string, name: string): SummaryProductRow {
  return {
    jv_id: jvId,
    product_code: productCode,
    name,
    produced: 0,
    modernized: 0,
    repaired: 0,
    disposed: 0,
    in_service: 0,
  };
}
