import {
  DomainError,
  isTerminal,
  JointVentureNotFoundError,
  type Actor,
  type ApprovalSettings,
  type CommandOf,
  type JointVentureState,
} from '@app/domain';
import { WrongExpectedRevisionError } from '@app/event-store';
import { IntegrityAlarmError, IntegrityMonitor } from '@app/runtime';
import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LedgerMetrics } from '../metrics/metrics';
import {
  ConcurrencyConflictError,
  NameTakenError,
  NotAPartnerStateError,
  ProposalClosedError,
  RefusalError,
  VersionMismatchError,
} from '../problem/application-errors';
import type { IdempotencyStore } from './command-side/idempotency.store';
import type { NameRegistry } from './command-side/name-registry';
import { proposalView } from '../proposals/proposal-view';
import {
  accepted,
  ExecuteCommand,
  type CommandOutcome,
  type SubmittedCommand,
  type SubmittedProposalStep,
} from './execute-command';
import { decideSubmitted, isProposalStep } from './decide-submitted';
import { eventIdsFor, fingerprintOf, scopeKeyOf } from './ids';
import { JointVentureRepository, type LoadedJointVenture } from './joint-venture.repository';
import { KeyedSerializer } from './keyed-serializer';

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const NAME_REGISTRY = Symbol('NAME_REGISTRY');
export const COMMAND_OPTIONS = Symbol('COMMAND_OPTIONS');

export type CommandOptions = Readonly<{
  /** Re-decisions of a command that lost a race (without If-Match). */
  conflictRetries: number;
  /** APPROVALS, APPROVAL_RULES, PROPOSAL_TTL; absent: approvals off. */
  approvals?: ApprovalSettings;
  clock?: () => Date;
}>;

const APPROVALS_OFF: ApprovalSettings = { rules: undefined, ttlMs: 0 };

/**
 * The use case every command route runs: load the JV's stream, check the actor, decide, append
 * with the expected revision; timed and counted. Without If-Match a conflicting writer makes it
 * re-read and re-decide, a bounded number of times; with an Idempotency-Key a retried request
 * gets the first outcome and records nothing new, even after a crash between append and answer.
 */
@CommandHandler(ExecuteCommand)
export class ExecuteCommandHandler implements ICommandHandler<ExecuteCommand> {
  private readonly clock: () => Date;
  private readonly approvals: ApprovalSettings;
  /**
   * Commands on one JV run one at a time in this process. The store commits the appends of one
   * event-loop turn together, so concurrent commands on a JV would all decide against the same
   * state and all but one conflict, round after round; in turn, each decides against the state
   * the previous one left and none conflicts. Writers in other processes still can: for them the
   * re-decision below remains.
   */
  private readonly oneAtATime = new KeyedSerializer();

  constructor(
    private readonly streams: JointVentureRepository,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @Inject(NAME_REGISTRY) private readonly names: NameRegistry,
    private readonly metrics: LedgerMetrics,
    @Inject(COMMAND_OPTIONS) private readonly options: CommandOptions,
    @Optional() private readonly integrity?: IntegrityMonitor,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.approvals = options.approvals ?? APPROVALS_OFF;
  }

  execute(message: ExecuteCommand): Promise<CommandOutcome> {
    return this.metrics.observe(
      message.command.type,
      () => this.oneAtATime.run(message.command.jointVentureId, () => this.run(message)),
      {
        'jv.correlation_id': message.context.correlationId,
        'jv.joint_venture_id': message.command.jointVentureId,
      },
    );
  }

  private async run(message: ExecuteCommand): Promise<CommandOutcome> {
    const now = this.clock().toISOString();
    const { command, context, conditions } = message;
    if (!conditions.idempotencyKey) return this.decideAndAppend(message, now);

    const scopeKey = scopeKeyOf(context.actor, conditions.idempotencyKey);
    // What makes a retry the same request: the command, its reason and its If-Match.
    const { jointVentureId, type, data } = command;
    const fingerprint = fingerprintOf({
      jointVentureId,
      command: { type, data },
      reason: context.reason,
      ifMatch: conditions.ifMatch,
    });
    const claim = await this.idempotency.claim(scopeKey, fingerprint, jointVentureId, now);
    if (claim.kind === 'completed') return this.retried(claim.outcome, message, scopeKey);
    if (claim.kind === 'unfinished') {
      const landed = await this.landedBefore(scopeKey, jointVentureId, claim.firstRevision);
      if (landed) {
        await this.idempotency.complete(scopeKey, landed);
        return landed;
      }
    }
    try {
      const outcome = await this.decideAndAppend(message, now, scopeKey);
      await this.idempotency.complete(scopeKey, outcome);
      return outcome;
    } catch (error) {
      // A closing was appended: a retry answers with it.
      if (error instanceof ProposalClosedError)
        await this.idempotency.complete(scopeKey, { id: jointVentureId, version: error.version });
      // Refused before anything was appended: the key may be used again with a corrected request.
      else if (!isAmbiguous(error)) await this.idempotency.release(scopeKey);
      throw error;
    }
  }

