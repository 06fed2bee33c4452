import Database from 'better-sqlite3';
import { appendEvents, type AppendTransaction, type RecordedEventRef } from '../append';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port';

/** One `appendToStream` call waiting for its group's commit. */
export type AppendRequest = Readonly<{
  streamId: string;
  events: readonly EventToAppend[];
  expected: ExpectedRevision;
}>;

/** How one append of a group ended: its result, or the error that refused it alone. */
export type AppendOutcome =
  Readonly<{ ok: true; result: AppendResult }> | Readonly<{ ok: false; error: unknown }>;

/** Commits a group of appends; throws (committing nothing) when the transaction itself fails. */
export type GroupCommit = (requests: readonly AppendRequest[]) => AppendOutcome[];

// Positions come from AUTOINCREMENT inside a write transaction, and SQLite has one writer at a
// time, so they are assigned in commit order: a reader never sees a gap filled in later, which
// is what makes "everything after my checkpoint" a safe subscription query.
export const EVENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    stream_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    committed_at TEXT NOT NULL,
    UNIQUE (stream_id, revision)
  )`;

/**
 * The write side of the SQLite adapter on one connection: a group of appends in one
 * `BEGIN IMMEDIATE` transaction (so one commit, one fsync at synchronous=FULL), each append in a
 * savepoint of its own (better-sqlite3 turns a nested transaction function into one), so an
 * append refused by the port's rules (a conflict, a duplicate id, a bad payload) rolls back only
 * its own rows and the others still commit. A SQLite error (I/O, a full disk, the lock) fails
 * the whole group: nothing of it is committed, and every append in it gets that error.
 */
export function createGroupCommit(db: Database.Database): GroupCommit {
  const prepare = <P extends unknown[], R>(sql: string) => db.prepare<P, R>(sql).safeIntegers(true);
  const statements = {
    findEvent: prepare<[string], Omit<RecordedEventRef, 'revision'> & { revision: bigint }>(
      'SELECT stream_id AS streamId, revision, position FROM events WHERE event_id = ?',
    ),
    lastRevision: prepare<[string], { revision: bigint | null }>(
      'SELECT max(revision) AS revision FROM events WHERE stream_id = ?',
    ),
    insert: prepare<[string, string, number, string, string, string, string], never>(
      `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, committed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
  const tx: AppendTransaction = {
    findEvent: (eventId) => {
      const ref = statements.findEvent.get(eventId);
      return ref && { ...ref, revision: Number(ref.revision) };
    },
    lastRevision: (streamId) => {
      const { revision } = statements.lastRevision.get(streamId) ?? { revision: null };
      return revision === null ? undefined : Number(revision);
    },
    insert: (events) => {
      let position = 0n;
      for (const e of events) {
        const { lastInsertRowid } = statements.insert.run(
          e.id,
          e.streamId,
          e.revision,
          e.type,
          e.data,
          e.metadata,
          e.committedAt,
        );
        position = BigInt(lastInsertRowid);
      }
      return position;
    },
  };

  const appendOne = db.transaction((request: AppendRequest, committedAt: string) =>
    appendEvents(tx, request.streamId, request.events, request.expected, committedAt),
  );
  const group = db.transaction((requests: readonly AppendRequest[]): AppendOutcome[] => {
    const committedAt = new Date().toISOString();
    return requests.map((request) => {
      try {
        return { ok: true, result: appendOne(request, committedAt) };
      } catch (error) {
        if (error instanceof Database.SqliteError) throw error;
        return { ok: false, error };
      }
    });
  });
  // IMMEDIATE takes the write lock before the checks, so another connection cannot append
  // between reading a stream's revision and inserting after it.
  return (requests) => group.immediate(requests);
}

/** SQLITE_BUSY and its extended codes: another connection holds the write lock. */
export const isBusy = (error: unknown) =>
  /^SQLITE_BUSY/.test(String((error as { code?: unknown })?.code));
