import type { Kysely } from 'kysely';
import { createCheckpointTable } from './checkpoints';
import { jointVentureDetails } from './joint-venture-details/details.projection';
import { jointVentureSummaries } from './joint-venture-summaries/summaries.projection';
import { jointVentureTimeline } from './joint-venture-timeline/timeline.projection';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-db';

/** Every read model of the ledger, in the order a rebuild reports them. */
export const JOINT_VENTURE_PROJECTIONS: readonly Projection[] = [
  jointVentureSummaries,
  jointVentureDetails,
  jointVentureTimeline,
];

/**
 * Creates the checkpoint table and each projection's tables and indexes where missing; safe
 * to run at every start-up, from any number of processes.
 */
export async function migrateReadModels(
  db: Kysely<ReadModelDb>,
  projections: readonly Projection[] = JOINT_VENTURE_PROJECTIONS,
): Promise<void> {
  await createCheckpointTable(db);
  for (const projection of projections) {
    await projection.createTables(db);
    await projection.createIndexes(db);
  }
}
