import { canonicalJson } from './canonical-json';
import type { GlobalPosition, RecordedEvent, StreamRevision } from './event-store.port';

/**
 * An event as the adapters keep it: payloads as JSON text, so every adapter hands back the same
 * values (a fresh copy on each read, `Date`s as ISO strings) whatever the caller appended.
 */
export type StoredEvent = Readonly<{
  position: GlobalPosition;
  id: string;
  streamId: string;
  revision: StreamRevision;
  type: string;
  data: string;
  metadata: string;
  committedAt: string;
}>;

/**
 * Serialises a payload; anything JSON cannot represent fails here, before a write starts. In
 * RFC 8785 form, the one events are hashed in: a payload read back then parses into objects
 * whose keys are already in canonical order, which lets a verifier re-canonicalise it with the
 * native `JSON.stringify` (see `canonicalJson`). The values are the same in any form.
 */
export function encodeJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalJson(value);
  } catch (error) {
    throw new TypeError(`event payloads must be JSON values: ${(error as Error).message}`);
  }
  if (text === undefined) throw new TypeError('event payloads must be JSON values');
  return text;
}

/**
 * Turns a stored row back into what the port returns, in one object: a row whose driver hands
 * integers back as bigint (SQLite with safe integers) is taken as it is, its revision made a
 * number here rather than by copying the row first.
 */
export function decodeEvent(
  stored: Omit<StoredEvent, 'revision'> & Readonly<{ revision: StreamRevision | bigint }>,
): RecordedEvent {
  return {
    id: stored.id,
    streamId: stored.streamId,
    type: stored.type,
    revision: Number(stored.revision),
    position: stored.position,
    data: JSON.parse(stored.data) as unknown,
    metadata: JSON.parse(stored.metadata) as RecordedEvent['metadata'],
    committedAt: stored.committedAt,
  };
}

/** Validates a read's `maxCount`; `undefined` means no limit. */
export function readLimit(maxCount: number | undefined): number | undefined {
  if (maxCount === undefined) return undefined;
  if (!Number.isInteger(maxCount) || maxCount < 0) {
    throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  }
  return maxCount;
}
