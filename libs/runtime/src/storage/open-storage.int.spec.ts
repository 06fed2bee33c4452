import { openSqlite } from '@app/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPostgres } from '@test/services/postgres';
import { loadConfig } from '../app-config';
import { openStorage } from './open-storage';
import { STORAGE_MIGRATIONS } from './storage-migrations';

describe('openStorage on a data folder of an earlier version', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'jv-storage-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the notifier where it was and rebuilds read models of an older shape', async () => {
    const old = openSqlite(join(dataDir, 'ledger.db'));
    old.exec(`create table projection_checkpoints (name text primary key, position text not null);
      insert into projection_checkpoints values ('JointVentureSummaries', '41'), ('KafkaNotifier', '40');
      create table jv_name_reservations (name_key text primary key, joint_venture_id text not null);`);
    old.close();

    const storage = await openStorage(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      // Renamed and kept: the notifier resends nothing it published.
      expect(await storage.checkpoints.load('Notifier')).toBe(40n);
      // The read models of 0.1.0 have another shape: forgotten, so they rebuild from the log.
      expect(await storage.checkpoints.load('JointVentureSummaries')).toBeUndefined();
      const tables = await storage.sql.tables().introspection.getTables();
      expect(tables.map((table) => table.name)).not.toContain('projection_checkpoints');
      // A reservation table of an earlier release gains the time its holder reserved.
      const reservations = tables.find((table) => table.name === 'jv_name_reservations');
      expect(reservations?.columns.map((c) => c.name)).toContain('claimed_at');
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

describeWithPostgres('openStorage with DATABASE_URL', (pg) => {
  const configFor = (url: string) =>
    loadConfig({
      EVENT_STORE: 'kurrentdb',
      // Never dialled here: the KurrentDB client connects on first use.
      KURRENTDB_URL: 'kurrentdb://127.0.0.1:1?tls=false',
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
    });

  it('migrates once, even when replicas start together, and keeps what it stored', async () => {
    const config = configFor(pg().url);
    const [first, second] = await Promise.all([openStorage(config), openStorage(config)]);
    try {
      const applied = [first, second].map((s) => s.migrations.applied);
      expect(applied.flat()).toEqual(Object.keys(STORAGE_MIGRATIONS.migrations));
      expect(first.summary).toMatch(/^kurrentdb\+postgres: .* in PostgreSQL at postgres:/);
      await first.checkpoints.store('JointVentureSummaries', 2n ** 60n);
      expect(await second.checkpoints.load('JointVentureSummaries')).toBe(2n ** 60n);
      const tables = await first.sql.tables().introspection.getTables();
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining([
          'consumer_checkpoints',
          'consumer_leases',
          'consumer_dead_letters',
          'idempotency_records',
          'jv_name_reservations',
          'jv_summaries',
        ]),
      );
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    const again = await openStorage(config);
    try {
      expect(again.migrations.applied).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
