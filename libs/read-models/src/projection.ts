/**
 * What a projection is: a named subscription that owns some tables and folds recorded
 * joint-venture events into them. Runners and rebuilds drive every projection the same way.
 */
import {
  jointVentureIdOf,
  upcast,
  type JointVentureEvent,
  type JointVentureEventType,
  type LedgerEventMetadata,
  type Phase,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Kysely } from 'kysely';
import type { ReadModelDb, ReadModelTable } from './read-model-db';

/** A recorded event of a `joint-venture-<uuid>` stream, upcast to its current typed form. */
export type ProjectedEvent<E extends JointVentureEvent = JointVentureEvent> =
  E extends JointVentureEvent
    ? Omit<RecordedEvent, 'type' | 'data' | 'metadata'> &
        E &
        Readonly<{ jointVentureId: string; metadata: LedgerEventMetadata }>
    : never;

/** A table a projection owns and the columns a rebuild copies into the live one. */
export type OwnedTable = Readonly<{ name: ReadModelTable; columns: readonly string[] }>;

export interface Projection {
  /** Subscription name, also the key of its checkpoint (`JointVentureSummaries`). */
  readonly name: string;
  /** Its tables, parents first. */
  readonly tables: readonly OwnedTable[];
  /**
   * Creates its tables if missing. Also run through `withSchema` to build fresh tables for a
   * rebuild, so only primary keys here: SQLite cannot place an index in another schema.
   */
  createTables(db: Kysely<ReadModelDb>): Promise<void>;
  /** Secondary indexes the queries need, on the live tables only. */
  createIndexes(db: Kysely<ReadModelDb>): Promise<void>;
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
  const schemaVersion = (recorded.metadata.schemaVersion as number | undefined) ?? 1;
  const { type, data } = upcast(recorded.type, schemaVersion, recorded.data);
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

function canonicalInstant(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`recordedAt '${iso}' is not an ISO-8601 instant`);
  return new Date(time).toISOString();
}

/** The phase each event enters; events that record a fact inside a phase enter none. */
export const PHASE_ENTERED_BY: Readonly<Partial<Record<JointVentureEventType, Phase>>> = {
  JointVentureEstablished: 'established',
  DevelopmentStarted: 'development',
  ProductionStarted: 'production',
  ModernizationStarted: 'modernization',
  ModernizationCompleted: 'production',
  RepairStarted: 'repair',
  RepairCompleted: 'production',
  DisposalStarted: 'disposal',
  DisposalCompleted: 'closed',
  JointVentureDissolved: 'dissolved',
};

/**
 * The column list of a row type. Taking a record of every key makes the compiler reject a
 * list that misses or invents a column.
 */
export function columnsOf<Row>(names: Readonly<Record<keyof Row & string, true>>): string[] {
  return Object.keys(names);
}
