import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  checkLink,
  hashEvent,
  type ChainHead,
  type EventReader,
  type GlobalPosition,
  type RecordedEvent,
} from '@app/event-store';
import {
  appendToTiles,
  edgeTiles,
  EMPTY_ROOT,
  leafHash,
  tileKey,
  type LogLeaf,
  type Tile,
  type TransparencyLog,
  type TrustedKey,
} from '@app/transparency';
import type { IntegrityFinding } from './integrity-finding';
import { readCheckpoints, type StoredCheckpointCheck } from './stored-checkpoints';

/** What the verifier needs of the transparency log; without it, it checks the chains only. */
export type VerifiedTransparency = Readonly<{
  log: TransparencyLog;
  /** The keys whose checkpoints count (the ledger's key list). */
  trustedKeys: () => readonly TrustedKey[];
}>;

export type LedgerVerifierOptions = Readonly<{
  events: EventReader;
  transparency?: VerifiedTransparency;
  /** Events read at once from the global log. */
  batchSize?: number;
  /** Findings kept per walk; the rest are counted only. */
  maxFindings?: number;
}>;

/**
 * Where a walk of the ledger stands: the last global position read, how many JV events came
 * before (the next one's leaf index), each JV's chain head, the right edge of the tree recomputed
 * from the events, and the signed checkpoints whose size the walk has not reached yet. Kept
 * between runs, it makes the next run read only what was appended since.
 */
export class LedgerWalk {
  position: GlobalPosition | undefined;
  ordinal = 0;
  /** Leaf index of the next leaf to compare (ahead of `ordinal` after a deleted event). */
  leafIndex = 0;
  readonly heads = new Map<string, ChainHead>();
  edge: Tile[] = [];
  root: Buffer = EMPTY_ROOT;
  /** Next revision to read in the checkpoint stream. */
  checkpointRevision = 0;
  pending: StoredCheckpointCheck[] = [];
  findings: IntegrityFinding[] = [];
  /** Findings beyond `maxFindings`, counted. */
  dropped = 0;
  events = 0;
  checkpoints = 0;
}

export type WalkProgress = (eventsRead: number) => void;

export type WalkSession = Readonly<{
  walk: LedgerWalk;
  page(batch: readonly RecordedEvent[]): Promise<IntegrityFinding[]>;
  end(): Promise<IntegrityFinding[]>;
}>;

const REWRITTEN =
  "the event's hash is not the one the transparency log recorded for it: the event was rewritten";

const jointVentureIdOf = (streamId: string) =>
  streamId.startsWith(JOINT_VENTURE_STREAM_PREFIX)
    ? streamId.slice(JOINT_VENTURE_STREAM_PREFIX.length)
    : undefined;

const eventHashBytes = (event: RecordedEvent): Buffer => {
  const stored = event.metadata.hash;
  // A missing or malformed hash is already a `hash` finding; the tree goes on with the recomputed one.
  return typeof stored === 'string' && /^[0-9a-f]{64}$/.test(stored)
    ? Buffer.from(stored, 'hex')
    : Buffer.from(hashEvent(event), 'hex');
};

/**
 * Re-checks the ledger from the event store itself: every JV event's hash and link (revision,
 * prevHash), and with the transparency log: every leaf against the event at its ordinal, no
 * leaf without its event, every stored checkpoint's signature, and the tree at each signed size
 * (recomputed from the events and as stored) against the checkpoint's root. Reads the global log
 * once, in order, in batches; memory grows with the number of JVs, not of events.
 */
export class LedgerVerifier {
  private readonly batchSize: number;
  private readonly maxFindings: number;

  constructor(private readonly options: LedgerVerifierOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxFindings = options.maxFindings ?? 100;
  }

  /** A walk from the first event to the end of the log as it is now. */
  async verifyAll(onProgress?: WalkProgress): Promise<LedgerWalk> {
    return this.advance(new LedgerWalk(), onProgress);
  }

  /**
   * One JV: its chain, each of its leaves against the event at that revision (a leaf past its
   * last event is a deleted one), and every stored checkpoint's signature and stored root.
   */
  async verifyStream(streamId: string): Promise<LedgerWalk> {
    const walk = new LedgerWalk();
    const events = await this.options.events.readStream(streamId);
    for (const event of events) this.checkChain(walk, event);
    walk.events = events.length;
    const transparency = this.options.transparency;
    if (!transparency) return walk;
    const logSize = (await transparency.log.state()).size;
    await this.readNewCheckpoints(walk, transparency, logSize);
    for (const check of walk.pending)
      await this.compareStoredRoot(walk, transparency, check, logSize);
    walk.pending = [];
    const byRevision = new Map(events.map((event) => [event.revision, event]));
    for (const leaf of await transparency.log.streamLeaves(streamId, logSize)) {
      const event = byRevision.get(leaf.revision);
      if (event === undefined || event.id !== leaf.eventId) this.record(walk, this.missing(leaf));
      else if (!leaf.eventHash.equals(eventHashBytes(event)))
        this.record(walk, { ...this.about(leaf), check: 'leaf', message: REWRITTEN });
    }
    return walk;
  }

