/**
 * Translation between the KurrentDB client and the port: positions, recorded events, filters and
 * errors. Vendor types stop here and in the adapter; nothing of the client crosses the port.
 */
import {
  CancelledError,
  DeadlineExceededError,
  streamNameFilter,
  UnavailableError,
  WrongExpectedVersionError,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import type { ExpectedRevision, GlobalPosition, RecordedEvent } from '../event-store.port';

const PREPARE_BITS = 64n;
const PREPARE_MASK = (1n << PREPARE_BITS) - 1n;

/**
 * `$all` is ordered by (commit, prepare); the events of one append may share a commit position
 * and differ only in their prepare positions. One bigint keeps both, in that order, so global
 * positions stay unique and ordered, and turn back into the exact position to read from.
 */
export function globalPositionOf(position: { commit: bigint; prepare: bigint }): GlobalPosition {
  return (position.commit << PREPARE_BITS) | position.prepare;
}

export function logPositionOf(position: GlobalPosition): { commit: bigint; prepare: bigint } {
  return { commit: position >> PREPARE_BITS, prepare: position & PREPARE_MASK };
}

/** Connection trouble becomes the port's error, so callers need not know the client's. */
export async function unavailableAsPortError<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (
      error instanceof UnavailableError ||
      error instanceof DeadlineExceededError ||
      error instanceof CancelledError
    ) {
      throw new EventStoreUnavailableError(`KurrentDB unavailable: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Server-side filter on stream names: a literal prefix, or everything but system streams. */
export function prefixFilter(prefix: string | undefined) {
  return prefix === undefined
    ? streamNameFilter({ regex: '^[^$]' })
    : streamNameFilter({ prefixes: [prefix] });
}

export async function collect(read: AsyncIterable<ResolvedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const resolved of read) {
    const event = toRecorded(resolved);
    if (event) events.push(event);
  }
  return events;
}

/** The port's view of a recorded event; `undefined` for a record that is not one (a link). */
export function toRecorded(resolved: ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || event.position === undefined) return undefined;
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    revision: Number(event.revision),
    position: globalPositionOf(event.position),
    data: event.data as unknown,
    metadata: (event.metadata ?? {}) as RecordedEvent['metadata'],
    committedAt: event.created.toISOString(),
  };
}

/** KurrentDB's refusal of an expected revision, as the port's error. */
export function wrongRevisionOf(
  error: WrongExpectedVersionError,
  streamId: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError {
  const actual = error.actualState;
  return new WrongExpectedRevisionError(
    streamId,
    expected,
    typeof actual === 'bigint' ? Number(actual) : undefined,
  );
}
