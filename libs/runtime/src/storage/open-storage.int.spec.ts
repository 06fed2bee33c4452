import { openSqlite } from '@app/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../app-config';
import { openStorage } from './open-storage';

describe('openStorage on a data folder of an earlier version', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'jv-storage-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the notifier where it was and rebuilds read models of an older shape', async () => {
    const old = openSqlite(join(dataDir, 'ledger.db'));
    old.exec(`create table projection_checkpoints (name text primary key, position text not null);
      insert into projection_checkpoints values ('JointVentureSummaries', '41'), ('KafkaNotifier', '40');`);
    old.close();

    const storage = await openStorage(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      // Renamed and kept: the notifier resends nothing it published.
      expect(await storage.checkpoints.load('Notifier')).toBe(40n);
      // The read models of 0.1.0 have another shape: forgotten, so they rebuild from the log.
      expect(await storage.checkpoints.load('JointVentureSummaries')).toBeUndefined();
      const tables = await storage.sql.tables().introspection.getTables();
      expect(tables.map((table) => table.name)).not.toContain('projection_checkpoints');
    } finally {
      await storage.close();
    }
  });

  it('opens a fresh folder, and opens it again with what it stored', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const first = await openStorage(config);
    await first.checkpoints.store('JointVentureSummaries', 7n);
    await first.close();

    const second = await openStorage(config);
    try {
      expect(await second.checkpoints.load('JointVentureSummaries')).toBe(7n);
    } finally {
      await second.close();
    }
  });
});
