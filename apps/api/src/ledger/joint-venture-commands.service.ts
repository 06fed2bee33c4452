import {
  decide,
  DomainError,
  isTerminal,
  JointVentureNotFoundError,
  type Actor,
  type JointVentureCommand,
  type JointVentureState,
} from '@app/domain';
import { WrongExpectedRevisionError } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import {
  ConcurrencyConflictError,
  RefusalError,
  NameTakenError,
  NotAPartnerStateError,
  VersionMismatchError,
} from '../problem/application-errors';
import {
  eventIdsFor,
  fingerprintOf,
  identifierFor,
  type CommandOutcome,
  type IdempotencyStore,
} from './idempotency.store';
import type { JointVentureLedger, LoadedJointVenture } from './joint-venture.ledger';
import { KeyedSerializer } from './keyed-serializer';
import type { NameRegistry } from './name-registry';

/** A command as the API hands it over: the domain command plus who, why and under what conditions. */
export type CommandRequest = Readonly<{
  jointVentureId: string;
  /** The domain command without its time: the service stamps `now`. */
  command: Omit<JointVentureCommand, 'now'>;
  actor: Actor;
  correlationId: string;
  causationId: string;
  reason?: string;
  /** From If-Match: the command applies only if the JV is at exactly this version. */
  ifMatch?: number;
  idempotencyKey?: string;
}>;

export type CommandServiceOptions = Readonly<{ conflictRetries: number; clock?: () => Date }>;

/**
 * The one path every command takes: load the stream, check the actor, decide, append with the
 * expected revision. Without If-Match a conflicting writer makes it re-read and re-decide, a
 * bounded number of times; with an Idempotency-Key a retried request gets the first outcome.
 */
export class JointVentureCommandService {
  private readonly clock: () => Date;
  /**
   * Commands on one JV run one at a time in this process. The store commits the appends of one
   * event-loop turn together, so concurrent commands on a JV would all decide against the same
   * state and all but one conflict, round after round; in turn, each decides against the state
   * the previous one left and none conflicts. Writers in other processes still can: for them
   * the re-decision below remains.
   */
  private readonly oneAtATime = new KeyedSerializer();

