import { nodeHash } from '../verifier/offline.verifier';

const half = (value: number) => Math.floor(value / 2);
const isSize = (value: number) => Number.isSafeInteger(value) && value >= 0;
function isPowerOfTwo(value: number): boolean {
  let k = 1;
  while (k < value) k *= 2;
  return k === value;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `second` leaves with `secondRoot`
 * extends the tree of `first` leaves with `firstRoot`? Equal sizes need an empty proof and equal
 * roots; a proof from the empty tree proves nothing and is refused (as transparency-dev/merkle does).
 */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean {
  const roots = [firstRoot, secondRoot].map((root) => Buffer.from(root));
  if (!isSize(first) || !isSize(second) || first === 0 || first > second) return false;
  if (first === second) return proof.length === 0 && roots[0].equals(roots[1]);
  if (roots.some((root) => root.length !== 32) || proof.some((hash) => hash.length !== 32))
    return false;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && fr.equals(roots[0]) && sr.equals(roots[1]);
}
