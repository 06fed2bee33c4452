import { leafHash } from '../verifier/offline.verifier';
import {
  consistencyPlan,
  foldRange,
  inclusionPlan,
  nodesOf,
  resolvePlan,
  rootPlan,
  EMPTY_ROOT,
  type ProofPlan,
} from '../merkle/merkle-tree';
import type { LogEntry, LogLeaf, LogState, LogStore } from './log-store.port';
import { appendToTiles, edgeTiles, hashFromTiles, tileKey, tilesFor } from './tiles';

export type InclusionProof = Readonly<{ leafIndex: number; treeSize: number; auditPath: Buffer[] }>;

/**
 * The ledger's transparency log: an RFC 9162 tree whose leaves are joint-venture events in
 * global-log order, kept incrementally in a `LogStore`. One writer appends (the consumer of the
 * global log); any number of readers ask for roots and proofs, which read O(log n) tiles.
 */
export class TransparencyLog {
  constructor(private readonly store: LogStore) {}

  state(): Promise<LogState> {
    return this.store.readState();
  }

  /**
   * Appends entries as the next leaves, in order, and stores `cursor` with them (omit it to keep
   * the stored one), in one transaction. An empty list only moves the cursor. Throws
   * `LogAppendConflictError` if another writer appended meanwhile, `DuplicateLeafError` for an
   * event already in the log, `TypeError` for a malformed entry; nothing is written then.
   */
  async append(entries: readonly LogEntry[], cursor?: string | null): Promise<LogState> {
    entries.forEach(checkEntry);
    const state = await this.store.readState();
    const edge = await this.store.readTiles(edgeTiles(state.size));
    const leafHashes = entries.map((entry) => leafHash(entry.eventHash));
    const { tiles, root } = appendToTiles(state.size, edge, leafHashes);
    const next: LogState = {
      size: state.size + entries.length,
      root,
      cursor: cursor === undefined ? state.cursor : cursor,
    };
    const leaves = entries.map((entry, i) => ({ ...entry, leafIndex: state.size + i }));
    await this.store.commitAppend({ expectedSize: state.size, next, tiles, leaves });
    return next;
  }

  /** The root at any size up to the current one. */
  async root(treeSize: number): Promise<Buffer> {
    const state = await this.checkSize(treeSize);
    if (treeSize === state.size) return state.root;
    if (treeSize === 0) return EMPTY_ROOT;
    const [hashes] = await this.resolve([[...rootPlan(treeSize)].map((node) => [node])]);
    return foldRange(hashes);
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    const [proof] = await this.inclusionProofs([leafIndex], treeSize);
    return proof;
  }

  /** Audit paths of several leaves in one tree, from one read of the tiles they need. */
  async inclusionProofs(
    leafIndexes: readonly number[],
    treeSize: number,
  ): Promise<InclusionProof[]> {
    await this.checkSize(treeSize);
    const plans = leafIndexes.map((leafIndex) => inclusionPlan(leafIndex, treeSize));
    const paths = await this.resolve(plans);
    return leafIndexes.map((leafIndex, i) => ({ leafIndex, treeSize, auditPath: paths[i] }));
  }

  /** RFC 9162 consistency proof from `first` to `second` leaves (empty when they are equal). */
  async consistencyProof(first: number, second: number): Promise<Buffer[]> {
    await this.checkSize(second);
    if (first === second && first > 0) return [];
    const [proof] = await this.resolve([consistencyPlan(first, second)]);
    return proof;
  }

  findLeaf(eventId: string): Promise<LogLeaf | undefined> {
    return this.store.findLeaf(eventId);
  }

  /** Up to `limit` leaves from index `from` on, in order: what a verifier compares with the events. */
  async leavesFrom(from: number, limit: number): Promise<LogLeaf[]> {
    if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`bad leaf range: from ${from}, limit ${limit}`);
    return this.store.leavesFrom(from, limit);
  }

  streamLeaves(streamId: string, treeSize: number): Promise<LogLeaf[]> {
    return this.store.streamLeaves(streamId, treeSize);
  }

  /** Every stream's last leaf below `treeSize`: what the heads tree of a checkpoint is built from. */
  headsAt(treeSize: number): Promise<LogLeaf[]> {
    return this.store.headsAt(treeSize);
  }

  private async resolve(plans: readonly ProofPlan[]): Promise<Buffer[][]> {
    const tiles = await this.store.readTiles(tilesFor(nodesOf(plans.flat())));
    const byKey = new Map(tiles.map((tile) => [tileKey(tile), tile]));
    return plans.map((plan) => resolvePlan(plan, (node) => hashFromTiles(node, byKey)));
  }

  private async checkSize(treeSize: number): Promise<LogState> {
    const state = await this.store.readState();
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > state.size)
      throw new RangeError(
        `tree size ${treeSize} is not between 0 and the log's size ${state.size}`,
      );
    return state;
  }
}

function checkEntry(entry: LogEntry, index: number): void {
  const bad = (field: string) => new TypeError(`log entry ${index}: bad ${field}`);
  if (typeof entry.eventId !== 'string' || entry.eventId === '') throw bad('eventId');
  if (typeof entry.streamId !== 'string' || entry.streamId === '') throw bad('streamId');
  if (!Number.isSafeInteger(entry.revision) || entry.revision < 0) throw bad('revision');
  if (!Buffer.isBuffer(entry.eventHash) || entry.eventHash.length !== 32)
    throw bad('eventHash (32 bytes)');
}
