import type {
  CommandContext,
  JointVentureCommand,
  Proposal,
  ProposalCommand,
  ProposalStatus,
} from '@app/domain';
import { Command } from '@nestjs/cqrs';

/** A domain command as a controller hands it over: the handler stamps its time (`now`). */
export type SubmittedCommand = Omit<JointVentureCommand, 'now'>;

/**
 * A step of a proposal (approve, reject, withdraw) as a controller hands it over, shaped like a
 * command so that conditions and idempotency treat it alike; the handler adds who and when.
 */
export type SubmittedProposalStep = Readonly<{
  type: Exclude<ProposalCommand['type'], 'ProposeChange'>;
  jointVentureId: string;
  data: Readonly<{ proposalId: string; reason?: string }>;
}>;

/** Conditions a request may put on its command (HTTP `If-Match`, `Idempotency-Key`). */
export type CommandConditions = Readonly<{
  /** The command applies only if the JV is at exactly this version. */
  ifMatch?: number;
  /** A retry with the same key gets the first outcome and records nothing new. */
  idempotencyKey?: string;
}>;

/** A proposal as the API shows it: states, never subjects. */
export type ProposalView = Readonly<{
  proposalId: string;
  change: Proposal['change'];
  proposedBy: string;
  required: readonly string[];
  approved: readonly string[];
  awaiting: readonly string[];
  status: ProposalStatus;
  expiresAt: string;
  closedBecause?: string;
}>;

/**
 * What every command answers: the JV and its version after the command; with the proposal it
 * made or stepped on when it went through one (`status: 'pending'` answers 202: not applied yet).
 */
export type CommandOutcome = Readonly<{ id: string; version: number } & Partial<ProposalView>>;

const ACCEPTED = new WeakSet<CommandOutcome>();
/** The command was recorded as a proposal, not applied: HTTP answers 202 Accepted. */
export function accepted(outcome: CommandOutcome): CommandOutcome {
  ACCEPTED.add(outcome);
  return outcome;
}
export const isAccepted = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && ACCEPTED.has(body as CommandOutcome);

/** The bus message every command route sends; `ExecuteCommandHandler` is its use case. */
export class ExecuteCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: SubmittedCommand | SubmittedProposalStep,
    readonly context: CommandContext,
    readonly conditions: CommandConditions = {},
  ) {
    super();
  }
}
