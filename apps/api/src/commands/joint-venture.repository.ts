import {
  EVENT_SCHEMA_VERSIONS,
  evolve,
  fromStored,
  initialState,
  jointVentureIdOf,
  jointVentureStreamId,
  type CommandContext,
  type JointVentureEvent,
  type JointVentureEventMetadata,
  type JointVentureState,
} from '@app/domain';
import { hashEvent, type EventStore } from '@app/event-store';
import type { StateSnapshots } from './snapshots/state-snapshots';

/** A JV's folded state with where its stream ends: what a command is decided against. */
export type LoadedJointVenture = Readonly<{
  state: JointVentureState;
  /** Revision of the last event; undefined when the stream does not exist. */
  revision: number | undefined;
  /** Hash of the last event, the next event's prevHash. */
  lastHash: string | null;
  /** Revision of the newest snapshot known to be kept of the stream (-1: none). */
  snapshotRevision?: number;
}>;

/**
 * Reads and writes joint-venture streams. Folded states are cached (LRU), and a load reads
 * only the events after the cached revision, so a command's cost does not grow with the
 * length of the stream; the stream stays the truth, so another writer is simply caught up on.
 * On a cache miss the state resumes from the stream's newest snapshot that fits it, and every
 * `SNAPSHOT_EVERY` events a new one is queued, written after the answer.
 */
export class JointVentureRepository {
  private readonly cache = new Map<string, LoadedJointVenture>();

  constructor(
    private readonly store: EventStore,
    private readonly cacheSize: number,
    private readonly snapshots?: StateSnapshots,
  ) {}

  async load(
    jointVentureId: string,
    reader: 'command' | 'prewarm' = 'command',
  ): Promise<LoadedJointVenture> {
    const streamId = jointVentureStreamId(jointVentureId);
    let cached = this.cache.get(streamId);
    if (cached) this.snapshots?.observe(reader, 'cache');
    else cached = await this.resume(streamId, reader);
    const fromRevision = cached?.revision === undefined ? 0 : cached.revision + 1;
    const events = await this.store.readStream(streamId, { fromRevision });
    let loaded: LoadedJointVenture = cached ?? {
      state: initialState(),
      revision: undefined,
      lastHash: null,
      snapshotRevision: -1,
    };
    for (const event of events) {
      loaded = {
        // With the event's id and revision (fromStored keeps them), as a correction names facts.
        state: evolve(loaded.state, fromStored(event)),
        revision: event.revision,
        lastHash: (event.metadata.hash as string | undefined) ?? null,
        snapshotRevision: loaded.snapshotRevision,
      };
    }
    loaded = this.offerSnapshot(streamId, loaded);
    this.remember(streamId, loaded);
    return loaded;
  }

  /** Loads the JVs whose snapshots were written last (SNAPSHOT_PREWARM): their first command finds them warm. */
  async prewarm(limit: number): Promise<number> {
    const streams = (await this.snapshots?.recentStreams(limit)) ?? [];
    for (const streamId of streams) {
      const id = jointVentureIdOf(streamId);
      if (id !== undefined) await this.load(id, 'prewarm');
    }
    return streams.length;
  }

  /**
   * Appends the decided events after `loaded`, each with the command's context as its metadata
   * and its hash chained to the one before. Throws the store's WrongExpectedRevisionError when
   * another writer got there first.
   */
  async append(
    jointVentureId: string,
    loaded: LoadedJointVenture,
    events: readonly JointVentureEvent[],
    eventIds: readonly string[],
    context: CommandContext,
    recordedAt: string,
  ): Promise<number> {
    const streamId = jointVentureStreamId(jointVentureId);
    let prevHash = loaded.lastHash;
    let revision = loaded.revision === undefined ? 0 : loaded.revision + 1;
    const toAppend = events.map((event, index) => {
      const unhashed = {
        actor: context.actor,
        recordedAt,
        ...(context.reason ? { reason: context.reason } : {}),
        correlationId: context.correlationId,
        ...(context.causationId ? { causationId: context.causationId } : {}),
        schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
        prevHash,
      };
      const id = eventIds[index];
      const hash = hashEvent({
        id,
        streamId,
        revision,
        type: event.type,
        data: event.data,
        metadata: unhashed,
      });
      const metadata: JointVentureEventMetadata = { ...unhashed, hash };
      prevHash = hash;
      revision += 1;
      return { id, type: event.type, data: event.data, metadata };
    });
    try {
      const result = await this.store.appendToStream(streamId, toAppend, {
        expectedRevision: loaded.revision ?? 'no_stream',
      });
      const first = loaded.revision === undefined ? 0 : loaded.revision + 1;
      const appended = this.offerSnapshot(streamId, {
        // Folded as a load would fold them, ids and revisions included (a correction names them).
        state: events.reduce<JointVentureState>(
          (state, event, i) => evolve(state, { ...event, id: eventIds[i], revision: first + i }),
          loaded.state,
        ),
        revision: result.nextExpectedRevision,
        lastHash: prevHash,
        snapshotRevision: loaded.snapshotRevision,
      });
      this.remember(streamId, appended);
      return result.nextExpectedRevision;
    } catch (error) {
      this.cache.delete(streamId);
      throw error;
    }
  }

  /** Ids of up to `count` events from `fromRevision` on: how a crashed idempotent command is recognised. */
  async eventIdsFrom(
    jointVentureId: string,
    fromRevision: number,
    count: number,
  ): Promise<string[]> {
    const events = await this.store.readStream(jointVentureStreamId(jointVentureId), {
      fromRevision,
      maxCount: count,
    });
    return events.map((event) => event.id);
  }

  /** A miss in the cache: from the newest snapshot that fits the stream, else from nothing. */
  private async resume(
    streamId: string,
    reader: 'command' | 'prewarm',
  ): Promise<LoadedJointVenture | undefined> {
    const resumed = await this.snapshots?.resume(this.store, streamId);
    this.snapshots?.observe(reader, resumed ? 'snapshot' : 'replay');
    if (!resumed) return undefined;
    return {
      state: resumed.state,
      revision: resumed.last.revision,
      lastHash: (resumed.last.metadata.hash as string | undefined) ?? null,
      snapshotRevision: resumed.snapshot.revision,
    };
  }

  private offerSnapshot(streamId: string, loaded: LoadedJointVenture): LoadedJointVenture {
    if (!this.snapshots) return loaded;
    const snapshotRevision = this.snapshots.offer(
      streamId,
      loaded.state,
      loaded.lastHash,
      loaded.snapshotRevision ?? -1,
    );
    return snapshotRevision === loaded.snapshotRevision ? loaded : { ...loaded, snapshotRevision };
  }

  private remember(streamId: string, loaded: LoadedJointVenture): void {
    if (this.cacheSize === 0 || loaded.revision === undefined) return;
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > this.cacheSize)
      this.cache.delete(this.cache.keys().next().value as string);
  }
}
