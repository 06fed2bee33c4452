/**
 * The blue/green rebuild on PostgreSQL: fresh tables in a schema of their own while the live
 * ones serve, caught up and switched in one transaction that holds off the live consumers'
 * commits (not their readers), safe to interrupt and rerun.
 */
import {
  createPostgresDb,
  InMemoryEventStore,
  SqlCheckpointStore,
  type GlobalPosition,
  type LogConsumer,
} from '@app/event-store';
import { describeWithPostgres } from '@test/services/postgres';
import { JointVentureHistory } from '@test/support/joint-venture-history';
import { sql, type Kysely } from 'kysely';
import { JOINT_VENTURE_PROJECTIONS, migrateReadModels, projectionConsumer } from '../projections';
import type { ReadModelDb } from '../read-model-db';
import { projectedFromScratch, snapshot } from '../testing/read-model-test-db';
import { rebuildProjections } from './rebuild-projections';
import { postgresRebuildSpace } from './rebuild-space';

describeWithPostgres(
  'rebuildProjections on PostgreSQL',
  (pg) => {
    let db: Kysely<ReadModelDb>;
    let store: InMemoryEventStore;
    let checkpoints: SqlCheckpointStore<ReadModelDb>;
    let consumers: LogConsumer<Kysely<ReadModelDb>>[];

    beforeEach(async () => {
      db = createPostgresDb<ReadModelDb>({ url: pg().url });
      await migrateReadModels(db);
      store = new InMemoryEventStore();
      checkpoints = new SqlCheckpointStore(db);
      consumers = JOINT_VENTURE_PROJECTIONS.map((projection) =>
        projectionConsumer(projection, { events: store, checkpoints, maxBatchSize: 7 }),
      );
      await Promise.all(consumers.map((c) => c.start()));
    });
    afterEach(async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      await store.close();
      await db.destroy();
    });

    const append = async (history: JointVentureHistory, from = 0): Promise<GlobalPosition> =>
      (
        await store.appendToStream(history.streamId, history.toAppend(from), {
          expectedRevision: from === 0 ? 'no_stream' : from - 1,
        })
      ).position;
    const caughtUp = (position: GlobalPosition) =>
      Promise.all(consumers.map((c) => c.waitFor(position)));
    /** What the projections make of the whole log fed directly (SQLite in memory). */
    const expected = async () => projectedFromScratch(await store.readAll());

    it('rebuilds while live consumers run and events keep arriving; they carry on after the switch', async () => {
      for (let i = 0; i < 5; i++) await append(new JointVentureHistory().fullLifecycle());
      let appended = 0;
      const progress: number[] = [];
      const report = await rebuildProjections({
        db,
        checkpoints,
        events: {
          // Each page of the replay, one more JV arrives (and the live consumers take it).
          readAll: async (options) => {
            const page = await store.readAll(options);
            if (appended++ < 3)
              await append(new JointVentureHistory().established({ name: `Late ${appended}` }));
            return page;
          },
        },
        space: postgresRebuildSpace(),
        batchSize: 10,
        onProgress: (replayed) => progress.push(replayed),
      });
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(report.eventsReplayed);
      // The catch-up in the switching transaction took in what arrived during the replay.
      const head = (await store.readAll()).at(-1)!.position;
      expect(BigInt(report.position!)).toBe(head);
      for (const { name } of JOINT_VENTURE_PROJECTIONS)
        expect(await checkpoints.load(name)).toBe(head);
      expect(await snapshot(db)).toEqual(await expected());

      const next = await append(
        new JointVentureHistory().established({ name: 'After the switch' }),
      );
      await caughtUp(next);
      expect(await snapshot(db)).toEqual(await expected());
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.schemata where schema_name = 'jv_rebuild'`.execute(
        db,
      );
      expect(rows[0].n).toBe(0);
    });

    it('interrupted, leaves the live read models as they were; rerun over its leftovers, completes', async () => {
      for (let i = 0; i < 3; i++) await append(new JointVentureHistory().fullLifecycle());
      const head = (await store.readAll()).at(-1)!.position;
      await caughtUp(head);
      const before = await snapshot(db);
      let pages = 0;
      await expect(
        rebuildProjections({
          db,
          checkpoints,
          events: {
            readAll: async (options) => {
              if (++pages === 3) throw new Error('operator pressed ctrl-c');
              return store.readAll(options);
            },
          },
          space: postgresRebuildSpace(),
          batchSize: 5,
        }),
      ).rejects.toThrow('ctrl-c');
      expect(await snapshot(db)).toEqual(before);

      // A process killed mid-rebuild leaves its schema behind: the rerun drops it and starts over.
      await sql`create schema jv_rebuild`.execute(db);
      await sql`create table jv_rebuild.jv_summaries (stale text)`.execute(db);
      const report = await rebuildProjections({
        db,
        checkpoints,
        events: store,
        space: postgresRebuildSpace(),
      });
      expect(report.position).toBe(String(head));
      expect(await snapshot(db)).toEqual(before);
    });
  },
  { database: 'per-test' },
);