  constructor(
    private readonly ledger: JointVentureLedger,
    private readonly idempotency: IdempotencyStore,
    private readonly names: NameRegistry,
    private readonly options: CommandServiceOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * The id of something a command creates (a JV, an IP result): derived from the
   * Idempotency-Key when there is one, so a retried request names the same thing.
   */
  newIdentifier(
    kind: 'joint-venture' | 'ip-result',
    actor: Actor,
    idempotencyKey?: string,
  ): string {
    return idempotencyKey ? identifierFor(scopeKeyOf(actor, idempotencyKey), kind) : randomUUID();
  }

  execute(request: CommandRequest): Promise<CommandOutcome> {
    return this.oneAtATime.run(request.jointVentureId, () => this.executeAlone(request));
  }

  private async executeAlone(request: CommandRequest): Promise<CommandOutcome> {
    const now = this.clock().toISOString();
    const scopeKey = request.idempotencyKey
      ? scopeKeyOf(request.actor, request.idempotencyKey)
      : undefined;
    if (!scopeKey) return this.decideAndAppend(request, now);

    const {
      actor: _actor,
      correlationId: _c,
      causationId: _k,
      idempotencyKey: _i,
      ...significant
    } = request;
    const claim = await this.idempotency.claim(
      scopeKey,
      fingerprintOf(significant),
      request.jointVentureId,
      now,
    );
    if (claim.kind === 'completed') return claim.outcome;
    if (claim.kind === 'unfinished') {
      const landed = await this.landedBefore(scopeKey, request.jointVentureId, claim.firstRevision);
      if (landed) {
        await this.idempotency.complete(scopeKey, landed);
        return landed;
      }
    }
    try {
      const outcome = await this.decideAndAppend(request, now, scopeKey);
      await this.idempotency.complete(scopeKey, outcome);
      return outcome;
    } catch (error) {
      // Refused before anything was appended: the key may be used again with a corrected request.
      if (!isAmbiguous(error)) await this.idempotency.release(scopeKey);
      throw error;
    }
  }

  private async decideAndAppend(
    request: CommandRequest,
    now: string,
    scopeKey?: string,
  ): Promise<CommandOutcome> {
    const { jointVentureId } = request;
    const command = { ...request.command, now } as JointVentureCommand;
    let reservedName: string | undefined;
    try {
      for (let attempt = 0; ; attempt += 1) {
        const loaded = await this.ledger.load(jointVentureId);
        if (request.ifMatch !== undefined && loaded.revision !== request.ifMatch)
          throw new VersionMismatchError(request.ifMatch, loaded.revision);
        this.authorize(request.actor, command, loaded.state, jointVentureId);
        const events = decide(command, loaded.state);
        if (command.type === 'EstablishJointVenture' && reservedName === undefined) {
          await this.reserveName(command.data.name, jointVentureId, now);
          reservedName = command.data.name;
        }
        const eventIds = scopeKey
          ? eventIdsFor(scopeKey, events.length)
          : events.map(() => randomUUID());
        if (scopeKey)
          await this.idempotency.markAppending(scopeKey, nextRevision(loaded), eventIds[0]);
        try {
          const version = await this.ledger.append(jointVentureId, loaded, events, eventIds, {
            actor: request.actor,
            now,
            reason: request.reason,
            correlationId: request.correlationId,
            causationId: request.causationId,
          });
          return { id: jointVentureId, version };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          if (request.ifMatch !== undefined)
            throw new VersionMismatchError(request.ifMatch, error.actual);
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

  private authorize(
    actor: Actor,
    command: JointVentureCommand,
    state: JointVentureState,
    id: string,
  ): void {
    if (command.type !== 'EstablishJointVenture' && state.status === 'none')
      throw new JointVentureNotFoundError(id);
    const partners =
      command.type === 'EstablishJointVenture'
        ? command.data.partners
        : state.status === 'existing'
          ? state.partners
          : [];
    if (!partners.some((partner) => partner.memberState === actor.memberState))
      throw new NotAPartnerStateError(
        command.type === 'EstablishJointVenture'
          ? `a programme manager of ${actor.memberState} can establish only joint ventures with a partner from ${actor.memberState}`
          : `${actor.memberState} has no partner in joint venture ${id}`,
      );
  }

  private async reserveName(name: string, jointVentureId: string, now: string): Promise<void> {
    const reserved = await this.names.reserve(name, jointVentureId, now, async (holderId) => {
      const holder = await this.ledger.load(holderId);
      return holder.state.status === 'existing' && !isTerminal(holder.state.phase);
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
    const loaded = await this.ledger.load(jointVentureId);
    if (loaded.revision === undefined || loaded.revision < firstRevision) return undefined;
    const count = loaded.revision - firstRevision + 1;
    const expectedIds = eventIdsFor(scopeKey, count);
    const landed = await this.ledger.eventIdsFrom(jointVentureId, firstRevision, count);
    let matching = 0;
    while (matching < landed.length && landed[matching] === expectedIds[matching]) matching += 1;
    return matching > 0 ? { id: jointVentureId, version: firstRevision + matching - 1 } : undefined;
  }
}

function scopeKeyOf(actor: Actor, idempotencyKey: string): string {
  return `${actor.subject}\n${idempotencyKey}`;
}

function nextRevision(loaded: LoadedJointVenture): number {
  return loaded.revision === undefined ? 0 : loaded.revision + 1;
}

/** Errors after which we cannot tell whether the append happened (I/O, timeouts, a store crash). */
function isAmbiguous(error: unknown): boolean {
  return !(error instanceof DomainError || error instanceof RefusalError);
}
