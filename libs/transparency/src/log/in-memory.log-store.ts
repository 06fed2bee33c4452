import { EMPTY_ROOT } from '../merkle/merkle-tree';
import {
  DuplicateLeafError,
  LogAppendConflictError,
  type LogAppend,
  type LogLeaf,
  type LogState,
  type LogStore,
} from './log-store.port';
import { tileKey, type Tile, type TileId } from './tiles';

/** The log in memory, for tests: the same rules as the SQL store, nothing survives the process. */
export class InMemoryLogStore implements LogStore {
  private state: LogState = { size: 0, root: EMPTY_ROOT, cursor: null };
  private readonly tiles = new Map<string, Tile>();
  private readonly leaves: LogLeaf[] = [];
  private readonly byEventId = new Map<string, LogLeaf>();
  private readonly byStream = new Map<string, LogLeaf[]>();

  async readState(): Promise<LogState> {
    return this.state;
  }

  async readTiles(ids: readonly TileId[]): Promise<Tile[]> {
    return ids.flatMap((id) => this.tiles.get(tileKey(id)) ?? []);
  }

  async commitAppend({ expectedSize, next, tiles, leaves }: LogAppend): Promise<void> {
    if (this.state.size !== expectedSize) throw new LogAppendConflictError(expectedSize);
    const ids = new Set<string>();
    for (const { eventId } of leaves) {
      if (this.byEventId.has(eventId) || ids.has(eventId)) throw new DuplicateLeafError(eventId);
      ids.add(eventId);
    }
    for (const tile of tiles)
      this.tiles.set(tileKey(tile), { ...tile, hashes: Buffer.from(tile.hashes) });
    for (const leaf of leaves) {
      this.leaves.push(leaf);
      this.byEventId.set(leaf.eventId, leaf);
      const stream = this.byStream.get(leaf.streamId) ?? [];
      stream.push(leaf);
      this.byStream.set(leaf.streamId, stream);
    }
    this.state = next;
  }

  async findLeaf(eventId: string): Promise<LogLeaf | undefined> {
    return this.byEventId.get(eventId);
  }

  async leavesFrom(from: number, limit: number): Promise<LogLeaf[]> {
    return this.leaves.slice(from, from + limit);
  }

  async streamLeaves(streamId: string, treeSize: number): Promise<LogLeaf[]> {
    return (this.byStream.get(streamId) ?? []).filter((leaf) => leaf.leafIndex < treeSize);
  }

  async headsAt(treeSize: number): Promise<LogLeaf[]> {
    const heads = new Map<string, LogLeaf>();
    for (const leaf of this.leaves.slice(0, treeSize)) heads.set(leaf.streamId, leaf);
    return [...heads.values()];
  }
}
