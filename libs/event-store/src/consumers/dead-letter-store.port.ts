import type { RecordedEvent } from '../event-store.port';

/**
 * Where a dead letter stands:
 * - `failed`: its handler kept throwing; it blocks its stream for that consumer;
 * - `waiting`: a later event of a blocked stream, parked behind the failed one, in order;
 * - `retry`: an operator asked for another attempt (the consumer takes it up without a restart);
 * - `skipped`: an operator decided it does not count for that consumer (who and why are kept).
 * Every status but `skipped` blocks the stream; once nothing `failed` is left in a stream, the
 * consumer re-handles its `retry` and `waiting` letters in order.
 */
export type DeadLetterStatus = 'failed' | 'waiting' | 'retry' | 'skipped';

export type DeadLetter = Readonly<{
  id: string;
  consumer: string;
  event: RecordedEvent;
  status: DeadLetterStatus;
  /** Why the handler refused it (or which dead letter it waits behind). */
  error: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  skipped?: Readonly<{ by: string; reason: string; at: string }>;
}>;

export type ParkedEvent = Readonly<{
  event: RecordedEvent;
  status: 'failed' | 'waiting';
  error: string;
  attempts: number;
}>;

/**
 * Dead letters of every consumer (Axon's sequenced dead-letter queue): an event whose handler
 * keeps failing is parked, and so is every later event of its stream for that consumer, so each
 * JV's order holds while every other JV goes on. `Tx` as for the checkpoint store: parking
 * commits with the checkpoint that moves past the parked events.
 */
export interface DeadLetterStore<Tx = unknown> {
  park(consumer: string, parked: readonly ParkedEvent[], tx?: Tx): Promise<void>;
  /** Streams this consumer must not handle new events of: they have blocking dead letters. */
  blockedStreams(consumer: string, tx?: Tx): Promise<ReadonlySet<string>>;
  /** Dead letters, oldest first; of one consumer when given, skipped ones included. */
  list(consumer?: string): Promise<DeadLetter[]>;
  /** Asks for another attempt at a failed letter (by id), or at every failed one. */
  requestRetry(selection: Readonly<{ id: string } | { all: true }>): Promise<number>;
  /** Marks a letter skipped for its consumer; the letters waiting behind it are retried next. */
  skip(id: string, by: string, reason: string): Promise<boolean>;
  /** What the consumer re-handles now: per stream, the letters after which no `failed` one blocks. */
  due(consumer: string): Promise<DeadLetter[]>;
  /** Drops a letter handled on retry (inside the handler's transaction when given). */
  resolve(id: string, tx?: Tx): Promise<void>;
  /** Records that a retry failed again: the letter is `failed` once more. */
  failedAgain(id: string, error: string, tx?: Tx): Promise<void>;
}
