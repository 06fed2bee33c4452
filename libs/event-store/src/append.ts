import { DuplicateEventIdError } from './errors';
import type {
  AppendResult,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  StreamRevision,
} from './event-store.port';
import { assertExpectedRevision } from './expected-revision';
import { encodeJson, type StoredEvent } from './storage';

/** Where an already recorded event sits: enough to recognise a retried append. */
export type RecordedEventRef = Readonly<{
  streamId: string;
  revision: StreamRevision;
  position: GlobalPosition;
}>;

/**
 * The storage operations an append needs. The adapter runs `appendEvents` with them inside one
 * write transaction, so nothing changes between the checks and the insert.
 */
export interface AppendTransaction {
  findEvent(eventId: string): RecordedEventRef | undefined;
  /** Revision of the stream's last event; `undefined` when the stream does not exist. */
  lastRevision(streamId: string): StreamRevision | undefined;
  /** Inserts the events in order and returns the global position of the last one. */
  insert(events: readonly Omit<StoredEvent, 'position'>[]): GlobalPosition;
}

/**
 * The append rules of the port, in the order they apply: refuse an empty or self-duplicating
 * batch, recognise a retried write (same ids, already consecutive in this stream) and answer it
 * as the first time, check the expected revision, then insert.
 */
export function appendEvents(
  tx: AppendTransaction,
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  committedAt: string = new Date().toISOString(),
): AppendResult {
  if (events.length === 0) throw new RangeError('an append needs at least one event');
  // Encoding first means an unserialisable payload fails the append before any row is written.
  const encoded = events.map((event) => ({
    id: event.id,
    streamId,
    type: event.type,
    data: encodeJson(event.data),
    metadata: encodeJson(event.metadata),
    committedAt,
  }));

  assertDistinctIds(events);
  const retried = retriedAppendResult(
    streamId,
    events,
    events.map((event) => tx.findEvent(event.id)),
  );
  if (retried) return retried;

  const actual = tx.lastRevision(streamId);
  assertExpectedRevision(streamId, expected, actual);

  const first = actual === undefined ? 0 : actual + 1;
  const position = tx.insert(encoded.map((event, i) => ({ ...event, revision: first + i })));
  return { nextExpectedRevision: first + events.length - 1, position };
}

/** An append may not name one event id twice. */
export function assertDistinctIds(events: readonly EventToAppend[]): void {
  const seen = new Set<string>();
  for (const { id } of events) {
    if (seen.has(id)) throw new DuplicateEventIdError(id);
    seen.add(id);
  }
}

/**
 * The port's retry rule, for every adapter: a retried write is recognised by its ids alone,
 * whatever it expected. `found` says where each appended id is already recorded (undefined
 * where it is not). When all are recorded, in this stream, consecutively and in the same order,
 * the answer is the original result; when none is, undefined (a new write). Any other overlap
 * means two different writes claim the same id, which is refused.
 */
export function retriedAppendResult(
  streamId: string,
  events: readonly EventToAppend[],
  found: readonly (RecordedEventRef | undefined)[],
): AppendResult | undefined {
  const firstFound = found.findIndex((ref) => ref !== undefined);
  if (firstFound === -1) return undefined;

  const first = found[0];
  const isRetry =
    first !== undefined &&
    found.every(
      (ref, i) =>
        ref !== undefined && ref.streamId === streamId && ref.revision === first.revision + i,
    );
  if (!isRetry) throw new DuplicateEventIdError(events[firstFound].id);

  const last = found[found.length - 1] as RecordedEventRef;
  return { nextExpectedRevision: last.revision, position: last.position };
}
