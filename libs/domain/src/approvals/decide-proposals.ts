/**
 * Decides the steps of a proposal against the JV's state and its proposals: pure, like
 * `decide`. The change itself is decided by `decide` when the proposal is made (a change that
 * does not apply is not proposed) and again with the last approval, against the state then; its
 * events come in the same list as that approval, so they are appended together.
 */
import type { JointVentureCommand } from '../joint-venture/commands';
import { decide } from '../joint-venture/decide';
import { DomainError, JointVentureNotFoundError } from '../joint-venture/errors';
import type { JointVentureEvent } from '../joint-venture/events';
import type { ExistingJointVenture, JointVentureState } from '../joint-venture/state';
import { requiredStates, type ApprovalRules } from './approval-rules';
import {
  awaiting,
  evolveProposals,
  PROPOSAL_EVENT_TYPES,
  ProposalNotFoundError,
  ProposalRefusedError,
  type ApprovingActor,
  type Proposal,
  type ProposalEvent,
  type ProposalRefusal,
  type ProposalStatus,
  type Proposals,
} from './proposals';

export const DEFAULT_PROPOSAL_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** `rules` undefined: APPROVALS=off, every change applies at once as before. */
export type ApprovalSettings = Readonly<{ rules: ApprovalRules | undefined; ttlMs: number }>;

type Step<Type extends string, Data = unknown> = Readonly<
  { type: Type; jointVentureId: string; proposalId: string; by: ApprovingActor; now: string } & Data
>;
export type ProposeChange = Step<'ProposeChange', { change: JointVentureCommand }>;
export type ApproveProposal = Step<'ApproveProposal'>;
export type RejectProposal = Step<'RejectProposal', { reason: string }>;
export type WithdrawProposal = Step<'WithdrawProposal', { reason: string }>;
export type ProposalCommand = ProposeChange | ApproveProposal | RejectProposal | WithdrawProposal;

export type ProposalDecision = Readonly<{
  events: JointVentureEvent[];
  /** `applied`: the change's events are in `events`; `closed`: refused, and closed saying why. */
  outcome: ProposalStatus;
  /** The proposal after these events; undefined when the change applied without one. */
  proposal?: Proposal;
  /** Why a closed proposal did not apply. */
  refusal?: string;
}>;

