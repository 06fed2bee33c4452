import { jointVentureStreamId, JointVentureNotFoundError } from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import {
  buildBundle,
  KyselyLogStore,
  openCheckpoint,
  openKeys,
  signCheckpoint,
  streamProofs,
  TransparencyLog,
  type Bundle,
  type BundleEvent,
  type Checkpoint,
  type KeyRing,
  type LogInclusionProof,
  type LogLeaf,
  type LogTables,
  type PublishedKey,
  CHECKPOINT_SIGNED,
  CHECKPOINT_STREAM,
  type CheckpointSignedData,
} from '@app/transparency';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../app-config';
import type { Storage } from '../storage/open-storage';

/** DI token of the process's `TransparencyLedger`. */
export const TRANSPARENCY = Symbol('TRANSPARENCY');

export { CHECKPOINT_SIGNED, CHECKPOINT_STREAM, type CheckpointSignedData };

/** A signed checkpoint as stored: its event's data and its index in the checkpoint stream. */
export type StoredCheckpoint = CheckpointSignedData & Readonly<{ position: number }>;

/** The JV has events in the store that the transparency log has not taken in yet. */
export class NotYetInLogError extends Error {
  constructor(readonly jointVentureId: string) {
    super(
      `joint venture ${jointVentureId} is not in the transparency log yet: its consumer is behind, retry shortly`,
    );
    this.name = 'NotYetInLogError';
  }
}

export type TransparencyLedgerOptions = Readonly<{
  log: TransparencyLog;
  keys: KeyRing;
  events: Pick<EventStore, 'readStream' | 'appendToStream'>;
  origin: string;
  clock?: () => Date;
}>;

/** An event as the history API and export bundles show it: `version` is its revision. */
export const historyEntryOf = (event: RecordedEvent): BundleEvent & { committedAt: string } => ({
  id: event.id,
  type: event.type,
  version: event.revision,
  data: event.data,
  metadata: event.metadata,
  committedAt: event.committedAt,
});

const storedOf = (event: RecordedEvent): StoredCheckpoint => {
  const data = event.data as CheckpointSignedData;
  return {
    note: data.note,
    treeSize: data.treeSize,
    rootHash: data.rootHash,
    signedAt: data.signedAt,
    position: event.revision,
  };
};

/**
 * The transparency log as the service offers it (issue 9): the tree the `TransparencyLog`
 * consumer keeps, the keys, the signed checkpoints (events of `transparency-checkpoints`, so
 * they are replicated and backed up with the log), proofs and export bundles.
 */
export class TransparencyLedger {
  readonly log: TransparencyLog;
  readonly keys: KeyRing;
  readonly origin: string;
  private readonly events: TransparencyLedgerOptions['events'];
  private readonly clock: () => Date;

  constructor(options: TransparencyLedgerOptions) {
    this.log = options.log;
    this.keys = options.keys;
    this.origin = options.origin;
    this.events = options.events;
    this.clock = options.clock ?? (() => new Date());
  }

  /** The ledger's log, keys and checkpoints as configured (keys created in DATA_DIR by default). */
  static open(config: AppConfig, storage: Pick<Storage, 'events' | 'readModels'>) {
    const { ring } = openKeys({
      signingKeyFile: config.LEDGER_SIGNING_KEY_FILE,
      keyListFile: config.LEDGER_KEY_LIST_FILE,
      dataDir: config.DATA_DIR,
      name: config.TRANSPARENCY_ORIGIN,
    });
    const db = storage.readModels as unknown as Kysely<LogTables>;
    return new TransparencyLedger({
      log: new TransparencyLog(new KyselyLogStore(db)),
      keys: ring,
      events: storage.events,
      origin: config.TRANSPARENCY_ORIGIN,
    });
  }

  /** Every verifier key with its validity. */
  publishedKeys(): PublishedKey[] {
    return this.keys.published();
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    const [last] = await this.events.readStream(CHECKPOINT_STREAM, {
      direction: 'backwards',
      maxCount: 1,
    });
    return last && storedOf(last);
  }

  /** Checkpoints at positions after `after` (-1: from the first), in order, at most `limit`. */
  async checkpoints(after: number, limit: number): Promise<StoredCheckpoint[]> {
    if (limit <= 0) return [];
    const events = await this.events.readStream(CHECKPOINT_STREAM, {
      fromRevision: Math.max(0, after + 1),
      maxCount: limit,
    });
    return events.map(storedOf);
  }

