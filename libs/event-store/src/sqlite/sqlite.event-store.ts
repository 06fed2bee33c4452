import type Database from 'better-sqlite3';
import { appendEvents, type AppendTransaction, type RecordedEventRef } from '../append';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from '../event-store.port';
import { SubscriptionHub, type SubscriptionSettings } from '../polling-subscription';
import { decodeEvent, readLimit, type StoredEvent } from '../storage';

export type SqliteEventStoreOptions = Readonly<{
  subscriptions?: Partial<SubscriptionSettings>;
  /**
   * How long an append keeps retrying while another connection holds the write lock (ms).
   * The retries wait asynchronously: open the connection with a short busy timeout so that
   * better-sqlite3's synchronous wait never blocks the event loop, in which the lock holder
   * (a projection's transaction in this very process) needs to run to release the lock.
   */
  lockWaitMs?: number;
}>;

const isBusy = (error: unknown) => /^SQLITE_BUSY/.test(String((error as { code?: unknown })?.code));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Positions come from AUTOINCREMENT inside a write transaction, and SQLite has one writer at a
// time, so they are assigned in commit order: a reader never sees a gap filled in later, which
// is what makes "everything after my checkpoint" a safe subscription query.
const schema = `
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

const columns = `position, event_id AS id, stream_id AS streamId, revision, type, data, metadata,
  committed_at AS committedAt`;

/** With safe integers on, SQLite integers arrive as bigint; revisions stay plain numbers. */
type Row = Omit<StoredEvent, 'revision'> & { revision: bigint };

const toStored = (row: Row): StoredEvent => ({ ...row, revision: Number(row.revision) });

/** SQLite GLOB treats `*`, `?` and `[` as wildcards; a bracket makes each literal. */
const globPrefix = (prefix: string) => `${prefix.replace(/[*?[]/g, (c) => `[${c}]`)}*`;

/** Prepared once per store: better-sqlite3 statements are reusable and cheap to run. */
function prepareStatements(db: Database.Database) {
  const prepare = <P extends unknown[], R>(sql: string) => db.prepare<P, R>(sql).safeIntegers(true);
  return {
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
    forwards: prepare<[string, number, number], Row>(
      `SELECT ${columns} FROM events WHERE stream_id = ? AND revision >= ?
       ORDER BY revision LIMIT ?`,
    ),
    backwards: prepare<[string, number, number], Row>(
      `SELECT ${columns} FROM events WHERE stream_id = ? AND revision <= ?
       ORDER BY revision DESC LIMIT ?`,
    ),
    all: prepare<[bigint, number], Row>(
      `SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ),
    // The unary + keeps the planner off the (stream_id, revision) index: walking positions
    // and filtering costs one page, while the index plan sorted every matching event per page.
    allWithPrefix: prepare<[bigint, string, number], Row>(
      `SELECT ${columns} FROM events WHERE position > ? AND +stream_id GLOB ?
       ORDER BY position LIMIT ?`,
    ),
    head: prepare<[], { head: bigint | null }>('SELECT max(position) AS head FROM events'),
    ping: prepare<[], unknown>('SELECT 1'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * The embedded adapter: events in an `events` table of a database the caller opened (with
 * `openSqlite`), so read models and checkpoints can live in the same file and commit together.
 * `close()` stops this store's subscriptions but leaves the database to whoever opened it.
 */
export class SqliteEventStore implements EventStore {
  private readonly subscriptions: SubscriptionHub;
  private readonly statements: Statements;
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) => AppendResult
  >;

  private readonly lockWaitMs: number;

  constructor(db: Database.Database, options: SqliteEventStoreOptions = {}) {
    this.lockWaitMs = options.lockWaitMs ?? 10_000;
    db.exec(schema);
    this.statements = prepareStatements(db);

    const tx: AppendTransaction = {
      findEvent: (eventId) => {
        const ref = this.statements.findEvent.get(eventId);
        return ref && { ...ref, revision: Number(ref.revision) };
      },
      lastRevision: (streamId) => {
        const { revision } = this.statements.lastRevision.get(streamId) ?? { revision: null };
        return revision === null ? undefined : Number(revision);
      },
      insert: (events) => {
        let position = 0n;
        for (const e of events) {
          const { lastInsertRowid } = this.statements.insert.run(
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
    this.appendTransaction = db.transaction(
      (streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) =>
        appendEvents(tx, streamId, events, expected),
    );

    this.subscriptions = new SubscriptionHub(
      {
        readAll: (readOptions) => this.readAll(readOptions),
        headPosition: async () => this.statements.head.get()?.head ?? undefined,
      },
      options.subscriptions,
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: Readonly<{ expectedRevision?: ExpectedRevision }>,
  ): Promise<AppendResult> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let backoffMs = 1; ; backoffMs = Math.min(backoffMs * 2, 50)) {
      try {
        // IMMEDIATE takes the write lock before the checks, so another connection cannot
        // append between reading the stream's revision and inserting after it.
        const result = this.appendTransaction.immediate(
          streamId,
          events,
          options?.expectedRevision ?? 'any',
        );
        this.subscriptions.notifyAppended();
        return result;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await pause(backoffMs);
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = readLimit(options.maxCount) ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.statements.backwards.all(
            streamId,
            options.fromRevision ?? Number.MAX_SAFE_INTEGER,
            limit,
          )
        : this.statements.forwards.all(streamId, options.fromRevision ?? 0, limit);
    return rows.map((row) => decodeEvent(toStored(row)));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after: GlobalPosition = options.after ?? 0n;
    const limit = readLimit(options.maxCount) ?? -1;
    const rows =
      options.streamPrefix === undefined
        ? this.statements.all.all(after, limit)
        : this.statements.allWithPrefix.all(after, globPrefix(options.streamPrefix), limit);
    return rows.map((row) => decodeEvent(toStored(row)));
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    return this.subscriptions.subscribe(options);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
  }
}
