/** Storage of the JointVenturePendingApprovals read model: one row per proposal of a JV. */
import { defineTable, type TablesOf } from '@app/event-store';

export const PENDING_APPROVALS = defineTable(
  'jv_pending_approvals',
  {
    proposal_id: 'text',
    jv_id: 'text',
    /** The command proposed (`DissolveJointVenture`). */
    command_type: 'text',
    proposed_by: 'text',
    /** JSON arrays of member states: every state that must agree, and those still to agree. */
    required: 'text',
    awaiting: 'text',
    /** `pending` until it is applied, rejected, withdrawn or closed. */
    status: 'text',
    expires_at: 'text',
    proposed_at: 'text',
    /** Revision of the last event applied to this proposal: a replayed one changes nothing. */
    version: 'integer',
  },
  ['proposal_id'],
);

export const PENDING_APPROVALS_TABLES = [PENDING_APPROVALS] as const;

export type PendingApprovalsTables = TablesOf<typeof PENDING_APPROVALS>;
