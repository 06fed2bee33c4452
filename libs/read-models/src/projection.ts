/**
 * What a projection is: a named consumer of the joint-venture log that owns some tables and
 * folds recorded events into them. Consumers and rebuilds drive every projection the same way.
 */
import {
  fromStored,
  jointVentureIdOf,
  type JointVentureEvent,
  type JointVentureEventMetadata,
} from '@app/domain';
import type { RecordedEvent, TableDefinition } from '@app/event-store';
import type { Kysely, SchemaModule } from 'kysely';
import type { ReadModelDb } from './read-model-db';

/** A recorded event of a `joint-venture-<uuid>` stream, upcast to its current typed form. */
export type ProjectedEvent<E extends JointVentureEvent = JointVentureEvent> =
  E extends JointVentureEvent
    ? Omit<RecordedEvent, 'type' | 'data' | 'metadata'> &
        E &
        Readonly<{ jointVentureId: string; metadata: JointVentureEventMetadata }>
    : never;

export interface Projection {
  /** Consumer name, also the key of its checkpoint (`JointVentureSummaries`). */
  readonly name: string;
  /**
   * The revision of what its tables hold. When it differs from the one a database was built
   * with, `migrateReadModels` drops the tables and the checkpoint, and the projection rebuilds
   * them from the log.
   */
  readonly shape: number;
  /** Its tables, parents first; created by `migrateReadModels`, copied by a rebuild. */
  readonly tables: readonly TableDefinition[];
  /** Secondary indexes the queries need, on the live tables only (not on a rebuild's copies). */
  createIndexes(schema: SchemaModule): Promise<void>;
  /**
   * Applies one event inside the caller's transaction. Must leave the tables unchanged when
   * the event was applied before (at-least-once delivery, replays).
   */
  handle(trx: Kysely<ReadModelDb>, event: ProjectedEvent): Promise<void>;
}

/**
 * The typed event a projection receives, or undefined for streams that are not joint
 * ventures. Throws for a type or schema version this code cannot read: skipping such an event
 * would leave the read models silently wrong, so the projection stops there and reports it.
 */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent | undefined {
  const jointVentureId = jointVentureIdOf(recorded.streamId);
  if (jointVentureId === undefined) return undefined;
  const { type, data } = fromStored(recorded);
  const recordedAt = recorded.metadata.recordedAt;
  const metadata = {
    ...recorded.metadata,
    // Canonical UTC form, so stored instants order correctly as text in every dialect.
    recordedAt: canonicalInstant(
      typeof recordedAt === 'string' ? recordedAt : recorded.committedAt,
    ),
  };
  const { id, streamId, revision, position, committedAt } = recorded;
  return {
    id,
    streamId,
    revision,
    position,
    committedAt,
    jointVentureId,
    type,
    data,
    metadata,
  } as ProjectedEvent;
}

/** Applies recorded events, in order, to each projection, inside the caller's transaction. */
export async function applyEvents(
  trx: Kysely<ReadModelDb>,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
): Promise<void> {
  for (const recorded of events) {
    const event = toProjectedEvent(recorded);
    if (event === undefined) continue;
    for (const projection of projections) await projection.handle(trx, event);
  }
}

function canonicalInstant(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`recordedAt '${iso}' is not an ISO-8601 instant`);
  return new Date(time).toISOString();
}
