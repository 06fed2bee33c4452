import { describeWithPostgres } from '../../../../test/services/postgres';
import { migrateToLatest } from './migrations';
import { migrationsContract } from './migrations.contract';
import { FIXTURE_SETS, type FixtureDb } from './migrations.fixtures';
import { createPostgresDb } from './postgres';

describeWithPostgres('versioned migrations on a real PostgreSQL', (pg) => {
  // A database per test; concurrent runners are pools of their own on it, each its own session
  // (what Kysely's advisory lock is about), as separate processes would be.
  migrationsContract('PostgreSQL', async () => {
    const url = await pg().createDatabase('migrations');
    const db = createPostgresDb<FixtureDb>({ url, poolSize: 2 });
    return {
      db,
      runConcurrently: async (set, runners) => {
        const dbs = Array.from({ length: runners }, () =>
          createPostgresDb<FixtureDb>({ url, poolSize: 1 }),
        );
        try {
          return await Promise.all(dbs.map((each) => migrateToLatest(each, FIXTURE_SETS[set])));
        } finally {
          await Promise.all(dbs.map((each) => each.destroy()));
        }
      },
      cleanup: () => db.destroy(),
    };
  });
});
