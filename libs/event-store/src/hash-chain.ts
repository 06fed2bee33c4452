import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/**
 * Tamper evidence: every event of a stream carries `metadata.hash`, the SHA-256 of its
 * RFC 8785 (JCS) canonical form, which includes `metadata.prevHash`, the hash of the event
 * before it. Changing, removing or reordering any stored event breaks the chain from there on.
 * The same function is all a third party needs to verify an export offline.
 */
export type ChainedEvent = Readonly<{
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
}>;

export const HASH_ALGORITHM = 'sha256';

/** Hash of an event's canonical form; `metadata.hash` itself is left out of what is hashed. */
export function hashEvent(event: ChainedEvent): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const canonical = canonicalize({
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata,
  });
  if (canonical === undefined)
    throw new Error(`event ${event.id} cannot be serialised canonically`);
  return createHash(HASH_ALGORITHM).update(canonical, 'utf8').digest('hex');
}

export type ChainVerification = Readonly<{
  valid: boolean;
  events: number;
  /** Revision of the first event whose hash or link to its predecessor does not hold. */
  firstBrokenVersion?: number;
  reason?: string;
}>;

/** Recomputes the chain of one stream's events, given in revision order from revision 0. */
export function verifyChain(events: readonly ChainedEvent[]): ChainVerification {
  let previousHash: string | null = null;
  for (const [index, event] of events.entries()) {
    const broken = (reason: string): ChainVerification => ({
      valid: false,
      events: events.length,
      firstBrokenVersion: event.revision,
      reason,
    });
    if (event.revision !== index)
      return broken(`expected revision ${index}, found ${event.revision}`);
    if ((event.metadata.prevHash ?? null) !== previousHash)
      return broken('prevHash does not match the previous event');
    const recomputed = hashEvent(event);
    if (event.metadata.hash !== recomputed) return broken('content does not match its hash');
    previousHash = recomputed;
  }
  return { valid: true, events: events.length };
}
