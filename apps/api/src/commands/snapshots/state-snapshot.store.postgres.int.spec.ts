import { createPostgresDb } from '@app/event-store';
import type { StateSnapshotTables } from '@app/runtime';
import { describeWithPostgres } from '@test/services/postgres';
import { snapshotStoreContract } from './state-snapshot.store.contract';

describeWithPostgres(
  'state snapshots on PostgreSQL',
  (pg) => {
    snapshotStoreContract('PostgreSQL', async () => {
      const db = createPostgresDb<StateSnapshotTables>({ url: pg().url });
      return { db, close: () => db.destroy() };
    });
  },
  { database: 'per-test' },
);
