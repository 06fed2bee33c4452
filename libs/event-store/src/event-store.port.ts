/**
 * The event store port: the only way the application reads or writes events. Adapters
 * (SQLite embedded, KurrentDB in production) translate vendor behaviour and errors into
 * what is declared here, and every adapter passes the same contract suite
 * (`event-store.contract.ts`).
 */

/** Zero-based position of an event within its stream (KurrentDB's "stream revision"). */
export type StreamRevision = number;

/** Position of an event in the global, totally ordered log of all streams. */
export type GlobalPosition = bigint;

/**
 * What the writer expects of the stream before the append:
 * - `any`: no check;
 * - `no_stream`: the stream must not exist yet;
 * - `stream_exists`: it must have at least one event;
 * - a number: its last event must have exactly this revision.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | StreamRevision;

export type EventMetadata = Readonly<Record<string, unknown>>;

export type EventToAppend = Readonly<{
  /** UUID chosen by the writer; appending the same ids again is an idempotent no-op. */
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}>;

export type RecordedEvent = Readonly<{
  id: string;
  streamId: string;
  type: string;
  revision: StreamRevision;
  position: GlobalPosition;
  data: unknown;
  metadata: EventMetadata;
  /** When the store committed it (ISO-8601). */
  committedAt: string;
}>;

export type AppendResult = Readonly<{
  /** Revision of the last event now in the stream: the value to pass as the next expected revision. */
  nextExpectedRevision: StreamRevision;
  /** Global position of the last appended event. */
  position: GlobalPosition;
}>;

export type ReadStreamOptions = Readonly<{
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: StreamRevision;
  maxCount?: number;
}>;

export type ReadAllOptions = Readonly<{
  /** Exclusive: events strictly after this position. Omit to read from the start. */
  after?: GlobalPosition;
  maxCount?: number;
  /** Only streams whose id starts with this prefix. */
  streamPrefix?: string;
}>;

export type SubscriptionOptions = Readonly<{
  /** A stored checkpoint: delivery starts strictly after it. Omit to start from the beginning. */
  after?: GlobalPosition;
  streamPrefix?: string;
  /** Largest batch handed to `handle` at once. */
  maxBatchSize?: number;
  /**
   * Receives events in global order, one batch at a time; the next batch waits for the
   * returned promise. If it rejects, the same batch is offered again after a capped backoff
   * (at-least-once delivery), and `onError` hears of it.
   */
  handle: (events: readonly RecordedEvent[]) => Promise<void>;
  onError?: (error: unknown, attempt: number) => void;
  /**
   * Called when the subscription works again after errors it reported: the store answered a
   * read, or the handler accepted the batch it had refused. Health can stop showing the error
   * then, even while no new event arrives.
   */
  onRecovered?: () => void;
}>;

export interface Subscription {
  /**
   * Resolves once the subscription has delivered everything that existed when it started;
   * rejects if it is stopped before that.
   */
  readonly caughtUp: Promise<void>;
  /** Last position handed to `handle` and acknowledged by it. */
  readonly lastProcessed: GlobalPosition | undefined;
  /** Stops delivery after the batch in flight; resolves when nothing more will be delivered. */
  stop(): Promise<void>;
}

export interface EventReader {
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to the global log: replays from the checkpoint, then goes live. */
  subscribeToAll(options: SubscriptionOptions): Subscription;
}

export interface EventWriter {
  /**
   * Appends atomically: all events or none. Throws `WrongExpectedRevisionError` when the
   * stream is not as expected. Re-appending events whose ids are already recorded consecutively in
   * this stream (a retried write), whatever the expected revision, succeeds without writing and returns the original result. An empty
   * list is refused with a `RangeError`; a payload that is not JSON with a `TypeError`.
   */
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: Readonly<{ expectedRevision?: ExpectedRevision }>,
  ): Promise<AppendResult>;
}

export interface EventStore extends EventReader, EventWriter {
  /** Cheap reachability probe for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** DI token for the event store. */
export const EVENT_STORE = Symbol('EVENT_STORE');
