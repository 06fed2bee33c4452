/**
 * Proposals of shared-control changes (issue 10 §2) as events, folded into the proposals of a
 * JV. A change that needs other states' agreement is proposed, approved (or rejected) once per
 * required state, and applied with the last approval; it can be withdrawn by its proposer, and
 * it lapses after its time to live.
 */
import type { JointVentureCommand } from '../joint-venture/commands';
import { DomainError } from '../joint-venture/errors';
import type { EffectiveDate } from '../joint-venture/values';

/** The change a proposal carries: the command as submitted, without its decision time. */
export type ProposedChange = Readonly<{
  type: JointVentureCommand['type'];
  data: Readonly<Record<string, unknown>>;
}>;

export type ApprovingActor = Readonly<{ subject: string; memberState: string }>;

/**
 * Proposal events are events of the JV's stream like any other: they take effect the day they
 * are recorded (`effectiveOn`), so a state as of an earlier day does not show them.
 */
type Event<Type extends string, Data> = Readonly<{
  type: Type;
  data: Readonly<Data & { effectiveOn: EffectiveDate }>;
}>;

export type ChangeProposed = Event<
  'ChangeProposed',
  {
    proposalId: string;
    change: ProposedChange;
    proposedBy: ApprovingActor;
    /** Every state that must agree, the proposer's included, sorted. */
    required: string[];
    /** After this instant it can no longer be approved (PROPOSAL_TTL after the proposal). */
    expiresAt: string;
  }
>;
export type ChangeApproved = Event<'ChangeApproved', { proposalId: string; by: ApprovingActor }>;
export type ChangeRejected = Event<
  'ChangeRejected',
  { proposalId: string; by: ApprovingActor; reason: string }
>;
export type ProposalWithdrawn = Event<'ProposalWithdrawn', { proposalId: string; reason: string }>;
/** Closed without effect: it expired, or the change no longer applied when the last state agreed. */
export type ProposalClosed = Event<
  'ProposalClosed',
  { proposalId: string; reason: 'expired' | 'no-longer-applies'; detail: string }
>;

export type ProposalEvent =
  ChangeProposed | ChangeApproved | ChangeRejected | ProposalWithdrawn | ProposalClosed;
export const PROPOSAL_EVENT_TYPES = [
  'ChangeProposed',
  'ChangeApproved',
  'ChangeRejected',
  'ProposalWithdrawn',
  'ProposalClosed',
] as const satisfies readonly ProposalEvent['type'][];

export type ProposalStatus = 'pending' | 'applied' | 'rejected' | 'withdrawn' | 'closed';

export type Proposal = Readonly<{
  proposalId: string;
  change: ProposedChange;
  proposedBy: ApprovingActor;
  required: readonly string[];
  /** States that agreed, in order, the proposer's first. */
  approved: readonly ApprovingActor[];
  expiresAt: string;
  status: ProposalStatus;
  /** Why it ended, when it ended without effect. */
  closedBecause?: string;
}>;

/** A JV's proposals by id. */
export type Proposals = Readonly<Record<string, Proposal>>;

/** States still to agree. */
export function awaiting(proposal: Proposal): string[] {
  const agreed = new Set(proposal.approved.map((a) => a.memberState));
  return proposal.required.filter((state) => !agreed.has(state));
}

export function evolveProposals(proposals: Proposals, event: ProposalEvent): Proposals {
  if (event.type === 'ChangeProposed') {
    const { proposalId, change, proposedBy, required, expiresAt } = event.data;
    return {
      ...proposals,
      [proposalId]: {
        proposalId,
        change,
        proposedBy,
        required,
        approved: [proposedBy],
        expiresAt,
        status: 'pending',
      },
    };
  }
  const proposal = proposals[event.data.proposalId];
  if (proposal === undefined) return proposals;
  const next = ((): Proposal => {
    switch (event.type) {
      case 'ChangeApproved': {
        const approved = [...proposal.approved, event.data.by];
        const complete = awaiting({ ...proposal, approved }).length === 0;
        return { ...proposal, approved, status: complete ? 'applied' : 'pending' };
      }
      case 'ChangeRejected':
        return { ...proposal, status: 'rejected', closedBecause: event.data.reason };
      case 'ProposalWithdrawn':
        return { ...proposal, status: 'withdrawn', closedBecause: event.data.reason };
      case 'ProposalClosed':
        // Closed right after its last approval: the change was not applied after all.
        return { ...proposal, status: 'closed', closedBecause: event.data.detail };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  })();
  return { ...proposals, [proposal.proposalId]: next };
}

export class ProposalNotFoundError extends DomainError {
  constructor(readonly proposalId: string) {
    super(`proposal ${proposalId} does not exist`);
  }
}

/** Why a step was refused, as the API names it. */
export type ProposalRefusal =
  'not-pending' | 'not-a-required-state' | 'already-approved' | 'not-the-proposer' | 'exists';

/** The proposal cannot take this step (already decided, not the caller's to decide, ...). */
export class ProposalRefusedError extends DomainError {
  constructor(
    readonly proposalId: string,
    readonly status: ProposalStatus,
    message: string,
    readonly refusal: ProposalRefusal,
  ) {
    super(message);
  }
}
