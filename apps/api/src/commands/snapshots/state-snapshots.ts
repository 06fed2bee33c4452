import {
  evolve,
  EVOLVE_VERSION,
  fromStored,
  snapshotFits,
  type JointVentureState,
  type StateSnapshot,
} from '@app/domain';
import type { EventReader, RecordedEvent } from '@app/event-store';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { StateSnapshotStore } from './state-snapshot.store';

/** Who read a state (commands, auditors' time travel, the prewarm at start) and from what. */
export type StateReader = 'command' | 'audit' | 'prewarm';
export type StateSource = 'cache' | 'snapshot' | 'replay';

export type SnapshotObserver = Readonly<{
  loaded(reader: StateReader, source: StateSource): void;
  written(): void;
}>;

export type SnapshotSettings = Readonly<{
  /** A snapshot is written once a state is this many events past the last one; 0: none used. */
  every: number;
  /** Snapshots kept per stream, the newest. */
  keep: number;
}>;

/** A state resumed from a snapshot, with the stream's events after it up to where it was asked. */
export type Resumed = Readonly<{
  snapshot: StateSnapshot;
  state: JointVentureState;
  /** The last event folded: the snapshot's own when nothing came after it. */
  last: RecordedEvent;
  /** How many events were folded onto the snapshot. */
  folded: number;
}>;

/**
 * The snapshots the command side and the auditors' reads share: found and checked against the
 * stream before use (`snapshotFits`), written off the command's critical path (queued, one at
 * a time, after the current turn of the event loop, so after the answer that produced it). A
 * cache: a snapshot that cannot be read or written only costs a replay.
 */
export class StateSnapshots implements OnModuleDestroy {
  private readonly logger = new Logger('StateSnapshots');
  private readonly pending = new Map<string, StateSnapshot>();
  private writing: Promise<void> | undefined;

  constructor(
    private readonly store: StateSnapshotStore,
    readonly settings: SnapshotSettings,
    private readonly observer?: SnapshotObserver,
  ) {}

  get enabled(): boolean {
    return this.settings.every > 0;
  }

  observe(reader: StateReader, source: StateSource): void {
    this.observer?.loaded(reader, source);
  }

  /**
   * The stream's state up to `until` (its end by default) from its newest snapshot at or below
   * it that fits the stream; undefined when there is none, and the caller replays.
   */
  async resume(
    events: EventReader,
    streamId: string,
    until?: number,
  ): Promise<Resumed | undefined> {
    if (!this.enabled) return undefined;
    let snapshot: StateSnapshot | undefined;
    try {
      snapshot = await this.store.latest(streamId, EVOLVE_VERSION, until);
    } catch (error) {
      this.logger.warn(`reading the snapshot of ${streamId} failed, replaying: ${String(error)}`);
      return undefined;
    }
    if (!snapshot) return undefined;
    const read = await events.readStream(streamId, {
      fromRevision: snapshot.revision,
      ...(until === undefined ? {} : { maxCount: until - snapshot.revision + 1 }),
    });
    const [at, ...after] = read;
    if (!snapshotFits(snapshot, at && { ...at, hash: at.metadata.hash as string | undefined })) {
      this.logger.warn(
        `the snapshot of ${streamId} at revision ${snapshot.revision} does not fit the stream, replaying`,
      );
      return undefined;
    }
    const state = after.reduce((s, event) => evolve(s, fromStored(event)), snapshot.state);
    return { snapshot, state, last: read[read.length - 1], folded: after.length };
  }

  /**
   * Queues a snapshot of `state` when it is `every` events past `sinceRevision` (the newest one
   * known of its stream); returns the revision of the newest one known after this.
   */
  offer(
    streamId: string,
    state: JointVentureState,
    eventHash: string | null,
    sinceRevision: number,
  ): number {
    if (!this.enabled || state.status !== 'existing' || eventHash === null) return sinceRevision;
    if (state.version - sinceRevision < this.settings.every) return sinceRevision;
    this.pending.set(streamId, {
      streamId,
      revision: state.version,
      evolveVersion: EVOLVE_VERSION,
      eventHash,
      state,
    });
    this.schedule();
    return state.version;
  }

  /** Streams with the most recently written snapshots: the JVs worth loading at start. */
  async recentStreams(limit: number): Promise<string[]> {
    if (!this.enabled || limit === 0) return [];
    return this.store.recentStreams(EVOLVE_VERSION, limit);
  }

  /** Resolves once every queued snapshot is written (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private schedule(): void {
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.writing = undefined;
        // One offered between the last write and here would otherwise wait for the next offer.
        if (this.pending.size > 0) this.schedule();
      });
  }

  private async drain(): Promise<void> {
    for (const [streamId, snapshot] of this.pending) {
      this.pending.delete(streamId);
      try {
        await this.store.save(snapshot, this.settings.keep, new Date().toISOString());
        this.observer?.written();
      } catch (error) {
        this.logger.warn(`writing the snapshot of ${streamId} failed: ${String(error)}`);
      }
    }
  }
}