  /** Signs the log as it is now and stores the checkpoint; undefined while the log is empty. */
  async signNow(): Promise<StoredCheckpoint | undefined> {
    if ((await this.log.state()).size === 0) return undefined;
    const { note, checkpoint } = await signCheckpoint(this.log, {
      origin: this.origin,
      keys: this.keys,
      now: this.clock(),
    });
    const data: CheckpointSignedData = {
      note,
      treeSize: checkpoint.size,
      rootHash: checkpoint.root.toString('base64'),
      signedAt: checkpoint.time,
    };
    const { nextExpectedRevision } = await this.events.appendToStream(CHECKPOINT_STREAM, [
      { id: randomUUID(), type: CHECKPOINT_SIGNED, data, metadata: { origin: this.origin } },
    ]);
    return { ...data, position: nextExpectedRevision };
  }

  /** Signs when the log grew since the latest checkpoint; what was signed, if anything. */
  async signIfGrown(): Promise<StoredCheckpoint | undefined> {
    const [{ size }, latest] = await Promise.all([this.log.state(), this.latest()]);
    if (size === 0 || (latest !== undefined && latest.treeSize >= size)) return undefined;
    return this.signNow();
  }

  /**
   * The audit path of a leaf (from `log.findLeaf`, which the caller checks the event's JV against
   * first) in the tree of `treeSize` (default: the latest checkpoint's).
   */
  async inclusion(leaf: LogLeaf, treeSize?: number): Promise<LogInclusionProof | 'no-checkpoint'> {
    const size = treeSize ?? (await this.latest())?.treeSize;
    if (size === undefined) return 'no-checkpoint';
    if (leaf.leafIndex >= size)
      throw new RangeError(
        `event ${leaf.eventId} is leaf ${leaf.leafIndex}, not in a tree of ${size}`,
      );
    return this.log.inclusionProof(leaf.leafIndex, size);
  }

  /**
   * A self-contained bundle of one JV against a signed checkpoint that covers every event of it
   * the log holds: the latest checkpoint when it does, else a checkpoint signed now.
   */
  async exportBundle(jointVentureId: string): Promise<Bundle> {
    const streamId = jointVentureStreamId(jointVentureId);
    const { size } = await this.log.state();
    const leaves = await this.log.streamLeaves(streamId, size);
    if (leaves.length === 0) {
      const [first] = await this.events.readStream(streamId, { maxCount: 1 });
      if (first === undefined) throw new JointVentureNotFoundError(jointVentureId);
      throw new NotYetInLogError(jointVentureId);
    }
    const lastLeaf = leaves[leaves.length - 1].leafIndex;
    let stored = await this.latest();
    if (stored === undefined || stored.treeSize <= lastLeaf) stored = await this.signNow();
    const checkpoint = this.checkpointOf(stored!.note);
    const proofs = await streamProofs(this.log, streamId, checkpoint);
    const events = await this.events.readStream(streamId, { maxCount: proofs.head.revision + 1 });
    return buildBundle({
      streamId,
      events: events.map(historyEntryOf),
      checkpoint: stored!.note,
      inclusionProofs: proofs.inclusionProofs,
      headProof: proofs.headProof,
      keys: this.publishedKeys(),
    });
  }

  /** A stored note's checkpoint, verified with the ledger's own keys (an edited one is refused). */
  checkpointOf(note: string): Checkpoint {
    const opened = openCheckpoint(note, this.keys.trusted());
    if (!opened.ok)
      throw new Error(`a stored checkpoint does not verify (${opened.reason}): ${opened.message}`);
    return opened.checkpoint;
  }

  /**
   * Signs every `intervalMs` when the log grew, while `isLeaseHolder()` says this process holds
   * the TransparencyLog consumer's lease; returns the function that stops it.
   */
  startPeriodicSigning(
    options: Readonly<{
      intervalMs: number;
      isLeaseHolder: () => boolean;
      onError?: (error: unknown) => void;
    }>,
  ): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      if (!options.isLeaseHolder()) return;
      running = running
        .then(() => this.signIfGrown())
        .catch((error: unknown) => options.onError?.(error));
    }, options.intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }
}
