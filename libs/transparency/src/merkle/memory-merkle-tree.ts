import { leafHash, nodeHash } from '../verifier/offline.verifier';
import {
  consistencyPlan,
  inclusionPlan,
  resolvePlan,
  resolveRoot,
  type NodeId,
} from './merkle-tree';

/**
 * An RFC 9162 tree held in memory with every complete subtree's hash: for trees rebuilt whole
 * (the heads tree of a checkpoint) and as a reference in tests. The log itself lives in tiles.
 */
export class MemoryMerkleTree {
  private readonly levels: Buffer[][];

  private constructor(leafHashes: readonly Buffer[]) {
    this.levels = [[...leafHashes]];
    for (let below = this.levels[0]; below.length > 1;) {
      const level: Buffer[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) level.push(nodeHash(below[i], below[i + 1]));
      this.levels.push(level);
      below = level;
    }
  }

  static fromLeaves(leaves: readonly Uint8Array[]): MemoryMerkleTree {
    return new MemoryMerkleTree(leaves.map(leafHash));
  }

  static fromLeafHashes(leafHashes: readonly Buffer[]): MemoryMerkleTree {
    return new MemoryMerkleTree(leafHashes);
  }

  get size(): number {
    return this.levels[0].length;
  }

  root(size = this.size): Buffer {
    this.checkSize(size);
    return resolveRoot(size, this.hashOf);
  }

  inclusionProof(leafIndex: number, treeSize = this.size): Buffer[] {
    this.checkSize(treeSize);
    return resolvePlan(inclusionPlan(leafIndex, treeSize), this.hashOf);
  }

  consistencyProof(first: number, second = this.size): Buffer[] {
    this.checkSize(second);
    return first === second ? [] : resolvePlan(consistencyPlan(first, second), this.hashOf);
  }

  private readonly hashOf = (node: NodeId): Buffer => this.levels[node.level][node.index];

  private checkSize(size: number): void {
    if (size > this.size) throw new RangeError(`tree size ${size} is beyond ${this.size}`);
  }
}
