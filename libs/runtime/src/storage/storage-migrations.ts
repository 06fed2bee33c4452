import {
  migrateConsumerTables,
  migrateToLatest,
  sqlDialectOf,
  type MigrationReport,
  type MigrationSet,
} from '@app/event-store';
import { migrateReadModels, type ReadModelDb } from '@app/read-models';
import { migrateLogStore, type LogTables } from '@app/transparency';
import { sql, type Kysely } from 'kysely';
import { migrateCommandSide, type CommandSideTables } from './command-side.tables';
import { migrateIntegrityFindings, type IntegrityTables } from '../integrity/findings.store';
import { adoptLegacyCheckpoints } from './legacy-checkpoints';
import { migrateStateSnapshots } from './state-snapshots.table';

/**
 * The versioned schema of everything beside the log: consumers' checkpoints, leases and dead
 * letters, and the command side's idempotency claims and name reservations. The first migration
 * creates only what is missing, so a database of an earlier (unversioned) release adopts it.
 */
export const STORAGE_MIGRATIONS: MigrationSet = {
  name: 'ledger',
  migrations: {
    '0001_consumer_and_command_side_tables': {
      up: async (db: Kysely<unknown>) => {
        await migrateConsumerTables(db.schema);
        await migrateCommandSide(db as Kysely<CommandSideTables>);
      },
    },
    // Without it, a second establishment of a name took it over while the first was still being
    // appended (its holder not yet recorded looked stale): one name, two JVs.
    '0002_name_reservations_claimed_at': {
      up: async (db: Kysely<unknown>) => {
        const tables = await db.introspection.getTables();
        const reservations = tables.find((t) => t.name === 'jv_name_reservations');
        if (reservations && !reservations.columns.some((c) => c.name === 'claimed_at'))
          await db.schema
            .alterTable('jv_name_reservations')
            .addColumn('claimed_at', 'text')
            .execute();
      },
    },
    // The transparency log (issue 9): its state row, tiles, leaves and heads, beside the
    // consumers' checkpoints so that the TransparencyLog consumer commits both in one transaction.
    '0003_transparency': {
      up: async (db: Kysely<unknown>) => {
        await migrateLogStore(db as Kysely<LogTables>, sqlDialectOf(db));
      },
    },
    // Folded states of long streams, so a cold start does not replay them (issue 12 §3).
    '0004_jv_state_snapshots': { up: migrateStateSnapshots },
    // What the integrity monitor found (issue 9 §7), read by every process of the deployment.
    '0005_integrity_findings': {
      up: async (db: Kysely<unknown>) => {
        await migrateIntegrityFindings(db as Kysely<IntegrityTables>);
      },
    },
  },
};

/** Any constant of the session-wide advisory lock that serialises start-ups on PostgreSQL. */
const STARTUP_LOCK = 7_210_311_001;

/**
 * Brings the database to what this code expects: the versioned migrations, then the legacy
 * checkpoints of 0.1, then each projection's tables in their current shape (a projection whose
 * shape changed is dropped and rebuilt from the log). On PostgreSQL every step runs under one
 * advisory lock, so replicas starting together (`CREATE TABLE IF NOT EXISTS` races there) take
 * turns; SQLite serialises writers by itself.
 */
export async function migrateStorage(db: Kysely<ReadModelDb>): Promise<MigrationReport> {
  const run = async (on: Kysely<ReadModelDb>) => {
    const report = await migrateToLatest(on, STORAGE_MIGRATIONS);
    // Legacy checkpoints first: a read model whose shape changed must then forget its checkpoint.
    await adoptLegacyCheckpoints(on as Kysely<unknown>);
    await migrateReadModels(on);
    return report;
  };
  if (sqlDialectOf(db) !== 'postgres') return run(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK})`.execute(connection);
    try {
      return await run(connection);
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.execute(connection);
    }
  });
}
