import { loadConfig, openStorage } from '@app/runtime';
import type { CliCommand } from './command';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: `migrate
      brings the database (SQLite in DATA_DIR, or DATABASE_URL) to this version's schema, as
      every start-up does; prints the migrations it applied as JSON`,
  run: migrate,
};

async function migrate(): Promise<void> {
  const config = loadConfig();
  // Opening the storage migrates it (under a lock, so replicas starting meanwhile wait).
  const storage = await openStorage(config);
  try {
    const report = { storage: storage.summary, applied: storage.migrations.applied };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await storage.close();
  }
}
