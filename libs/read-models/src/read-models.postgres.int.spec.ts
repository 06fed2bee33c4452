import { createPostgresDb } from '@app/event-store';
import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import { describeWithPostgres } from '@test/services/postgres';
import type { Kysely } from 'kysely';
import { migrateReadModels } from './projections';
import { JointVentureQueries } from './queries/joint-venture.queries';
import type { ReadModelDb } from './read-model-db';
import { openTestReadModels, project, snapshot } from './testing/read-model-test-db';

describeWithPostgres(
  'read models on PostgreSQL',
  (pg) => {
    let db: Kysely<ReadModelDb>;
    beforeEach(async () => {
      db = createPostgresDb<ReadModelDb>({ url: pg().url });
      await migrateReadModels(db);
    });
    afterEach(() => db.destroy());

    it('hold exactly what the same projections write on SQLite, and answer the same queries', async () => {
      const closed = new JointVentureHistory().fullLifecycle();
      const producing = new JointVentureHistory().established({ name: 'Rotor Works' });
      const events = recorded([...closed.events, ...producing.events]);
      const sqlite = await openTestReadModels();
      try {
        await project(sqlite.db, events);
        await project(db, events);
        expect(await snapshot(db)).toEqual(await snapshot(sqlite.db));
        const [onPg, onSqlite] = [new JointVentureQueries(db), new JointVentureQueries(sqlite.db)];
        const page = await onPg.list();
        expect(page.items).toHaveLength(2);
        expect(page).toEqual(await onSqlite.list());
        expect(await onPg.get(closed.id)).toEqual(await onSqlite.get(closed.id));
        expect(await onPg.timeline(closed.id)).toEqual(await onSqlite.timeline(closed.id));
      } finally {
        await sqlite.close();
      }
    });

    it('change nothing when an event is replayed', async () => {
      const events = recorded(new JointVentureHistory().fullLifecycle().events);
      await project(db, events);
      const once = await snapshot(db);
      await project(db, events.slice(5));
      expect(await snapshot(db)).toEqual(once);
    });
  },
  { database: 'per-test' },
);
