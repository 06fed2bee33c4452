import { sql, type Kysely } from 'kysely';

const LEGACY_TABLE = 'projection_checkpoints';
/** The notifier's checkpoint key before it was named for what it does. */
const RENAMED: Readonly<Record<string, string>> = { KafkaNotifier: 'Notifier' };

/**
 * Until version 0.2 the consumers' checkpoints lived in `projection_checkpoints`, the notifier's
 * under `KafkaNotifier`. Moves them into `consumer_checkpoints` once, so an upgraded ledger
 * neither replays its read models nor resends its notifications; drops the old table after.
 */
export async function adoptLegacyCheckpoints(db: Kysely<unknown>): Promise<void> {
  const tables = await db.introspection.getTables();
  if (!tables.some((table) => table.name === LEGACY_TABLE)) return;
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ name: string; position: string }>`
      select name, position from ${sql.table(LEGACY_TABLE)}`.execute(trx);
    for (const { name, position } of rows) {
      await sql`insert into consumer_checkpoints (consumer, position)
        values (${RENAMED[name] ?? name}, ${position}) on conflict (consumer) do nothing`.execute(
        trx,
      );
    }
    await sql`drop table ${sql.table(LEGACY_TABLE)}`.execute(trx);
  });
}