  /** A retried command that made a proposal, or stepped on one, answers with it as it is now. */
  private async retried(
    outcome: CommandOutcome,
    { command }: ExecuteCommand,
    scopeKey: string,
  ): Promise<CommandOutcome> {
    const step = isProposalStep(command);
    if (!step && this.approvals.rules?.[command.type] === undefined) return outcome;
    const { state } = await this.streams.load(command.jointVentureId);
    if (state.status !== 'existing') return outcome;
    const proposal = state.proposals[step ? command.data.proposalId : eventIdsFor(scopeKey, 1)[0]];
    if (proposal === undefined) return outcome;
    const answer = { ...outcome, ...proposalView(proposal) };
    return step ? answer : accepted(answer);
  }

  private async decideAndAppend(
    { command: submitted, context, conditions }: ExecuteCommand,
    now: string,
    scopeKey?: string,
  ): Promise<CommandOutcome> {
    const { jointVentureId } = submitted;
    // A proposal is named by the id of its ChangeProposed event (derived from an Idempotency-Key).
    const proposalId = eventIdsFor(scopeKey, 1)[0];
    let reservedName: string | undefined;
    try {
      for (let attempt = 0; ; attempt += 1) {
        const loaded = await this.streams.load(jointVentureId);
        // Scope first: a version mismatch (412, with the current version) would disclose the JV.
        authorize(context.actor, submitted, loaded.state);
        // Nothing is appended on top of a history the integrity monitor found broken.
        this.integrity?.assertNotAffected(jointVentureId);
        if (conditions.ifMatch !== undefined && loaded.revision !== conditions.ifMatch)
          throw new VersionMismatchError(conditions.ifMatch, loaded.revision);
        const decided = decideSubmitted(
          submitted,
          context.actor,
          now,
          loaded.state,
          proposalId,
          this.approvals,
        );
        const { events } = decided;
        if (isEstablishment(submitted) && reservedName === undefined) {
          await this.reserveName(submitted.data.name, jointVentureId);
          reservedName = submitted.data.name;
        }
        const eventIds = eventIdsFor(scopeKey, events.length);
        if (decided.firstEventId !== undefined) eventIds[0] = decided.firstEventId;
        if (scopeKey) await this.idempotency.markAppending(scopeKey, nextRevision(loaded));
        try {
          const version = await this.streams.append(
            jointVentureId,
            loaded,
            events,
            eventIds,
            context,
            now,
          );
          return decided.outcome(version);
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          if (conditions.ifMatch !== undefined)
            throw new VersionMismatchError(conditions.ifMatch, error.actual);
          if (attempt >= this.options.conflictRetries)
            throw new ConcurrencyConflictError(
              'the joint venture kept changing under this command; retry it',
            );
        }
      }
    } catch (error) {
      if (reservedName !== undefined && !isAmbiguous(error))
        await this.names.release(reservedName, jointVentureId);
      throw error;
    }
  }

  private async reserveName(name: string, jointVentureId: string): Promise<void> {
    const reserved = await this.names.reserve(name, jointVentureId, async (holderId) => {
      const { state } = await this.streams.load(holderId);
      if (state.status !== 'existing') return 'unrecorded';
      return isTerminal(state.stage) ? 'ended' : 'active';
    });
    if (!reserved) throw new NameTakenError(name);
  }

  /** After a crash mid-command: did its events land? Then their outcome is the answer. */
  private async landedBefore(
    scopeKey: string,
    jointVentureId: string,
    firstRevision: number | null,
  ): Promise<CommandOutcome | undefined> {
    if (firstRevision === null) return undefined;
    const loaded = await this.streams.load(jointVentureId);
    if (loaded.revision === undefined || loaded.revision < firstRevision) return undefined;
    const count = loaded.revision - firstRevision + 1;
    const expectedIds = eventIdsFor(scopeKey, count);
    const landed = await this.streams.eventIdsFrom(jointVentureId, firstRevision, count);
    let matching = 0;
    while (matching < landed.length && landed[matching] === expectedIds[matching]) matching += 1;
    return matching > 0 ? { id: jointVentureId, version: firstRevision + matching - 1 } : undefined;
  }
}

/**
 * A programme manager acts only on JVs with a partner from their member state (the scope table,
 * `access-policy.ts`), decided against the stream itself. On any other JV the command answers
 * as for an unknown one (404): its existence is not disclosed.
 */
function authorize(
  actor: Actor,
  command: SubmittedCommand | SubmittedProposalStep,
  state: JointVentureState,
): void {
  const id = command.jointVentureId;
  if (isEstablishment(command)) {
    if (!command.data.partners.some((partner) => partner.memberState === actor.memberState))
      throw new NotAPartnerStateError(
        `a programme manager of ${actor.memberState} can establish only joint ventures with a partner from ${actor.memberState}`,
      );
    return;
  }
  if (state.status === 'none') throw new JointVentureNotFoundError(id);
  if (!state.partners.some((partner) => partner.memberState === actor.memberState))
    throw new JointVentureNotFoundError(id);
}

function isEstablishment(
  command: SubmittedCommand | SubmittedProposalStep,
): command is Omit<CommandOf<'EstablishJointVenture'>, 'now'> {
  return command.type === 'EstablishJointVenture';
}

function nextRevision(loaded: LoadedJointVenture): number {
  return loaded.revision === undefined ? 0 : loaded.revision + 1;
}

/** Errors after which we cannot tell whether the append happened (I/O, timeouts, a store crash). */
function isAmbiguous(error: unknown): boolean {
  return !(
    error instanceof DomainError ||
    error instanceof RefusalError ||
    error instanceof IntegrityAlarmError
  );
}
