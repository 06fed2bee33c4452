import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { v5 as uuidv5 } from 'uuid';
import {
  IdempotencyKeyConflictError,
  IdempotencyKeyInProgressError,
} from '../problem/application-errors';
import { isUniqueViolation, type CommandSideDb } from './command-side.db';

/** Namespace for event ids derived from an Idempotency-Key (any fixed UUID works; this one is ours). */
const EVENT_ID_NAMESPACE = '3c9a1f52-7d0e-4f6b-9a57-2b1f0c8e6d41';

export type CommandOutcome = Readonly<{ id: string; version: number }>;

export type IdempotencyClaim =
  | Readonly<{ kind: 'new' }>
  | Readonly<{ kind: 'completed'; outcome: CommandOutcome }>
  /** A previous attempt crashed after claiming: it may or may not have appended. */
  | Readonly<{
      kind: 'unfinished';
      firstRevision: number | null;
      firstEventId: string | null;
      jointVentureId: string;
    }>;

export function fingerprintOf(request: unknown): string {
  return createHash('sha256')
    .update(canonicalize(request) ?? '')
    .digest('hex');
}

/** The same key always yields the same event ids, so a retried append is a no-op in the store. */
export function eventIdsFor(scopeKey: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    uuidv5(`${scopeKey}#${index}`, EVENT_ID_NAMESPACE),
  );
}

/** Derives a stable id for what a keyed command creates, so a retry names the same thing. */
export function identifierFor(scopeKey: string, kind: string): string {
  return uuidv5(`${scopeKey}#${kind}`, EVENT_ID_NAMESPACE);
}

/**
 * Remembers what a command sent with an Idempotency-Key produced. A claim is written before
 * the append and completed after it; a claim left unfinished by a crash is resolved by looking
 * at the stream (did the first derived event id land?).
 */
export class IdempotencyStore {
  constructor(
    private readonly db: CommandSideDb,
    /** A pending claim younger than this is taken to be still running elsewhere, not crashed. */
    private readonly leaseMs: number,
  ) {}

  async claim(
    scopeKey: string,
    fingerprint: string,
    jointVentureId: string,
    now: string,
  ): Promise<IdempotencyClaim> {
    try {
      await this.db
        .insertInto('idempotency_records')
        .values({
          scope_key: scopeKey,
          fingerprint,
          joint_venture_id: jointVentureId,
          status: 'pending',
          first_revision: null,
          first_event_id: null,
          version: null,
          created_at: now,
        })
        .execute();
      return { kind: 'new' };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const record = await this.db
      .selectFrom('idempotency_records')
      .selectAll()
      .where('scope_key', '=', scopeKey)
      .executeTakeFirstOrThrow();
    if (record.fingerprint !== fingerprint)
      throw new IdempotencyKeyConflictError(
        'this Idempotency-Key was already used for a different request',
      );
    if (record.status === 'completed')
      return {
        kind: 'completed',
        outcome: { id: record.joint_venture_id, version: Number(record.version) },
      };
    const leaseLeftMs = this.leaseMs - (Date.parse(now) - Date.parse(record.created_at));
    if (leaseLeftMs > 0) throw new IdempotencyKeyInProgressError(Math.ceil(leaseLeftMs / 1000));
    return {
      kind: 'unfinished',
      firstRevision: record.first_revision === null ? null : Number(record.first_revision),
      firstEventId: record.first_event_id,
      jointVentureId: record.joint_venture_id,
    };
  }

  /** Notes, just before appending, where the first event will land. */
  async markAppending(
    scopeKey: string,
    firstRevision: number,
    firstEventId: string,
  ): Promise<void> {
    await this.db
      .updateTable('idempotency_records')
      .set({ first_revision: firstRevision, first_event_id: firstEventId })
      .where('scope_key', '=', scopeKey)
      .execute();
  }

  async complete(scopeKey: string, outcome: CommandOutcome): Promise<void> {
    await this.db
      .updateTable('idempotency_records')
      .set({ status: 'completed', version: outcome.version })
      .where('scope_key', '=', scopeKey)
      .execute();
  }

  /** Forgets a claim whose command was refused, so the key can be used again once fixed. */
  async release(scopeKey: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_records')
      .where('scope_key', '=', scopeKey)
      .where('status', '=', 'pending')
      .execute();
  }
}
