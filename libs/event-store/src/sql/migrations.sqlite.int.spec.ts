import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openSqlite } from '../sqlite/open-sqlite';
import type { MigratingWorkerData } from './migrating.worker';
import type { MigrationReport } from './migrations';
import { migrationsContract } from './migrations.contract';
import type { FixtureDb } from './migrations.fixtures';

/** Runs `migrating.worker.ts` in a thread (compiled on the fly, as jest does not reach it). */
function runner(data: MigratingWorkerData): Promise<MigrationReport> {
  const bootstrap = `require('ts-node').register({ transpileOnly: true });
    require(${JSON.stringify(join(__dirname, 'migrating.worker.ts'))});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`runner thread exited with ${code}`)));
  });
}

migrationsContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  const file = join(dir, 'ledger.db');
  const connection: Database.Database = openSqlite(file);
  const db = new Kysely<FixtureDb>({ dialect: new SqliteDialect({ database: connection }) });
  return {
    db,
    runConcurrently: (set, runners) => {
      const start = new SharedArrayBuffer(4);
      const all = Array.from({ length: runners }, () => runner({ file, set, start, runners }));
      return Promise.all(all);
    },
    cleanup: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
