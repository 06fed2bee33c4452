/**
 * Identifiers a command needs, as pure functions: with an Idempotency-Key they are derived from
 * it, so a retried request names the same JV, the same IP result and the same event ids (which
 * the event store recognises as a retried append); without one they are fresh.
 */
import canonicalize from 'canonicalize';
import type { Actor } from '@app/domain';
import { createHash, randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/** Namespace for ids derived from an Idempotency-Key (any fixed UUID works; this one is ours). */
const DERIVED_ID_NAMESPACE = '3c9a1f52-7d0e-4f6b-9a57-2b1f0c8e6d41';

/** A key is the caller's own: the same key from another subject is another request. */
export function scopeKeyOf(actor: Actor, idempotencyKey: string): string {
  return `${actor.subject}\n${idempotencyKey}`;
}

/** The id of something a command creates (a JV, an IP result, a work order). */
export function newIdentifier(
  kind: 'joint-venture' | 'ip-result' | 'work-order',
  actor: Actor,
  idempotencyKey?: string,
): string {
  return idempotencyKey
    ? uuidv5(`${scopeKeyOf(actor, idempotencyKey)}#${kind}`, DERIVED_ID_NAMESPACE)
    : randomUUID();
}

/** The ids of a command's events: derived from its scoped key, or fresh. */
export function eventIdsFor(scopeKey: string | undefined, count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    scopeKey ? uuidv5(`${scopeKey}#${index}`, DERIVED_ID_NAMESPACE) : randomUUID(),
  );
}

/** What makes two requests with one key the same request. */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256')
    .update(canonicalize(request) ?? '')
    .digest('hex');
}
