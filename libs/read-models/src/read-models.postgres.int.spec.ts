import { createPostgresDb } from '@app/event-store';
import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import { describeWithPostgres } from '@test/services/postgres';
import type { Kysely } from 'kysely';
import { migrateReadModels } from './projections';
import { PendingApprovalsQueries } from './pending-approvals/pending-approvals.queries';
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
      const producing = new JointVentureHistory()
        .established({ name: 'Rotor Works' })
        .record('ChangeProposed', {
          proposalId: '7c0e7a52-0b1d-4c2e-9f3a-000000000001',
          change: { type: 'DissolveJointVenture', data: { reason: 'cancelled' } },
          proposedBy: { subject: 'alice', memberState: 'RU' },
          required: ['BY', 'RU'],
          expiresAt: '2099-01-01T00:00:00.000Z',
        });
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
        const now = '2025-01-01T00:00:00.000Z';
        const awaitingBy = await new PendingApprovalsQueries(db).awaiting('BY', now, 10);
        expect(awaitingBy.items).toHaveLength(1);
        expect(awaitingBy).toEqual(
          await new PendingApprovalsQueries(sqlite.db).awaiting('BY', now, 10),
        );
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
