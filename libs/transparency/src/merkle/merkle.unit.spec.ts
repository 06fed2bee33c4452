import { createHash } from 'node:crypto';
import inclusionProbes from '../../testdata/merkle/inclusion-probes.json';
import consistencyProbes from '../../testdata/merkle/consistency-probes.json';
import reference from '../../testdata/merkle/reference-tree.json';
import { leafHash, verifyInclusion } from '../verifier/offline.verifier';
import { MemoryMerkleTree } from './memory-merkle-tree';
import { verifyConsistency } from './verify-consistency';

const hex = (hash: Buffer) => hash.toString('hex');
const b64 = (text: string) => Buffer.from(text ?? '', 'base64');
const leafInputs = reference.leafInputsHex.map((leaf) => Buffer.from(leaf, 'hex'));

// RFC 9162 §2.1 written out literally, with no shared code: the brute-force reference.
const H = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return H();
  if (d.length === 1) return H(Buffer.of(0), d[0]);
  return H(Buffer.of(1), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const split = k(d.length);
  return m < split
    ? [...path(m, d.slice(0, split)), mth(d.slice(split))]
    : [...path(m - split, d.slice(split)), mth(d.slice(0, split))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const split = k(d.length);
  return m <= split
    ? [...subproof(m, d.slice(0, split), b), mth(d.slice(split))]
    : [...subproof(m - split, d.slice(split), false), mth(d.slice(0, split))];
}
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));

describe('RFC 9162 Merkle tree', () => {
  describe('against the transparency-dev/merkle reference tree (RFC 6962 test data)', () => {
    const tree = MemoryMerkleTree.fromLeaves(leafInputs);

    it('has the published root hash for every size from 0 to 8', () => {
      const roots = reference.rootHashesHexBySize.map((_, size) => hex(tree.root(size)));
      expect(roots).toEqual(reference.rootHashesHexBySize);
    });

    it('hashes leaves as SHA-256(0x00 || leaf), the published level-0 node hashes', () => {
      expect(leafInputs.map((leaf) => hex(leafHash(leaf)))).toEqual(
        reference.nodeHashesHexByLevel[0],
      );
    });

    it('produces exactly the audit paths of the published happy-path probes', () => {
      const happy = inclusionProbes.filter((probe) => !probe.wantErr && probe.treeSize === 8);
      expect(happy.length).toBeGreaterThan(0);
      for (const probe of happy)
        expect(
          tree.inclusionProof(Number(probe.leafIdx), 8).map((h) => h.toString('base64')),
        ).toEqual(probe.proof);
    });

    it('produces exactly the consistency proofs of the published happy-path probes', () => {
      const happy = consistencyProbes.filter(
        (probe) => !probe.wantErr && probe.size2 === 8 && Number(probe.size1) > 0,
      );
      expect(happy.length).toBeGreaterThan(0);
      for (const probe of happy)
        expect(
          tree.consistencyProof(Number(probe.size1), 8).map((h) => h.toString('base64')),
        ).toEqual(probe.proof ?? []);
    });
  });

  it.each(inclusionProbes.map((probe) => [probe.file, probe] as const))(
    'inclusion probe %s is verified as the test data says',
    (_, probe) => {
      const accepted = verifyInclusion(
        Number(probe.leafIdx),
        Number(probe.treeSize),
        b64(probe.leafHash),
        (probe.proof ?? []).map(b64),
        b64(probe.root),
      );
      expect(accepted).toBe(!probe.wantErr);
    },
  );

  it.each(consistencyProbes.map((probe) => [probe.file, probe] as const))(
    'consistency probe %s is verified as the test data says',
    (_, probe) => {
      const accepted = verifyConsistency(
        Number(probe.size1),
        Number(probe.size2),
        (probe.proof ?? []).map(b64),
        b64(probe.root1),
        b64(probe.root2),
      );
      expect(accepted).toBe(!probe.wantErr);
    },
  );

  describe('against a literal reading of RFC 9162', () => {
    const all = leavesOf(1000);
    const tree = MemoryMerkleTree.fromLeaves(all);
    // Every size up to 40, and sizes around the powers of two and tile widths further up.
    const sizes = [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 64, 65, 255, 256, 257, 1000];
    const samples = (n: number) =>
      n <= 40 ? Array.from({ length: n }, (_, i) => i) : [0, 1, n >> 1, n - 2, n - 1, (n * 7) >> 4];

    it('computes every root', () => {
      for (const n of [0, ...sizes]) expect(hex(tree.root(n))).toBe(hex(mth(all.slice(0, n))));
    });

    it('computes every audit path, and each verifies while a wrong leaf does not', () => {
      for (const n of sizes) {
        const root = tree.root(n);
        for (const m of samples(n)) {
          const proof = tree.inclusionProof(m, n);
          expect(proof.map(hex)).toEqual(path(m, all.slice(0, n)).map(hex));
          expect(verifyInclusion(m, n, leafHash(all[m]), proof, root)).toBe(true);
          expect(verifyInclusion(m, n, leafHash(Buffer.from('another leaf')), proof, root)).toBe(
            false,
          );
        }
      }
    });

    it('computes every consistency proof, and each verifies while a forked root does not', () => {
      for (const n of sizes) {
        for (const m of samples(n).map((i) => i + 1)) {
          const proof = tree.consistencyProof(m, n);
          expect(proof.map(hex)).toEqual(subproof(m, all.slice(0, n), true).map(hex));
          expect(verifyConsistency(m, n, proof, tree.root(m), tree.root(n))).toBe(true);
          const forked = mth([...all.slice(0, m - 1), Buffer.from('forked')]);
          expect(verifyConsistency(m, n, proof, forked, tree.root(n))).toBe(false);
        }
      }
    });
  });

  it('refuses proofs for leaves or sizes beyond the tree', () => {
    const tree = MemoryMerkleTree.fromLeaves(leavesOf(5));
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 6)).toThrow(RangeError);
    expect(() => tree.consistencyProof(0, 5)).toThrow(RangeError);
    expect(() => tree.consistencyProof(4, 3)).toThrow(RangeError);
  });
});