  /** Continues `walk` to the end of the log: the checkpoints and events added since it stopped. */
  async advance(walk: LedgerWalk, onProgress?: WalkProgress): Promise<LedgerWalk> {
    const session = await this.begin(walk);
    for (;;) {
      const batch = await this.options.events.readAll({
        after: walk.position,
        maxCount: this.batchSize,
        streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
      });
      if (batch.length === 0) break;
      await session.page(batch);
      onProgress?.(walk.events);
    }
    await session.end();
    return walk;
  }

  /**
   * A walk fed by someone else who reads the JV log in order (a rebuild): `page` checks the next
   * events read after `walk.position`, `end` what only the end of the log shows (leaves and
   * checkpoints beyond the last event). Each returns the findings it added.
   */
  async begin(walk = new LedgerWalk()): Promise<WalkSession> {
    const transparency = this.options.transparency;
    const logSize = transparency ? (await transparency.log.state()).size : 0;
    if (transparency) await this.readNewCheckpoints(walk, transparency, logSize);
    const leaves = new LeafCursor(transparency?.log, walk, logSize, this.batchSize);
    const added = async (work: () => Promise<void>) => {
      const before = walk.findings.length;
      await work();
      return walk.findings.slice(before);
    };
    return {
      walk,
      page: (batch) => added(() => this.page(walk, leaves, batch)),
      end: () => added(async () => (transparency ? this.finish(walk, leaves) : undefined)),
    };
  }

  private async page(walk: LedgerWalk, leaves: LeafCursor, batch: readonly RecordedEvent[]) {
    const transparency = this.options.transparency;
    let hashes: Buffer[] = [];
    for (const event of batch) {
      this.checkChain(walk, event);
      const hash = eventHashBytes(event);
      if (transparency) await this.compareLeaf(walk, leaves, event, hash);
      hashes.push(leafHash(hash));
      walk.ordinal += 1;
      if (walk.pending[0]?.size === walk.ordinal) {
        this.extendTree(walk, hashes);
        hashes = [];
        await this.reachCheckpoints(walk, transparency!);
      }
    }
    this.extendTree(walk, hashes);
    if (batch.length > 0) walk.position = batch[batch.length - 1].position;
    walk.events += batch.length;
  }

  private record(walk: LedgerWalk, finding: IntegrityFinding): void {
    if (walk.findings.length < this.maxFindings) walk.findings.push(finding);
    else walk.dropped += 1;
  }

  private checkChain(walk: LedgerWalk, event: RecordedEvent): void {
    const broken = checkLink(event, walk.heads.get(event.streamId));
    if (broken)
      this.record(walk, {
        check: broken.check,
        streamId: event.streamId,
        jointVentureId: jointVentureIdOf(event.streamId),
        eventId: event.id,
        revision: event.revision,
        message: broken.reason,
      });
    // Chained on from what is stored, so one edited event is one finding, not a cascade.
    walk.heads.set(event.streamId, { revision: event.revision, hash: String(event.metadata.hash) });
  }

  /** The event at this ordinal must be the leaf's event, with the hash the log recorded. */
  private async compareLeaf(
    walk: LedgerWalk,
    leaves: LeafCursor,
    event: RecordedEvent,
    hash: Buffer,
  ): Promise<void> {
    for (let leaf = await leaves.peek(); leaf !== undefined; leaf = await leaves.peek()) {
      leaves.take();
      if (leaf.eventId === event.id) {
        if (!leaf.eventHash.equals(hash))
          this.record(walk, {
            ...this.about(leaf),
            check: 'leaf',
            message: REWRITTEN,
          });
        return;
      }
      if (await this.exists(leaf)) {
        this.record(walk, {
          ...this.about(leaf),
          check: 'leaf',
          message: `leaf ${leaf.leafIndex} is this event, but the store has event ${event.id} (${event.streamId} version ${event.revision}) in its place: events were moved`,
        });
        return;
      }
      this.record(walk, this.missing(leaf));
    }
  }

  private async exists(leaf: LogLeaf): Promise<boolean> {
    const [found] = await this.options.events.readStream(leaf.streamId, {
      fromRevision: leaf.revision,
      maxCount: 1,
    });
    return found?.id === leaf.eventId && found.revision === leaf.revision;
  }

  private about(leaf: LogLeaf) {
    return {
      streamId: leaf.streamId,
      jointVentureId: jointVentureIdOf(leaf.streamId),
      eventId: leaf.eventId,
      revision: leaf.revision,
      leafIndex: leaf.leafIndex,
    };
  }

