import { isUniqueViolation } from '@app/event-store';
import type { Kysely } from 'kysely';
import {
  IdempotencyKeyConflictError,
  IdempotencyKeyInProgressError,
} from '../../problem/application-errors';
import type { CommandOutcome } from '../execute-command';
import type { CommandSideTables } from '@app/runtime';

export type IdempotencyClaim =
  | Readonly<{ kind: 'new' }>
  | Readonly<{ kind: 'completed'; outcome: CommandOutcome }>
  /** A previous attempt crashed after claiming: it may or may not have appended. */
  | Readonly<{ kind: 'unfinished'; firstRevision: number | null }>;

/**
 * Remembers what a command sent with an Idempotency-Key produced. A claim is written before
 * the append and completed after it; a claim left unfinished by a crash is resolved by looking
 * at the stream (did the first derived event id land?).
 */
export interface IdempotencyStore {
  /**
   * Claims the key for this request, or tells what an earlier request with it came to. Throws
   * `IdempotencyKeyConflictError` for another request under the same key, or one still running.
   */
  claim(
    scopeKey: string,
    fingerprint: string,
    jointVentureId: string,
    now: string,
  ): Promise<IdempotencyClaim>;
  /** Notes, just before appending, the revision the first event will land at. */
  markAppending(scopeKey: string, firstRevision: number): Promise<void>;
  complete(scopeKey: string, outcome: CommandOutcome): Promise<void>;
  /** Forgets a claim whose command was refused, so the key can be used again once fixed. */
  release(scopeKey: string): Promise<void>;
}

/** Idempotency claims in the SQL database beside the read models. */
export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: Kysely<CommandSideTables>,
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
    };
  }

  async markAppending(scopeKey: string, firstRevision: number): Promise<void> {
    await this.db
      .updateTable('idempotency_records')
      .set({ first_revision: firstRevision })
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

  async release(scopeKey: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_records')
      .where('scope_key', '=', scopeKey)
      .where('status', '=', 'pending')
      .execute();
  }
}
