/**
 * JointVenturePendingApprovals: the proposals of shared-control changes and the states whose
 * approval each awaits, so a programme manager finds what waits for their state without reading
 * every JV. Only proposal events change it; an update is conditioned on the proposal's last
 * applied revision, so a redelivered event changes nothing.
 */
import type { Kysely } from 'kysely';
import type { ProjectedEvent, Projection } from '../projection';
import type { ReadModelDb } from '../read-model-db';
import { PENDING_APPROVALS_TABLES } from './pending-approvals.tables';

type Db = Kysely<ReadModelDb>;

export const jointVenturePendingApprovals: Projection = {
  name: 'JointVenturePendingApprovals',
  shape: 1,
  tables: PENDING_APPROVALS_TABLES,
  createIndexes: async (schema) => {
    await schema
      .createIndex('jv_pending_approvals_status_idx')
      .ifNotExists()
      .on('jv_pending_approvals')
      .columns(['status', 'proposed_at'])
      .execute();
  },

  async handle(db, event) {
    switch (event.type) {
      case 'ChangeProposed': {
        const { proposalId, change, proposedBy, required, expiresAt } = event.data;
        await db
          .insertInto('jv_pending_approvals')
          .values({
            proposal_id: proposalId,
            jv_id: event.jointVentureId,
            command_type: change.type,
            proposed_by: proposedBy.memberState,
            required: JSON.stringify(required),
            awaiting: JSON.stringify(required.filter((state) => state !== proposedBy.memberState)),
            status: 'pending',
            expires_at: expiresAt,
            proposed_at: event.metadata.recordedAt,
            version: event.revision,
          })
          .onConflict((oc) => oc.column('proposal_id').doNothing())
          .execute();
        return;
      }
      case 'ChangeApproved':
        return approve(db, event);
      case 'ChangeRejected':
        return end(db, event, 'rejected');
      case 'ProposalWithdrawn':
        return end(db, event, 'withdrawn');
      case 'ProposalClosed':
        return end(db, event, 'closed');
      default:
        return;
    }
  },
};

async function approve(
  db: Db,
  event: Extract<ProjectedEvent, { type: 'ChangeApproved' }>,
): Promise<void> {
  const row = await db
    .selectFrom('jv_pending_approvals')
    .select(['awaiting', 'version'])
    .where('proposal_id', '=', event.data.proposalId)
    .executeTakeFirst();
  if (row === undefined || row.version >= event.revision) return;
  const awaiting = (JSON.parse(row.awaiting) as string[]).filter(
    (state) => state !== event.data.by.memberState,
  );
  await db
    .updateTable('jv_pending_approvals')
    .set({
      awaiting: JSON.stringify(awaiting),
      // The last approval appends the change with it (or a ProposalClosed right after it).
      ...(awaiting.length === 0 ? { status: 'applied' } : {}),
      version: event.revision,
    })
    .where('proposal_id', '=', event.data.proposalId)
    .execute();
}

async function end(
  db: Db,
  event: Extract<
    ProjectedEvent,
    { type: 'ChangeRejected' | 'ProposalWithdrawn' | 'ProposalClosed' }
  >,
  status: string,
): Promise<void> {
  await db
    .updateTable('jv_pending_approvals')
    .set({ status, awaiting: '[]', version: event.revision })
    .where('proposal_id', '=', event.data.proposalId)
    .where('version', '<', event.revision)
    .execute();
}