  private missing(leaf: LogLeaf): IntegrityFinding {
    return {
      ...this.about(leaf),
      check: 'missing-event',
      message: `the transparency log holds this event (leaf ${leaf.leafIndex}) but the event store does not: it was deleted`,
    };
  }

  /** Appends leaf hashes to the recomputed tree, keeping only its right edge. */
  private extendTree(walk: LedgerWalk, leafHashes: readonly Buffer[]): void {
    if (leafHashes.length === 0) return;
    const size = walk.ordinal - leafHashes.length;
    const { tiles, root } = appendToTiles(size, walk.edge, leafHashes);
    const known = new Map([...walk.edge, ...tiles].map((tile) => [tileKey(tile), tile]));
    walk.edge = edgeTiles(walk.ordinal).map((id) => known.get(tileKey(id))!);
    walk.root = root;
  }

  private async readNewCheckpoints(
    walk: LedgerWalk,
    transparency: VerifiedTransparency,
    logSize: number,
  ): Promise<void> {
    const read = await readCheckpoints(
      this.options.events,
      walk.checkpointRevision,
      transparency.trustedKeys(),
    );
    for (const entry of read) {
      walk.checkpointRevision = entry.revision + 1;
      walk.checkpoints += 1;
      if (entry.finding) {
        this.record(walk, entry.finding);
        continue;
      }
      const check = entry.check!;
      if (check.size > walk.ordinal) {
        walk.pending.push(check);
        walk.pending.sort((a, b) => a.size - b.size);
      } else await this.compareStoredRoot(walk, transparency, check, logSize);
    }
  }

  /** The walk reached the size of pending checkpoints: compare the recomputed and stored roots. */
  private async reachCheckpoints(walk: LedgerWalk, transparency: VerifiedTransparency) {
    const logSize = (await transparency.log.state()).size;
    while (walk.pending[0]?.size === walk.ordinal) {
      const check = walk.pending.shift()!;
      if (!walk.root.equals(check.root))
        this.record(walk, {
          check: 'tree-root',
          streamId: check.streamId,
          revision: check.revision,
          treeSize: check.size,
          message: `the tree over the stored events at size ${check.size} is not the root signed in this checkpoint: events before it were changed, removed or reordered`,
        });
      await this.compareStoredRoot(walk, transparency, check, logSize);
    }
  }

  private async compareStoredRoot(
    walk: LedgerWalk,
    transparency: VerifiedTransparency,
    check: StoredCheckpointCheck,
    logSize: number,
  ): Promise<void> {
    const stored = check.size <= logSize ? await transparency.log.root(check.size) : undefined;
    if (stored?.equals(check.root)) return;
    this.record(walk, {
      check: 'tree-root',
      streamId: check.streamId,
      revision: check.revision,
      treeSize: check.size,
      message: stored
        ? `the stored transparency log's root at size ${check.size} is not the one signed in this checkpoint`
        : `the checkpoint signs a tree of ${check.size} leaves; the stored log has only ${logSize}`,
    });
  }

  /** The end of the events: leaves left over lost their event; checkpoints beyond it lost theirs. */
  private async finish(walk: LedgerWalk, leaves: LeafCursor): Promise<void> {
    for (let leaf = await leaves.peek(); leaf !== undefined; leaf = await leaves.peek()) {
      // An event appended after this walk read the log may already be a leaf: not a finding.
      if (await this.exists(leaf)) break;
      leaves.take();
      this.record(walk, this.missing(leaf));
    }
    // Pending ones are beyond the walk's size: every event they sign was in the store before them.
    for (const check of walk.pending)
      this.record(walk, {
        check: 'tree-root',
        streamId: check.streamId,
        revision: check.revision,
        treeSize: check.size,
        message: `the checkpoint signs ${check.size} events; the store holds only ${walk.ordinal} joint-venture events`,
      });
    walk.pending = [];
  }
}

/** Reads the log's leaves in order, a batch at a time, from the walk's leaf index. */
class LeafCursor {
  private buffer: LogLeaf[] = [];
  private next = 0;

  constructor(
    private readonly log: TransparencyLog | undefined,
    private readonly walk: LedgerWalk,
    private readonly logSize: number,
    private readonly batchSize: number,
  ) {}

  async peek(): Promise<LogLeaf | undefined> {
    if (this.next === this.buffer.length && this.log && this.walk.leafIndex < this.logSize) {
      this.buffer = await this.log.leavesFrom(
        this.walk.leafIndex,
        Math.min(this.batchSize, this.logSize - this.walk.leafIndex),
      );
      this.next = 0;
    }
    return this.buffer[this.next];
  }

  take(): void {
    this.next += 1;
    this.walk.leafIndex += 1;
  }
}
