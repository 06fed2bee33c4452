import {
  BUNDLE_FORMAT,
  type Bundle,
  type BundleEvent,
  type Checkpoint,
} from '../verifier/offline.verifier';
import { HeadsTree, type HeadProof } from '../checkpoint/heads-tree';
import type { PublishedKey } from '../keys/key-ring';
import type { LogLeaf } from '../log/log-store.port';
import type { InclusionProof, TransparencyLog } from '../log/transparency-log';

export { BUNDLE_FORMAT, type Bundle, type BundleEvent } from '../verifier/offline.verifier';

export type BundleParts = Readonly<{
  streamId: string;
  /** The JV's events from version 0 to its head at the checkpoint, as the history API returns them. */
  events: readonly BundleEvent[];
  /** The signed checkpoint note. */
  checkpoint: string;
  /** One per event, in the same order, at the checkpoint's size. */
  inclusionProofs: readonly InclusionProof[];
  headProof: HeadProof;
  keys: readonly PublishedKey[];
}>;

const base64 = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('base64'));

/** Assembles an export bundle from its parts; refuses parts that cannot belong together. */
export function buildBundle(parts: BundleParts): Bundle {
  const { streamId, events, checkpoint, inclusionProofs, headProof, keys } = parts;
  if (events.length === 0) throw new RangeError('a bundle holds at least one event');
  if (inclusionProofs.length !== events.length)
    throw new RangeError(`${events.length} events but ${inclusionProofs.length} inclusion proofs`);
  events.forEach((event, i) => {
    if (event.version !== i) throw new RangeError(`event ${i} has version ${event.version}`);
  });
  return {
    format: BUNDLE_FORMAT,
    streamId,
    events: events.map(({ id, type, version, data, metadata, committedAt }) => ({
      id,
      type,
      version,
      data,
      metadata,
      ...(committedAt !== undefined && { committedAt }),
    })),
    checkpoint,
    inclusionProofs: inclusionProofs.map(({ leafIndex, auditPath }) => ({
      leafIndex,
      auditPath: base64(auditPath),
    })),
    headProof: { index: headProof.index, auditPath: base64(headProof.auditPath) },
    keys: keys.map(({ verifierKey, notBefore, notAfter }) => ({
      verifierKey,
      ...(notBefore && { notBefore }),
      ...(notAfter && { notAfter }),
    })),
  };
}

/**
 * The log no longer matches a checkpoint it signed: its tree or its heads changed. Carries the
 * checkpoint's size and the log's size when it was found, for the alarm to name.
 */
export class CheckpointMismatchError extends Error {
  constructor(
    readonly part: 'root' | 'heads' | 'stream',
    message: string,
    readonly checkpointSize: number,
    readonly logSize: number,
  ) {
    super(message);
    this.name = 'CheckpointMismatchError';
  }
}

/** A JV with no event below the checkpoint's size: nothing to prove against it. */
export class StreamNotInCheckpointError extends Error {
  constructor(
    readonly streamId: string,
    readonly treeSize: number,
  ) {
    super(`${streamId} has no event in the checkpoint of size ${treeSize}`);
    this.name = 'StreamNotInCheckpointError';
  }
}

export type StreamProofs = Readonly<{
  /** The JV's last leaf at the checkpoint: export its events from version 0 to `head.revision`. */
  head: LogLeaf;
  leaves: readonly LogLeaf[];
  inclusionProofs: InclusionProof[];
  headProof: HeadProof;
}>;

/**
 * What an export of one JV needs from the log against a signed checkpoint: an inclusion proof
 * for each of its events below the checkpoint's size and the proof of its head. Refuses when the
 * log no longer reproduces the checkpoint's root or heads, which means tampering or a lost tree.
 */
export async function streamProofs(
  log: TransparencyLog,
  streamId: string,
  checkpoint: Checkpoint,
): Promise<StreamProofs> {
  const { size } = checkpoint;
  const mismatch = async (part: CheckpointMismatchError['part'], message: string) =>
    new CheckpointMismatchError(part, message, size, (await log.state()).size);
  if (!(await log.root(size)).equals(checkpoint.root))
    throw await mismatch('root', `the log's root at size ${size} is not the checkpoint's`);
  const leaves = await log.streamLeaves(streamId, size);
  if (leaves.length === 0) throw new StreamNotInCheckpointError(streamId, size);
  const outOfOrder = leaves.findIndex((leaf, i) => leaf.revision !== i);
  if (outOfOrder >= 0) {
    const leaf = leaves[outOfOrder];
    throw await mismatch(
      'stream',
      `${streamId}: leaf ${leaf.leafIndex} has revision ${leaf.revision}, expected ${outOfOrder}`,
    );
  }
  const heads = HeadsTree.of(await log.headsAt(size));
  if (heads.count !== checkpoint.heads.count || !heads.root.equals(checkpoint.heads.root))
    throw await mismatch('heads', `the log's heads at size ${size} are not the checkpoint's`);
  const inclusionProofs = await log.inclusionProofs(
    leaves.map((leaf) => leaf.leafIndex),
    size,
  );
  return {
    head: leaves[leaves.length - 1],
    leaves,
    inclusionProofs,
    headProof: heads.proof(streamId)!,
  };
}
