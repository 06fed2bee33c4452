import { createSqliteKysely, openSqlite } from '@app/event-store';
import type { StateSnapshotTables } from '@app/runtime';
import { snapshotStoreContract } from './state-snapshot.store.contract';

snapshotStoreContract('SQLite', async () => {
  const connection = openSqlite(':memory:');
  const db = createSqliteKysely<StateSnapshotTables>(connection);
  return {
    db,
    close: async () => {
      await db.destroy();
      connection.close();
    },
  };
});
