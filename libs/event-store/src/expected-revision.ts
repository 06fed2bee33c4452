import { WrongExpectedRevisionError } from './errors';
import type { ExpectedRevision, StreamRevision } from './event-store.port';

/**
 * The optimistic-concurrency rule of the port, shared by every adapter that checks it itself.
 * `actual` is the revision of the stream's last event, `undefined` when the stream does not exist.
 */
export function assertExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  actual: StreamRevision | undefined,
): void {
  if (!matchesExpectedRevision(expected, actual)) {
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }
}

function matchesExpectedRevision(
  expected: ExpectedRevision,
  actual: StreamRevision | undefined,
): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === undefined;
    case 'stream_exists':
      return actual !== undefined;
    default:
      return actual === expected;
  }
}
