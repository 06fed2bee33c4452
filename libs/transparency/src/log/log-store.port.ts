import type { Tile, TileId } from './tiles';

/** One joint-venture event as the log records it; its leaf input is `eventHash`. */
export type LogEntry = Readonly<{
  eventId: string;
  streamId: string;
  revision: number;
  /** The 32 raw bytes of the event's `metadata.hash`. */
  eventHash: Buffer;
}>;

/** A recorded entry and its leaf index: its ordinal in global-log order, from 0. */
export type LogLeaf = LogEntry & Readonly<{ leafIndex: number }>;

export type LogState = Readonly<{
  /** Leaves in the tree. */
  size: number;
  /** RFC 9162 root at `size`. */
  root: Buffer;
  /** Opaque to the log: where its feeder stopped (a global position), saved with the tree. */
  cursor: string | null;
}>;

/** Everything one append writes, applied in one transaction or not at all. */
export type LogAppend = Readonly<{
  /** The size the append was computed on: refused if the stored size is no longer this. */
  expectedSize: number;
  next: LogState;
  /** Tiles to insert or replace (a partial tile grows in place). */
  tiles: readonly Tile[];
  leaves: readonly LogLeaf[];
}>;

/**
 * Storage of the transparency log: the state row, the tree's tiles, and an index of leaves by
 * event id and by stream (for inclusion proofs by event and for the heads of every JV).
 * Adapters: `InMemoryLogStore` (tests) and `KyselyLogStore` (SQLite and PostgreSQL).
 */
export interface LogStore {
  /** The stored state; size 0 and the empty root before the first append. */
  readState(): Promise<LogState>;
  /** The tiles asked for that exist, in any order. */
  readTiles(ids: readonly TileId[]): Promise<Tile[]>;
  /**
   * Writes an append atomically. Throws `LogAppendConflictError` when the stored size is not
   * `expectedSize` (another writer got there first) and `DuplicateLeafError` when an event id is
   * already in the log; nothing is written then.
   */
  commitAppend(append: LogAppend): Promise<void>;
  /** The leaf of an event, if the log holds it. */
  findLeaf(eventId: string): Promise<LogLeaf | undefined>;
  /** Up to `limit` leaves from leaf index `from` on, in leaf order (a verifier's walk). */
  leavesFrom(from: number, limit: number): Promise<LogLeaf[]>;
  /** One stream's leaves below `treeSize`, in leaf order. */
  streamLeaves(streamId: string, treeSize: number): Promise<LogLeaf[]>;
  /** For every stream with a leaf below `treeSize`, its last such leaf: the heads at that size. */
  headsAt(treeSize: number): Promise<LogLeaf[]>;
}

/** Another writer appended since this append read the state: re-read and retry, or stop. */
export class LogAppendConflictError extends Error {
  constructor(readonly expectedSize: number) {
    super(`the transparency log is no longer at size ${expectedSize}: another writer appended`);
    this.name = 'LogAppendConflictError';
  }
}

/** The log already holds this event: a feeder re-delivered it, or two events share an id. */
export class DuplicateLeafError extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} is already in the transparency log`);
    this.name = 'DuplicateLeafError';
  }
}
