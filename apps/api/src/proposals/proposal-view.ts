import { awaiting, type Proposal } from '@app/domain';
import type { ProposalView } from '../commands/execute-command';

/** A proposal as the API shows it: the states that proposed, must agree and agreed. */
export function proposalView(proposal: Proposal): ProposalView {
  return {
    proposalId: proposal.proposalId,
    change: proposal.change,
    proposedBy: proposal.proposedBy.memberState,
    required: proposal.required,
    approved: proposal.approved.map((approval) => approval.memberState),
    awaiting: awaiting(proposal),
    status: proposal.status,
    expiresAt: proposal.expiresAt,
    ...(proposal.closedBecause === undefined ? {} : { closedBecause: proposal.closedBecause }),
  };
}
