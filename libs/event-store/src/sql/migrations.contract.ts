/**
 * The behaviour of `migrateToLatest`, run by one spec per dialect (SQLite, PostgreSQL); the only
 * difference is how the spec runs concurrent runners (threads on one file, pools on one server).
 */
import type { Kysely } from 'kysely';
import { migrateToLatest, MigrationError, type MigrationReport } from './migrations';
import { FIXTURE_SETS, type FixtureDb, type FixtureSetKey } from './migrations.fixtures';

export type MigrationsFixture = Readonly<{
  /** A fresh, empty database. */
  db: Kysely<FixtureDb>;
  /** `count` runners on the same database, each with its own connection, started together. */
  runConcurrently(set: FixtureSetKey, count: number): Promise<MigrationReport[]>;
  cleanup(): Promise<void>;
}>;

async function log(db: Kysely<FixtureDb>): Promise<string[]> {
  const rows = await db.selectFrom('migration_log').select('name').execute();
  return rows.map((row) => String(row.name));
}

async function tableExists(db: Kysely<FixtureDb>, name: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((table) => table.name === name);
}

export function migrationsContract(name: string, open: () => Promise<MigrationsFixture>): void {
  describe(`migrateToLatest on ${name}`, () => {
    let fixture: MigrationsFixture;
    beforeEach(async () => {
      fixture = await open();
    }, 60_000);
    afterEach(() => fixture?.cleanup());

    it('applies pending migrations in name order, each once; a second run applies nothing', async () => {
      expect(await migrateToLatest(fixture.db, FIXTURE_SETS.v1)).toEqual({
        applied: ['0001_create_jv', '0002_add_phase'],
      });
      expect(await migrateToLatest(fixture.db, FIXTURE_SETS.v1)).toEqual({ applied: [] });
      expect(await log(fixture.db)).toEqual(['0001_create_jv', '0002_add_phase']);
      await fixture.db.insertInto('jv').values({ id: 'a', phase: 'established' }).execute();
    });

    it("applies only a new release's new migration on top of the old schema", async () => {
      await migrateToLatest(fixture.db, FIXTURE_SETS.v1);
      expect(await migrateToLatest(fixture.db, FIXTURE_SETS.v2)).toEqual({
        applied: ['0003_index_phase'],
      });
      expect(await log(fixture.db)).toEqual([
        '0001_create_jv',
        '0002_add_phase',
        '0003_index_phase',
      ]);
    });

    it('keeps nothing of a run in which a migration fails, and names that migration', async () => {
      const failure = migrateToLatest(fixture.db, FIXTURE_SETS.broken);
      await expect(failure).rejects.toBeInstanceOf(MigrationError);
      await expect(failure).rejects.toMatchObject({ set: 'fixture', migration: '0003_broken' });
      expect(await tableExists(fixture.db, 'half_done')).toBe(false);
      expect(await tableExists(fixture.db, 'jv')).toBe(false); // 0001 of the same run, undone
      // Once the release is fixed, everything applies.
      expect((await migrateToLatest(fixture.db, FIXTURE_SETS.v2)).applied).toHaveLength(3);
    });

    it('refuses to run older code against a schema it does not know (an applied migration is missing)', async () => {
      await migrateToLatest(fixture.db, FIXTURE_SETS.v2);
      await expect(migrateToLatest(fixture.db, FIXTURE_SETS.v1)).rejects.toThrow(
        /0003_index_phase is missing/,
      );
    });

    it('keeps the bookkeeping of two components in one database apart', async () => {
      await migrateToLatest(fixture.db, FIXTURE_SETS.v1);
      expect(await migrateToLatest(fixture.db, FIXTURE_SETS.other)).toEqual({
        applied: ['0001_create_other'],
      });
      expect(await migrateToLatest(fixture.db, FIXTURE_SETS.v2)).toEqual({
        applied: ['0003_index_phase'],
      });
      expect(await tableExists(fixture.db, 'fixture_migrations')).toBe(true);
      expect(await tableExists(fixture.db, 'other_component_migrations')).toBe(true);
    });

    it('rejects set and migration names that would not sort as versions', async () => {
      const up = async () => undefined;
      await expect(
        migrateToLatest(fixture.db, { name: 'x', migrations: { create_tables: { up } } }),
      ).rejects.toThrow(/0001_create_tables/);
      await expect(
        migrateToLatest(fixture.db, { name: 'Bad-Name', migrations: {} }),
      ).rejects.toThrow(/set name/);
    });

    it('applies each migration exactly once when several processes start at the same moment', async () => {
      const reports = await fixture.runConcurrently('v1', 4);
      const applied = reports.flatMap((report) => report.applied).sort();
      expect(applied).toEqual(['0001_create_jv', '0002_add_phase']);
      expect((await log(fixture.db)).sort()).toEqual(['0001_create_jv', '0002_add_phase']);
      expect(await migrateToLatest(fixture.db, FIXTURE_SETS.v1)).toEqual({ applied: [] });
    }, 60_000);
  });
}
