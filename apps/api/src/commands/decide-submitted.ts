/**
 * What a submitted command or proposal step decides against a JV's state: the domain's `decide`,
 * or with APPROVALS=on `decideProposal` for the actions of the rule table and the steps on a
 * proposal. Pure, like the domain; the handler appends what it returns.
 */
import {
  decide,
  decideProposal,
  type Actor,
  type ApprovalSettings,
  type JointVentureCommand,
  type JointVentureEvent,
  type JointVentureState,
  type ProposalDecision,
} from '@app/domain';
import { ProposalClosedError } from '../problem/application-errors';
import { proposalView } from '../proposals/proposal-view';
import {
  accepted,
  type CommandOutcome,
  type SubmittedCommand,
  type SubmittedProposalStep,
} from './execute-command';

/** What a command or proposal step decided: the events, and the answer once they are appended. */
export type Decided = Readonly<{
  events: JointVentureEvent[];
  /** The id of the first event, when it must be one (a proposal is named by its ChangeProposed). */
  firstEventId?: string;
  outcome: (version: number) => CommandOutcome;
}>;

/**
 * The events of a command, of a proposal of it (APPROVALS=on, an action of the rule table that
 * needs other states' agreement), or of a step on a proposal; decided against `state`.
 */
export function decideSubmitted(
  submitted: SubmittedCommand | SubmittedProposalStep,
  { subject, memberState }: Actor,
  now: string,
  state: JointVentureState,
  proposalId: string,
  approvals: ApprovalSettings,
): Decided {
  const id = submitted.jointVentureId;
  const applied = (version: number): CommandOutcome => ({ id, version });
  const by = { subject, memberState };
  if (isProposalStep(submitted)) {
    const { proposalId: stepOn, reason = '' } = submitted.data;
    const step = { jointVentureId: id, proposalId: stepOn, by, now, reason };
    const decision = decideProposal(
      { ...step, type: submitted.type },
      state,
      state.status === 'existing' ? state.proposals : {},
      approvals,
    );
    return { events: decision.events, outcome: (version) => stepOutcome(id, version, decision) };
  }
  const command = { ...submitted, now } as JointVentureCommand;
  if (approvals.rules?.[command.type] === undefined || state.status !== 'existing')
    return { events: decide(command, state), outcome: applied };
  const decision = decideProposal(
    { type: 'ProposeChange', jointVentureId: id, proposalId, by, now, change: command },
    state,
    state.proposals,
    approvals,
  );
  const proposal = decision.proposal;
  if (decision.outcome !== 'pending' || proposal === undefined)
    return { events: decision.events, outcome: applied };
  return {
    events: decision.events,
    firstEventId: proposalId,
    outcome: (version) => accepted({ id, version, ...proposalView(proposal) }),
  };
}

const PROPOSAL_STEPS: ReadonlySet<string> = new Set([
  'ApproveProposal',
  'RejectProposal',
  'WithdrawProposal',
] satisfies SubmittedProposalStep['type'][]);

export function isProposalStep(
  command: SubmittedCommand | SubmittedProposalStep,
): command is SubmittedProposalStep {
  return PROPOSAL_STEPS.has(command.type);
}

/** A step's answer: the proposal (and the JV's version); refused when it closed the proposal. */
function stepOutcome(id: string, version: number, decision: ProposalDecision): CommandOutcome {
  const proposal = decision.proposal!;
  const closed = decision.events.find((event) => event.type === 'ProposalClosed');
  if (closed !== undefined)
    throw new ProposalClosedError(
      proposal.proposalId,
      closed.data.reason,
      closed.data.detail,
      version,
    );
  return { id, version, ...proposalView(proposal) };
}
