import type Database from 'better-sqlite3';
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
import { AppendQueue } from './append-queue';
import {
  createGroupCommit,
  EVENTS_SCHEMA,
  type AppendOutcome,
  type AppendRequest,
} from './group-commit';

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

const columns = `position, event_id AS id, stream_id AS streamId, revision, type, data, metadata,
  committed_at AS committedAt`;

/** With safe integers on, SQLite integers arrive as bigint; revisions stay plain numbers. */
type Row = Omit<StoredEvent, 'revision'> & { revision: bigint };

/** SQLite GLOB treats `*`, `?` and `[` as wildcards; a bracket makes each literal. */
const globPrefix = (prefix: string) => `${prefix.replace(/[*?[]/g, (c) => `[${c}]`)}*`;

/** Prepared once per store: better-sqlite3 statements are reusable and cheap to run. */
function prepareStatements(db: Database.Database) {
  const prepare = <P extends unknown[], R>(sql: string) => db.prepare<P, R>(sql).safeIntegers(true);
  return {
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

/** An append waiting for its group's commit, and how to answer it. */
type PendingAppend = Readonly<{
  request: AppendRequest;
  settle: (outcome: AppendOutcome) => void;
}>;

/**
 * The embedded adapter: events in an `events` table of a database the caller opened (with
 * `openSqlite`), so read models and checkpoints can live in the same file and commit together.
 * `close()` stops this store's subscriptions but leaves the database to whoever opened it.
 *
 * Appends are group-committed: the appends made within one event-loop turn (in practice, those of
 * the requests that arrived while the previous group was committing) commit together in one
 * `BEGIN IMMEDIATE` transaction, so one fsync at synchronous=FULL, each in a savepoint of its own
 * so that it keeps its own expected-revision check and outcome; nobody is answered before the
 * commit that covers their events has returned. The commit runs on this thread, on the given
 * connection: a writer thread with its own connection was measured against it and lost. It took
 * ~0.08-0.1 ms more CPU per append (the hand-over both ways), while a group's fsync, shared by
 * its appends, costs each of them less than that; with every client waiting for its answer
 * before it sends again, there is little left for a second thread to overlap (libs/event-store
 * README, "SQLite group commit").
 */
export class SqliteEventStore implements EventStore {
  private readonly subscriptions: SubscriptionHub;
  private readonly statements: Statements;
  private readonly queue: AppendQueue<PendingAppend>;

  constructor(db: Database.Database, options: SqliteEventStoreOptions = {}) {
    const lockWaitMs = options.lockWaitMs ?? 10_000;
    db.exec(EVENTS_SCHEMA);
    this.statements = prepareStatements(db);
    const notify = () => this.subscriptions.notifyAppended();
    const commitGroup = createGroupCommit(db);
    this.queue = new AppendQueue<PendingAppend>(
      {
        commit: (items) => {
          const outcomes = commitGroup(items.map((item) => item.request));
          items.forEach((item, i) => item.settle(outcomes[i]));
          if (outcomes.some((outcome) => outcome.ok)) notify();
        },
        fail: (items, error) => items.forEach((item) => item.settle({ ok: false, error })),
      },
      lockWaitMs,
    );

    this.subscriptions = new SubscriptionHub(
      {
        readAll: (readOptions) => this.readAll(readOptions),
        headPosition: async () => this.statements.head.get()?.head ?? undefined,
      },
      options.subscriptions,
    );
  }

  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: Readonly<{ expectedRevision?: ExpectedRevision }>,
  ): Promise<AppendResult> {
    const request = { streamId, events, expected: options?.expectedRevision ?? 'any' };
    return new Promise((resolve, reject) =>
      this.queue.push({
        request,
        settle: (outcome) => (outcome.ok ? resolve(outcome.result) : reject(outcome.error)),
      }),
    );
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
    return rows.map((row) => decodeEvent(row));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after: GlobalPosition = options.after ?? 0n;
    const limit = readLimit(options.maxCount) ?? -1;
    const rows =
      options.streamPrefix === undefined
        ? this.statements.all.all(after, limit)
        : this.statements.allWithPrefix.all(after, globPrefix(options.streamPrefix), limit);
    return rows.map((row) => decodeEvent(row));
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    return this.subscriptions.subscribe(options);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    // Appends already made are committed and answered first.
    await new Promise<void>((resolve) => this.queue.whenIdle(resolve));
  }
}
