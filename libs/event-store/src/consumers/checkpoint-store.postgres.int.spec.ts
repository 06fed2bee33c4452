import { describeWithPostgres } from '../../../../test/services/postgres';
import { createPostgresDb } from '../sql/postgres';
import type { ConsumerTables } from './consumer-tables';
import { checkpointStoreContract } from './checkpoint-store.contract';

describeWithPostgres(
  'checkpoints on PostgreSQL',
  (pg) => {
    checkpointStoreContract('PostgreSQL', async () => {
      const db = createPostgresDb<ConsumerTables>({ url: pg().url });
      return { db, close: () => db.destroy() };
    });
  },
  { database: 'per-test' },
);
