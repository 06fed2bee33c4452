import { hash as oneShotHash } from 'node:crypto';
import { canonicalJson, canonicalJsonWithout } from './canonical-json';

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

/**
 * An event's canonical form: RFC 8785 of `{ id, streamId, revision, type, data, metadata }` with
 * `metadata.hash` left out, written field by field in JCS key order (data, id, metadata,
 * revision, streamId, type) rather than by copying the metadata and the event into a new object.
 */
export function canonicalEvent(event: ChainedEvent): string {
  let out = '{';
  const field = (key: string, value: unknown, text: () => string | undefined) => {
    if (value === undefined || typeof value === 'symbol') return;
    out += `${out.length > 1 ? ',' : ''}"${key}":${text()}`;
  };
  field('data', event.data, () => canonicalJson(event.data));
  field('id', event.id, () => canonicalJson(event.id));
  field('metadata', event.metadata, () => canonicalJsonWithout(event.metadata, 'hash'));
  field('revision', event.revision, () => canonicalJson(event.revision));
  field('streamId', event.streamId, () => canonicalJson(event.streamId));
  field('type', event.type, () => canonicalJson(event.type));
  return `${out}}`;
}

/** Hash of an event's canonical form; `metadata.hash` itself is left out of what is hashed. */
export function hashEvent(event: ChainedEvent): string {
  return oneShotHash(HASH_ALGORITHM, canonicalEvent(event), 'hex');
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
