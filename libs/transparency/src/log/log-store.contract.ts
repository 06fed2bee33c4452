import { createHash } from 'node:crypto';
import { MemoryMerkleTree } from '../merkle/memory-merkle-tree';
import { EMPTY_ROOT } from '../merkle/merkle-tree';
import {
  DuplicateLeafError,
  LogAppendConflictError,
  type LogEntry,
  type LogStore,
} from './log-store.port';
import { TransparencyLog } from './transparency-log';

export type LogStoreHarness = Readonly<{
  store: LogStore;
  /** A new store over the same storage, as after a restart. */
  reopen: () => Promise<LogStore>;
  close: () => Promise<void>;
}>;

/** An entry as the feeder would make it: stream `jv-<n % streams>`, revisions counted per stream. */
export function entriesFor(from: number, count: number, streams = 7): LogEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const stream = n % streams;
    return {
      eventId: `event-${n}`,
      streamId: `joint-venture-${stream}`,
      revision: Math.floor(n / streams),
      eventHash: createHash('sha256').update(`event ${n}`).digest(),
    };
  });
}

const hex = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('hex'));

/** The behaviour every `LogStore` adapter shows, run through `TransparencyLog`. */
export function logStoreContract(name: string, open: () => Promise<LogStoreHarness>): void {
  describe(`${name} (transparency log store contract)`, () => {
    let harness: LogStoreHarness;
    let log: TransparencyLog;
    beforeEach(async () => {
      harness = await open();
      log = new TransparencyLog(harness.store);
    });
    afterEach(() => harness.close());

    const reference = (size: number) =>
      MemoryMerkleTree.fromLeaves(entriesFor(0, size).map((entry) => entry.eventHash));

    it('starts empty: size 0, the empty root, no cursor', async () => {
      expect(await log.state()).toEqual({ size: 0, root: EMPTY_ROOT, cursor: null });
    });

    it('keeps the RFC 9162 root of every size while batches cross tile boundaries', async () => {
      const tree = reference(300);
      let size = 0;
      for (const batch of [1, 2, 13, 1, 16, 17, 206, 44]) {
        const state = await log.append(entriesFor(size, batch), `position-${size + batch}`);
        size += batch;
        expect(state).toEqual({ size, root: tree.root(size), cursor: `position-${size}` });
      }
      for (const past of [0, 1, 15, 16, 17, 255, 256, 257, 299])
        expect((await log.root(past)).toString('hex')).toBe(tree.root(past).toString('hex'));
    });

    it('answers inclusion and consistency proofs equal to a tree built whole', async () => {
      await log.append(entriesFor(0, 100));
      await log.append(entriesFor(100, 200));
      const tree = reference(300);
      for (const [leafIndex, treeSize] of [
        [0, 1],
        [0, 300],
        [5, 17],
        [255, 256],
        [256, 300],
        [299, 300],
        [42, 123],
      ]) {
        const proof = await log.inclusionProof(leafIndex, treeSize);
        expect(proof.leafIndex).toBe(leafIndex);
        expect(hex(proof.auditPath)).toEqual(hex(tree.inclusionProof(leafIndex, treeSize)));
      }
      const batch = await log.inclusionProofs([3, 77, 299], 300);
      expect(batch.map((proof) => hex(proof.auditPath))).toEqual(
        [3, 77, 299].map((i) => hex(tree.inclusionProof(i, 300))),
      );
      for (const [first, second] of [
        [1, 300],
        [16, 17],
        [100, 300],
        [255, 257],
        [300, 300],
        [7, 9],
      ])
        expect(hex(await log.consistencyProof(first, second))).toEqual(
          hex(tree.consistencyProof(first, second)),
        );
    });

    it('refuses proofs and roots beyond the current size', async () => {
      await log.append(entriesFor(0, 10));
      await expect(log.inclusionProof(3, 11)).rejects.toThrow(RangeError);
      await expect(log.inclusionProof(10, 10)).rejects.toThrow(RangeError);
      await expect(log.consistencyProof(5, 11)).rejects.toThrow(RangeError);
      await expect(log.root(11)).rejects.toThrow(RangeError);
    });

    it('resumes after a restart at the stored size, root and cursor', async () => {
      await log.append(entriesFor(0, 40), 'position-40');
      const reopened = new TransparencyLog(await harness.reopen());
      expect(await reopened.state()).toEqual({
        size: 40,
        root: reference(40).root(),
        cursor: 'position-40',
      });
      await reopened.append(entriesFor(40, 30));
      expect((await reopened.state()).root).toEqual(reference(70).root());
      expect((await reopened.state()).cursor).toBe('position-40');
    });

    it('moves only the cursor when a batch holds no entries', async () => {
      await log.append(entriesFor(0, 3), 'position-3');
      expect(await log.append([], 'position-9')).toEqual({
        size: 3,
        root: reference(3).root(),
        cursor: 'position-9',
      });
    });

    it('refuses an append computed on a size that is no longer stored, writing nothing', async () => {
      const state = await log.append(entriesFor(0, 5));
      const stale = { expectedSize: 4, next: { ...state, size: 6 }, tiles: [], leaves: [] };
      await expect(harness.store.commitAppend(stale)).rejects.toBeInstanceOf(
        LogAppendConflictError,
      );
      expect(await log.state()).toEqual(state);
    });

    it('refuses an event already in the log and writes none of its batch', async () => {
      await log.append(entriesFor(0, 20));
      const batch = [...entriesFor(20, 3), entriesFor(5, 1)[0]];
      await expect(log.append(batch)).rejects.toBeInstanceOf(DuplicateLeafError);
      expect((await log.state()).size).toBe(20);
      expect(await log.findLeaf('event-20')).toBeUndefined();
      await log.append(entriesFor(20, 10));
      expect((await log.state()).root).toEqual(reference(30).root());
    });

    it('finds a leaf by event id and lists a stream below a tree size', async () => {
      await log.append(entriesFor(0, 50));
      expect(await log.findLeaf('event-17')).toEqual({ ...entriesFor(17, 1)[0], leafIndex: 17 });
      const leaves = await log.streamLeaves('joint-venture-3', 30);
      expect(leaves.map((leaf) => [leaf.leafIndex, leaf.revision])).toEqual([
        [3, 0],
        [10, 1],
        [17, 2],
        [24, 3],
      ]);
      expect(await log.streamLeaves('joint-venture-unknown', 50)).toEqual([]);
    });

    it('reads leaves by index range, in order, across appends', async () => {
      await log.append(entriesFor(0, 5));
      await log.append(entriesFor(5, 40));
      const range = await log.leavesFrom(3, 4);
      expect(range.map((leaf) => leaf.leafIndex)).toEqual([3, 4, 5, 6]);
      expect(range[0]).toEqual(await log.findLeaf(range[0].eventId));
      expect((await log.leavesFrom(43, 10)).map((leaf) => leaf.leafIndex)).toEqual([43, 44]);
      expect(await log.leavesFrom(45, 10)).toEqual([]);
      await expect(log.leavesFrom(-1, 10)).rejects.toThrow(RangeError);
    });

    it('gives every stream its last leaf below a size, also after later appends', async () => {
      await log.append(entriesFor(0, 5));
      await log.append(entriesFor(5, 40));
      const heads = async (size: number) =>
        (await log.headsAt(size))
          .map((leaf) => `${leaf.streamId}@${leaf.revision}#${leaf.leafIndex}`)
          .sort();
      expect(await heads(4)).toEqual([
        'joint-venture-0@0#0',
        'joint-venture-1@0#1',
        'joint-venture-2@0#2',
        'joint-venture-3@0#3',
      ]);
      expect(await heads(45)).toHaveLength(7);
      expect(await heads(45)).toContain('joint-venture-2@6#44');
      const full = (await log.headsAt(45)).find((leaf) => leaf.streamId === 'joint-venture-2');
      expect(full?.eventHash).toEqual(entriesFor(44, 1)[0].eventHash);
      expect(await heads(0)).toEqual([]);
    });
  });
}
