import {
  EVENT_SCHEMA_VERSIONS,
  evolve,
  fromStored,
  initialState,
  jointVentureStreamId,
  type CommandContext,
  type JointVentureEvent,
  type JointVentureEventMetadata,
  type JointVentureState,
} from '@app/domain';
import { hashEvent, type EventStore } from '@app/event-store';

/** A JV's folded state with where its stream ends: what a command is decided against. */
export type LoadedJointVenture = Readonly<{
  state: JointVentureState;
  /** Revision of the last event; undefined when the stream does not exist. */
  revision: number | undefined;
  /** Hash of the last event, the next event's prevHash. */
  lastHash: string | null;
}>;

/**
 * Reads and writes joint-venture streams. Folded states are cached (LRU), and a load reads
 * only the events after the cached revision, so a command's cost does not grow with the
 * length of the stream; the stream stays the truth, so another writer is simply caught up on.
 */
export class JointVentureRepository {
  private readonly cache = new Map<string, LoadedJointVenture>();

  constructor(
    private readonly store: EventStore,
    private readonly cacheSize: number,
  ) {}

  async load(jointVentureId: string): Promise<LoadedJointVenture> {
    const streamId = jointVentureStreamId(jointVentureId);
    const cached = this.cache.get(streamId);
    const fromRevision = cached?.revision === undefined ? 0 : cached.revision + 1;
    const events = await this.store.readStream(streamId, { fromRevision });
    let loaded: LoadedJointVenture = cached ?? {
      state: initialState(),
      revision: undefined,
      lastHash: null,
    };
    for (const event of events) {
      loaded = {
        // With the event's id and revision (fromStored keeps them), as a correction names facts.
        state: evolve(loaded.state, fromStored(event)),
        revision: event.revision,
        lastHash: (event.metadata.hash as string | undefined) ?? null,
      };
    }
    this.remember(streamId, loaded);
    return loaded;
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
      this.remember(streamId, {
        // Folded as a load would fold them, ids and revisions included (a correction names them).
        state: events.reduce<JointVentureState>(
          (state, event, i) => evolve(state, { ...event, id: eventIds[i], revision: first + i }),
          loaded.state,
        ),
        revision: result.nextExpectedRevision,
        lastHash: prevHash,
      });
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

  private remember(streamId: string, loaded: LoadedJointVenture): void {
    if (this.cacheSize === 0 || loaded.revision === undefined) return;
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > this.cacheSize)
      this.cache.delete(this.cache.keys().next().value as string);
  }
}
