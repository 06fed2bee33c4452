/**
 * Given / when / then for projections, as the decider specs have it: given the events already
 * projected, when more are delivered (again, in any batches: delivery is at least once), then
 * what the queries answer, or every row of the projections' tables. Each scenario runs on a
 * fresh in-memory database.
 */
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../projection';
import { JointVentureQueries } from '../queries/joint-venture.queries';
import { openTestReadModels, project, snapshot } from './read-model-test-db';

export function projectionSpec(projections: readonly Projection[]) {
  const run = async <T>(
    batches: readonly (readonly RecordedEvent[])[],
    look: (
      queries: JointVentureQueries,
      tables: () => Promise<Record<string, unknown[]>>,
    ) => Promise<T>,
  ): Promise<T> => {
    const readModels = await openTestReadModels();
    try {
      for (const batch of batches) await project(readModels.db, batch, projections);
      return await look(new JointVentureQueries(readModels.db), () =>
        snapshot(readModels.db, projections),
      );
    } finally {
      await readModels.close();
    }
  };

  const scenario = (batches: readonly (readonly RecordedEvent[])[]) => ({
    /** Delivers each further batch in its own transaction, after the given events. */
    when: (...more: (readonly RecordedEvent[])[]) => scenario([...batches, ...more]),
    /** What the queries answer once everything was delivered. */
    then: <T>(ask: (queries: JointVentureQueries) => Promise<T>) => run(batches, (q) => ask(q)),
    /** Every row of the projections' tables, in a stable order. */
    thenTables: () => run(batches, (_, tables) => tables()),
  });

  return {
    /** The events projected first, in one transaction. */
    given: (...events: RecordedEvent[]) => scenario([events]),
  };
}
