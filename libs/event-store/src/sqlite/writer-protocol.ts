import Database from 'better-sqlite3';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import type { AppendResult, ExpectedRevision, StreamRevision } from '../event-store.port';
import type { SqliteSynchronous } from './open-sqlite';

/** What the writer thread is started with. */
export type WriterData = Readonly<{
  file: string;
  synchronous: SqliteSynchronous;
  lockWaitMs: number;
}>;

/**
 * An append sent to the writer thread. The request (`AppendRequest`) travels as JSON text: one
 * `JSON.stringify` on the caller's thread, the only serialisation it would pay anyway, and what
 * the writer stores is exactly what `encodeJson` would have stored (dates as ISO strings).
 */
export type WriterRequest = Readonly<{ id: number; request: string }> | Readonly<{ close: true }>;

export type SerializedError = Readonly<{
  name: string;
  message: string;
  code?: string;
  streamId?: string;
  expected?: ExpectedRevision;
  actual?: StreamRevision;
  eventId?: string;
}>;

export type WriterOutcome =
  | Readonly<{ id: number; ok: true; result: AppendResult }>
  | Readonly<{ id: number; ok: false; error: SerializedError }>;

/** One message per group: the outcomes of its appends, sent once the group committed (or failed). */
export type WriterReply = Readonly<{ outcomes: readonly WriterOutcome[]; committed: boolean }>;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { name, message } = error;
  const fields = error as Error & Partial<SerializedError>;
  return {
    name: error instanceof Database.SqliteError ? 'SqliteError' : name,
    message,
    code: fields.code,
    streamId: fields.streamId,
    expected: fields.expected,
    actual: fields.actual,
    eventId: fields.eventId,
  };
}

/** Rebuilds the error the writer thread saw as the class the port declares. */
export function deserializeError(error: SerializedError): Error {
  switch (error.name) {
    case 'WrongExpectedRevisionError':
      return new WrongExpectedRevisionError(
        error.streamId as string,
        error.expected as ExpectedRevision,
        error.actual,
      );
    case 'DuplicateEventIdError':
      return new DuplicateEventIdError(error.eventId as string);
    case 'SqliteError':
      return new Database.SqliteError(error.message, error.code as string);
    case 'RangeError':
      return new RangeError(error.message);
    case 'TypeError':
      return new TypeError(error.message);
    default:
      return Object.assign(new Error(error.message), { name: error.name, code: error.code });
  }
}
