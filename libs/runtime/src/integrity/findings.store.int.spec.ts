import { createPostgresDb, createSqliteKysely, openSqlite } from '@app/event-store';
import type { ReadModelDb } from '@app/read-models';
import { describeWithPostgres } from '@test/services/postgres';
import type { Kysely } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateStorage } from '../storage/storage-migrations';
import { SqlFindingsStore, type IntegrityTables } from './findings.store';
import type { IntegrityFinding } from './integrity-finding';

const JV = '5c590ae3-b96b-4b2c-bb61-2781c810eb03';
const edited: IntegrityFinding = {
  check: 'hash',
  streamId: `joint-venture-${JV}`,
  jointVentureId: JV,
  eventId: 'e-2',
  revision: 2,
  message: 'content does not match its hash',
};
const foreign: IntegrityFinding = {
  check: 'checkpoint-signature',
  streamId: 'transparency-checkpoints',
  eventId: 'c-1',
  revision: 1,
  message: 'no trusted key signed it',
};
const missing: IntegrityFinding = {
  ...edited,
  check: 'missing-event',
  eventId: 'e-4',
  revision: 4,
  leafIndex: 12,
  message: 'deleted',
};

/** Migration 0005 and the findings store, the same on both databases. */
function findingsContract(name: string, open: () => Promise<Kysely<ReadModelDb>>) {
  describe(`integrity findings on ${name}`, () => {
    let db: Kysely<ReadModelDb>;
    let findings: SqlFindingsStore;
    beforeEach(async () => {
      db = await open();
      const report = await migrateStorage(db);
      expect(report.applied).toContain('0005_integrity_findings');
      findings = new SqlFindingsStore(db as unknown as Kysely<IntegrityTables>);
    });
    afterEach(() => db.destroy());

    it('keeps findings in the order found, counts them by check and names the JVs affected', async () => {
      await findings.record([edited, foreign], '2026-12-02T10:00:00.000Z');
      await findings.record([missing, edited], '2026-12-02T10:00:30.000Z');
      const listed = await findings.list(10);
      expect(listed.map((f) => [f.check, f.revision, f.leafIndex])).toEqual([
        ['hash', 2, undefined],
        ['checkpoint-signature', 1, undefined],
        ['missing-event', 4, 12],
      ]);
      // Seen again: counted once, its first sighting kept.
      expect(listed[0]).toMatchObject({
        firstSeen: '2026-12-02T10:00:00.000Z',
        lastSeen: '2026-12-02T10:00:30.000Z',
      });
      expect(await findings.countsByCheck()).toEqual({
        hash: 1,
        'checkpoint-signature': 1,
        'missing-event': 1,
      });
      expect(await findings.affectedJointVentures()).toEqual([JV]);
    });

    it('forgets what a full run no longer finds (a ledger restored from a backup)', async () => {
      await findings.record([edited, foreign], '2026-12-02T10:00:00.000Z');
      await findings.record([foreign], '2026-12-02T11:00:00.000Z');
      await findings.forgetNotSeenSince('2026-12-02T11:00:00.000Z');
      expect((await findings.list(10)).map((f) => f.check)).toEqual(['checkpoint-signature']);
      expect(await findings.affectedJointVentures()).toEqual([]);
    });
  });
}

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'jv-findings-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
findingsContract('SQLite', async () =>
  createSqliteKysely<ReadModelDb>(openSqlite(join(dir, `ledger-${files++}.db`))),
);

describeWithPostgres(
  'integrity findings on PostgreSQL',
  (pg) =>
    findingsContract('PostgreSQL', async () => createPostgresDb<ReadModelDb>({ url: pg().url })),
  { database: 'per-test' },
);
