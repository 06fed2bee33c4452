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

/** What a broken link is: which property of the event does not hold. */
export type LinkCheck = 'revision' | 'prev-hash' | 'hash';

export type BrokenLink = Readonly<{ check: LinkCheck; reason: string }>;

/** Where the stream stood before an event: its last revision and that event's stored hash. */
export type ChainHead = Readonly<{ revision: number; hash: string }>;

/**
 * Checks one link of a stream's chain: the event follows `previous` (its revision is the next
 * one, from 0 after none), its `prevHash` is `previous.hash` (null after none), and its content
 * recomputes to its stored hash. Undefined when all hold; the first that fails otherwise. Chained
 * on the stored hash, so one edited event breaks its own link only.
 */
export function checkLink(
  event: ChainedEvent,
  previous: ChainHead | undefined,
): BrokenLink | undefined {
  const expected = previous === undefined ? 0 : previous.revision + 1;
  if (event.revision !== expected)
    return { check: 'revision', reason: `expected revision ${expected}, found ${event.revision}` };
  if ((event.metadata.prevHash ?? null) !== (previous?.hash ?? null))
    return { check: 'prev-hash', reason: 'prevHash does not match the previous event' };
  if (event.metadata.hash !== hashEvent(event))
    return { check: 'hash', reason: 'content does not match its hash' };
  return undefined;
}

/** Recomputes the chain of one stream's events, given in revision order from revision 0. */
export function verifyChain(events: readonly ChainedEvent[]): ChainVerification {
  let previous: ChainHead | undefined;
  for (const [index, event] of events.entries()) {
    const broken = checkLink(event, previous);
    if (broken)
      return {
        valid: false,
        events: events.length,
        firstBrokenVersion: event.revision,
        reason: broken.reason,
      };
    previous = { revision: index, hash: String(event.metadata.hash) };
  }
  return { valid: true, events: events.length };
}
