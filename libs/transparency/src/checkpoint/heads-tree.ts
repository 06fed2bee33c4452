import { headLeaf } from '../verifier/offline.verifier';
import { MemoryMerkleTree } from '../merkle/memory-merkle-tree';

/** A JV's last event at a tree size. */
export type JvHead = Readonly<{ streamId: string; revision: number; eventHash: Buffer }>;

export type HeadProof = Readonly<{ index: number; auditPath: Buffer[] }>;

/**
 * The second tree a checkpoint commits to: one RFC 9162 leaf per JV, `headLeaf(streamId,
 * revision, hash)`, sorted by the stream id's UTF-8 bytes. Its root and count in the checkpoint
 * let an export prove it holds a JV's events up to its head at that size: a cut tail shows.
 */
export class HeadsTree {
  private constructor(
    private readonly heads: readonly JvHead[],
    /** The stream ids' UTF-8 bytes, in the same (sorted) order. */
    private readonly keys: readonly Buffer[],
    private readonly tree: MemoryMerkleTree,
  ) {}

  static of(heads: readonly JvHead[]): HeadsTree {
    const sorted = heads
      .map((head) => ({ head, key: Buffer.from(head.streamId, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.key, b.key));
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i].key.equals(sorted[i - 1].key))
        throw new Error(`two heads for ${sorted[i].head.streamId}`);
    const leaves = sorted.map(({ head }) =>
      headLeaf(head.streamId, head.revision, head.eventHash.toString('hex')),
    );
    return new HeadsTree(
      sorted.map(({ head }) => head),
      sorted.map(({ key }) => key),
      MemoryMerkleTree.fromLeaves(leaves),
    );
  }

  get count(): number {
    return this.heads.length;
  }

  get root(): Buffer {
    return this.tree.root();
  }

  head(streamId: string): JvHead | undefined {
    return this.heads[this.indexOf(streamId)];
  }

  /** The audit path of a JV's head, or undefined for a JV that had no event at this size. */
  proof(streamId: string): HeadProof | undefined {
    const index = this.indexOf(streamId);
    return index < 0 ? undefined : { index, auditPath: this.tree.inclusionProof(index) };
  }

  private indexOf(streamId: string): number {
    let [low, high] = [0, this.keys.length - 1];
    const target = Buffer.from(streamId, 'utf8');
    while (low <= high) {
      const middle = (low + high) >> 1;
      const order = Buffer.compare(this.keys[middle], target);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}
