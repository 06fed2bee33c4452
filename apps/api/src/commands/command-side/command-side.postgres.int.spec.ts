import { createPostgresDb } from '@app/event-store';
import type { CommandSideTables } from '@app/runtime';
import { describeWithPostgres } from '@test/services/postgres';
import { commandSideContract } from './command-side.contract';

describeWithPostgres(
  'command side on PostgreSQL',
  (pg) => {
    commandSideContract('PostgreSQL', async () => {
      const db = createPostgresDb<CommandSideTables>({ url: pg().url });
      return { db, close: () => db.destroy() };
    });
  },
  { database: 'per-test' },
);
