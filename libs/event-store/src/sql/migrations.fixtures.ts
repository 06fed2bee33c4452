/** Migration sets for the runner's tests: each migration records itself in `migration_log`. */
import { type Migration, sql } from 'kysely';
import type { MigrationSet } from './migrations';

/** The tables the fixture migrations make, for the tests' queries. */
export type FixtureDb = {
  migration_log: { name: string };
  jv: { id: string; phase: string | null };
};

const logged = (name: string, up: Migration['up']): Migration => ({
  up: async (db) => {
    await up(db);
    await db.insertInto('migration_log').values({ name }).execute();
  },
});

/** Holds the migration open a little, so that concurrent runners really overlap. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 150));

const first = {
  // Declared out of order on purpose: the runner orders by name.
  '0002_add_phase': logged('0002_add_phase', async (db) => {
    await pause();
    await db.schema.alterTable('jv').addColumn('phase', 'text').execute();
  }),
  '0001_create_jv': logged('0001_create_jv', async (db) => {
    await db.schema.createTable('migration_log').addColumn('name', 'text').execute();
    await db.schema
      .createTable('jv')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute();
  }),
} satisfies Record<string, Migration>;

export const FIXTURE_SETS = {
  /** The first release: two migrations. */
  v1: { name: 'fixture', migrations: first },
  /** The next release adds one. */
  v2: {
    name: 'fixture',
    migrations: {
      ...first,
      '0003_index_phase': logged('0003_index_phase', async (db) => {
        await db.schema.createIndex('jv_phase').on('jv').column('phase').execute();
      }),
    },
  },
  /** A release whose third migration fails after its first statement. */
  broken: {
    name: 'fixture',
    migrations: {
      ...first,
      '0003_broken': logged('0003_broken', async (db) => {
        await db.schema.createTable('half_done').addColumn('n', 'integer').execute();
        await sql`create table jv (id text)`.execute(db); // exists: fails
      }),
    },
  },
  /** Another component's schema in the same database. */
  other: {
    name: 'other_component',
    migrations: {
      '0001_create_other': {
        up: async (db) => {
          await db.schema.createTable('other').addColumn('n', 'integer').execute();
        },
      },
    },
  },
} satisfies Record<string, MigrationSet>;

export type FixtureSetKey = keyof typeof FIXTURE_SETS;
