import { createSqliteKysely, openSqlite } from '@app/event-store';
import { migrateCommandSide, type CommandSideTables } from './command-side.tables';

describe('the command side tables of an earlier version', () => {
  it('drop the columns nothing read, so new reservations and claims fit', async () => {
    const connection = openSqlite(':memory:');
    connection.exec(`create table jv_name_reservations (name_key text primary key,
        joint_venture_id text not null, reserved_at text not null);
      create table idempotency_records (scope_key text primary key, fingerprint text not null,
        joint_venture_id text not null, status text not null, first_revision integer,
        first_event_id text, version integer, created_at text not null);
      insert into jv_name_reservations values ('acme', 'jv-1', '2025-01-01T00:00:00Z');`);
    const db = createSqliteKysely<CommandSideTables>(connection);
    try {
      await migrateCommandSide(db);

      const columns = Object.fromEntries(
        (await db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name)]),
      );
      expect(columns.jv_name_reservations).toEqual(['name_key', 'joint_venture_id']);
      expect(columns.idempotency_records).not.toContain('first_event_id');
      await db
        .insertInto('jv_name_reservations')
        .values({ name_key: 'rotor', joint_venture_id: 'jv-2' })
        .execute();
      await migrateCommandSide(db); // a second start changes nothing
    } finally {
      await db.destroy();
      connection.close();
    }
  });
});
