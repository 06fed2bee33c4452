import { openSqlite } from '../sqlite/open-sqlite';
import { createSqliteKysely } from '../sql/sqlite-kysely';
import type { ConsumerTables } from './consumer-tables';
import { checkpointStoreContract } from './checkpoint-store.contract';

checkpointStoreContract('SQLite', async () => {
  const connection = openSqlite(':memory:');
  const db = createSqliteKysely<ConsumerTables>(connection);
  return {
    db,
    close: async () => {
      await db.destroy();
      connection.close();
    },
  };
});