export function decideProposal(
  command: ProposalCommand,
  jvState: JointVentureState,
  proposals: Proposals,
  settings: ApprovalSettings,
): ProposalDecision {
  if (command.type === 'ProposeChange') return propose(command, jvState, proposals, settings);
  const proposal = proposals[command.proposalId];
  if (proposal === undefined || jvState.status !== 'existing')
    throw new ProposalNotFoundError(command.proposalId);
  if (proposal.status !== 'pending')
    throw new ProposalRefusedError(
      proposal.proposalId,
      proposal.status,
      `proposal ${proposal.proposalId} is ${proposal.status}, no longer pending`,
      'not-pending',
    );
  switch (command.type) {
    case 'ApproveProposal':
      return approve(command, proposal, jvState, proposals);
    case 'RejectProposal':
      return reject(command, proposal, proposals);
    case 'WithdrawProposal':
      if (!sameActor(command.by, proposal.proposedBy))
        throw refused(proposal, 'only its proposer may withdraw a proposal', 'not-the-proposer');
      return closing(proposals, proposal, [
        {
          type: 'ProposalWithdrawn',
          data: {
            proposalId: proposal.proposalId,
            reason: command.reason,
            effectiveOn: dayOf(command.now),
          },
        },
      ]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function propose(
  command: ProposeChange,
  jvState: JointVentureState,
  proposals: Proposals,
  { rules, ttlMs }: ApprovalSettings,
): ProposalDecision {
  const { change, by, now, proposalId } = command;
  // The change must apply now to be proposed: the same errors as the command alone.
  const events = decide(change, jvState);
  if (jvState.status !== 'existing') throw new JointVentureNotFoundError(change.jointVentureId);
  const required =
    rules === undefined ? [] : requiredStates(change, jvState, rules, by.memberState);
  if (required.length === 0) return { events, outcome: 'applied' };
  if (proposals[proposalId] !== undefined)
    throw new ProposalRefusedError(
      proposalId,
      proposals[proposalId].status,
      `proposal ${proposalId} exists`,
      'exists',
    );
  const proposed: ProposalEvent = {
    type: 'ChangeProposed',
    data: {
      proposalId,
      change: { type: change.type, data: change.data },
      proposedBy: by,
      required,
      expiresAt: new Date(Date.parse(now) + ttlMs).toISOString(),
      effectiveOn: dayOf(now),
    },
  };
  return closing(proposals, undefined, [proposed], proposalId);
}

function approve(
  command: ApproveProposal,
  proposal: Proposal,
  jv: ExistingJointVenture,
  proposals: Proposals,
): ProposalDecision {
  const expired = lapse(command, proposal, proposals);
  if (expired) return expired;
  const { by } = command;
  if (!proposal.required.includes(by.memberState))
    throw refused(
      proposal,
      `${by.memberState} is not one of the states that must approve (${proposal.required.join(', ')})`,
      'not-a-required-state',
    );
  if (proposal.approved.some((a) => a.subject === by.subject))
    throw refused(proposal, `${by.subject} has approved this proposal already`, 'already-approved');
  if (!awaiting(proposal).includes(by.memberState))
    throw refused(
      proposal,
      `${by.memberState} has approved this proposal already`,
      'already-approved',
    );

  const approval: ProposalEvent = {
    type: 'ChangeApproved',
    data: { proposalId: proposal.proposalId, by, effectiveOn: dayOf(command.now) },
  };
  if (awaiting(proposal).length > 1) return closing(proposals, proposal, [approval]);
  const change = {
    type: proposal.change.type,
    jointVentureId: command.jointVentureId,
    data: proposal.change.data,
    now: command.now,
  } as JointVentureCommand;
  try {
    return closing(proposals, proposal, [approval, ...decide(change, jv)]);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const closed: ProposalEvent = {
      type: 'ProposalClosed',
      data: {
        proposalId: proposal.proposalId,
        reason: 'no-longer-applies',
        detail: error.message,
        effectiveOn: dayOf(command.now),
      },
    };
    return { ...closing(proposals, proposal, [approval, closed]), refusal: error.message };
  }
}

function reject(
  command: RejectProposal,
  proposal: Proposal,
  proposals: Proposals,
): ProposalDecision {
  const expired = lapse(command, proposal, proposals);
  if (expired) return expired;
  if (!awaiting(proposal).includes(command.by.memberState))
    throw refused(
      proposal,
      `${command.by.memberState} is not a state whose approval is awaited`,
      proposal.required.includes(command.by.memberState)
        ? 'already-approved'
        : 'not-a-required-state',
    );
  return closing(proposals, proposal, [
    {
      type: 'ChangeRejected',
      data: {
        proposalId: proposal.proposalId,
        by: command.by,
        reason: command.reason,
        effectiveOn: dayOf(command.now),
      },
    },
  ]);
}

/** An expired proposal is closed instead of decided on. */
function lapse(
  command: ApproveProposal | RejectProposal,
  proposal: Proposal,
  proposals: Proposals,
): ProposalDecision | undefined {
  if (Date.parse(command.now) <= Date.parse(proposal.expiresAt)) return undefined;
  const detail = `the proposal expired at ${proposal.expiresAt}`;
  const closed: ProposalEvent = {
    type: 'ProposalClosed',
    data: {
      proposalId: proposal.proposalId,
      reason: 'expired',
      detail,
      effectiveOn: dayOf(command.now),
    },
  };
  return { ...closing(proposals, proposal, [closed]), refusal: detail };
}

/** The decision: the events, and the proposal (and outcome) they lead to. */
function closing(
  proposals: Proposals,
  proposal: Proposal | undefined,
  events: JointVentureEvent[],
  id = proposal?.proposalId,
): ProposalDecision {
  const after = events.filter(isProposalEvent).reduce(evolveProposals, proposals);
  const next = after[id!];
  return { events, outcome: next.status, proposal: next };
}

export function isProposalEvent(event: JointVentureEvent): event is ProposalEvent {
  return (PROPOSAL_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** Proposal steps take effect the day they are decided (UTC). */
const dayOf = (now: string) => new Date(now).toISOString().slice(0, 10);

const sameActor = (a: ApprovingActor, b: ApprovingActor) =>
  a.subject === b.subject && a.memberState === b.memberState;

const refused = (proposal: Proposal, message: string, refusal: ProposalRefusal) =>
  new ProposalRefusedError(proposal.proposalId, proposal.status, message, refusal);
