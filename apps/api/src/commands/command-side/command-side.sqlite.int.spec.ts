import { createSqliteKysely, openSqlite } from '@app/event-store';
import type { CommandSideTables } from '@app/runtime';
import { commandSideContract } from './command-side.contract';

commandSideContract('SQLite', async () => {
  const connection = openSqlite(':memory:');
  const db = createSqliteKysely<CommandSideTables>(connection);
  return {
    db,
    close: async () => {
      await db.destroy();
      connection.close();
    },
  };
});
