import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  isTransientSqlError,
  LogConsumer,
  migrateConsumerTables,
  type CheckpointStore,
  type ConsumerTables,
  type EventReader,
  type LogConsumerOptions,
} from '@app/event-store';
import type { Kysely } from 'kysely';
import { jointVentureDetails } from './joint-venture-details/details.projection';
import { jointVentureSummaries } from './joint-venture-summaries/summaries.projection';
import { jointVentureTimeline } from './joint-venture-timeline/timeline.projection';
import { jointVenturePendingApprovals } from './pending-approvals/pending-approvals.projection';
import { applyEvents, type Projection } from './projection';
import type { ReadModelDb } from './read-model-db';
import { migrateProjectionTables, migrateShapes, type ShapeTables } from './read-model-shapes';

/** Every read model of the ledger, in the order a rebuild reports them. */
export const JOINT_VENTURE_PROJECTIONS: readonly Projection[] = [
  jointVentureSummaries,
  jointVentureDetails,
  jointVentureTimeline,
  jointVenturePendingApprovals,
];

/**
 * Creates the consumers' tables (checkpoints, leases, dead letters) and each projection's tables
 * and indexes where missing, and replaces the tables of a projection whose shape changed (it
 * then rebuilds from the log); safe to run at every start-up, from any number of processes.
 */
export async function migrateReadModels(
  db: Kysely<ReadModelDb>,
  projections: readonly Projection[] = JOINT_VENTURE_PROJECTIONS,
): Promise<void> {
  await migrateConsumerTables(db.schema);
  // Only the shapes and checkpoint tables: the projections' own tables are created by name.
  const tables = db as unknown as Kysely<ShapeTables & ConsumerTables>;
  await migrateShapes(tables);
  for (const projection of projections) {
    await migrateProjectionTables(tables, projection);
    await projection.createIndexes(db.schema);
  }
}

export type ProjectionConsumerOptions = Readonly<{
  events: Pick<EventReader, 'subscribeToAll'>;
  /** The checkpoint store over the read models' own database. */
  checkpoints: CheckpointStore<Kysely<ReadModelDb>>;
  /**
   * Most events applied in one transaction (default 500). Live, batches are as small as the
   * appends; catching up, larger batches mean fewer commits (~35% faster than 100 here).
   */
  maxBatchSize?: number;
  onError?: (error: unknown, attempt: number) => void;
  lease?: LogConsumerOptions<Kysely<ReadModelDb>>['lease'];
  /** Where events the projection keeps refusing are parked (the database's dead letters). */
  deadLetters?: LogConsumerOptions<Kysely<ReadModelDb>>['deadLetters'];
}>;

/** Keeps one projection up to date: its writes and its checkpoint commit together. */
export function projectionConsumer(
  projection: Projection,
  options: ProjectionConsumerOptions,
): LogConsumer<Kysely<ReadModelDb>> {
  return new LogConsumer({
    name: projection.name,
    events: options.events,
    checkpoints: options.checkpoints,
    streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
    maxBatchSize: options.maxBatchSize,
    onError: options.onError,
    lease: options.lease,
    deadLetters: options.deadLetters,
    handler: {
      kind: 'transactional',
      isTransient: isTransientSqlError,
      handle: (events, trx) => applyEvents(trx, [projection], events),
    },
  });
}
