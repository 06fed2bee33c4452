import { nodeHash, sha256 } from '../verifier/offline.verifier';

/**
 * RFC 9162 §2.1 Merkle trees, as plans over complete subtrees. A proof element is the hash of a
 * range of leaves; every range the RFC's recursive definitions produce is a run of complete
 * subtrees, so a proof needs only complete-subtree hashes, which storage keeps (see tiles.ts).
 */

/** Root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = sha256();

/** A complete subtree: `level` 0 is a leaf; covers leaves [index * 2^level, (index + 1) * 2^level). */
export type NodeId = Readonly<{ level: number; index: number }>;

/** One entry per proof element: the complete subtrees whose fold is that element's hash. */
export type ProofPlan = readonly (readonly NodeId[])[];

const pow2 = (level: number) => 2 ** level;

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkIndex(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

/**
 * The range [start, end) as maximal complete subtrees, left to right. The ranges of RFC 9162's
 * definitions start at a multiple of a power of two at least their length, so the fold of these
 * from the right is exactly MTH(D[start:end]).
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  for (let at = start; at < end;) {
    let level = 0;
    while (at % pow2(level + 1) === 0 && at + pow2(level + 1) <= end) level++;
    nodes.push({ level, index: at / pow2(level) });
    at += pow2(level);
  }
  return nodes;
}

/** MTH of a range from its complete subtrees' hashes: H(n0, H(n1, ... H(nk-1, nk))). */
export function foldRange(hashes: readonly Buffer[]): Buffer {
  let hash = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i], hash);
  return hash;
}

/** What the root of a tree of `size` leaves is made of. */
export function rootPlan(size: number): readonly NodeId[] {
  checkIndex(size, 'tree size');
  return rangeNodes(0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the audit path of leaf `leafIndex` in a tree of `treeSize`. */
export function inclusionPlan(leafIndex: number, treeSize: number): ProofPlan {
  checkIndex(leafIndex, 'leaf index');
  checkIndex(treeSize, 'tree size');
  if (leafIndex >= treeSize)
    throw new RangeError(`leaf index ${leafIndex} is not below the tree size ${treeSize}`);
  const plan: (readonly NodeId[])[] = [];
  const path = (start: number, end: number): void => {
    if (end - start === 1) return;
    const k = largestPowerOfTwoBelow(end - start);
    if (leafIndex < start + k) {
      path(start, start + k);
      plan.push(rangeNodes(start + k, end));
    } else {
      path(start + k, end);
      plan.push(rangeNodes(start, start + k));
    }
  };
  path(0, treeSize);
  return plan;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof from size `first` to `second`. */
export function consistencyPlan(first: number, second: number): ProofPlan {
  checkIndex(first, 'first tree size');
  checkIndex(second, 'second tree size');
  if (first === 0 || first > second)
    throw new RangeError(`no consistency proof from size ${first} to size ${second}`);
  const plan: (readonly NodeId[])[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    if (m === end - start) {
      if (!complete) plan.push(rangeNodes(start, end));
      return;
    }
    const k = largestPowerOfTwoBelow(end - start);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      plan.push(rangeNodes(start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      plan.push(rangeNodes(start, start + k));
    }
  };
  subproof(first, 0, second, true);
  return plan;
}

/** Every complete subtree a set of plans needs, once each. */
export function nodesOf(plans: readonly (readonly NodeId[])[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const nodes of plans)
    for (const node of nodes) seen.set(`${node.level}/${node.index}`, node);
  return [...seen.values()];
}

/** Turns a plan into hashes, given the hash of any complete subtree it names. */
export function resolvePlan(plan: ProofPlan, hashOf: (node: NodeId) => Buffer): Buffer[] {
  return plan.map((nodes) => foldRange(nodes.map(hashOf)));
}

/** The root from a resolver; the empty tree's root for size 0. */
export function resolveRoot(size: number, hashOf: (node: NodeId) => Buffer): Buffer {
  return size === 0 ? EMPTY_ROOT : foldRange(rootPlan(size).map(hashOf));
}
