import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  KyselyLogStore,
  migrateLogStore,
  type LogStoreDialect,
  type LogTables,
} from './kysely.log-store';
import { entriesFor, logStoreContract, type LogStoreHarness } from './log-store.contract';
import { LogAppendConflictError, type LogStore } from './log-store.port';
import { TransparencyLog } from './transparency-log';

type Backend = Readonly<{
  dialect: LogStoreDialect;
  /** A fresh database; `connect` opens another connection to it. */
  create: () => Promise<{ connect: () => Kysely<LogTables>; drop: () => Promise<void> }>;
  /** Makes the next write to transparency_heads fail, inside the append's transaction. */
  failHeadsWrites: (db: Kysely<LogTables>) => Promise<void>;
}>;

const sqlite: Backend = {
  dialect: 'sqlite',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transparency-log-'));
    return {
      connect: () => {
        const database = new Database(join(dir, 'ledger.db'));
        database.pragma('journal_mode = WAL');
        return new Kysely<LogTables>({ dialect: new SqliteDialect({ database }) });
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  failHeadsWrites: async (db) => {
    const trigger = sql`CREATE TRIGGER fail_heads BEFORE INSERT ON transparency_heads
      BEGIN SELECT RAISE(ABORT, 'injected failure'); END`;
    await trigger.execute(db);
  },
};

// PostgreSQL when TEST_DATABASE_URL points at a server (an admin connection: each test gets a
// database of its own). The project's PostgreSQL harness will provide it once merged.
const POSTGRES_URL = process.env.TEST_DATABASE_URL;
let databases = 0;
const postgres: Backend = {
  dialect: 'postgres',
  create: async () => {
    const name = `transparency_${process.pid}_${++databases}`;
    const admin = new Pool({ connectionString: POSTGRES_URL, max: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(POSTGRES_URL!);
    url.pathname = `/${name}`;
    const opened: Kysely<LogTables>[] = [];
    return {
      connect: () => {
        const pool = new Pool({ connectionString: url.toString(), max: 4 });
        // DROP DATABASE ... WITH (FORCE) ends backends whose clients are still closing.
        pool.on('error', (error: Error & { code?: string }) => {
          if (error.code !== '57P01') throw error;
        });
        const db = new Kysely<LogTables>({ dialect: new PostgresDialect({ pool }) });
        opened.push(db);
        return db;
      },
      drop: async () => {
        await Promise.all(opened.map((db) => db.destroy()));
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  },
  failHeadsWrites: async (db) => {
    await sql`CREATE FUNCTION fail_heads() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`.execute(
      db,
    );
    await sql`CREATE TRIGGER fail_heads BEFORE INSERT ON transparency_heads FOR EACH ROW EXECUTE FUNCTION fail_heads()`.execute(
      db,
    );
  },
};

const backends = POSTGRES_URL === undefined ? [sqlite] : [sqlite, postgres];
if (POSTGRES_URL === undefined)
  console.warn(
    'KyselyLogStore on PostgreSQL: SKIPPED, set TEST_DATABASE_URL to run it against a server',
  );

for (const backend of backends) {
  const open = async (): Promise<LogStoreHarness & { connect: () => Kysely<LogTables> }> => {
    const database = await backend.create();
    const db = database.connect();
    await migrateLogStore(db, backend.dialect);
    const others: Kysely<LogTables>[] = [];
    const connect = () => {
      const other = database.connect();
      others.push(other);
      return other;
    };
    return {
      store: new KyselyLogStore(db),
      connect,
      reopen: async () => {
        const other = connect();
        await migrateLogStore(other, backend.dialect); // as at every start: changes nothing
        return new KyselyLogStore(other);
      },
      close: async () => {
        if (backend.dialect === 'sqlite')
          await Promise.all([db, ...others].map((k) => k.destroy()));
        await database.drop();
      },
    };
  };

  logStoreContract(`KyselyLogStore on ${backend.dialect}`, open);

  describe(`KyselyLogStore on ${backend.dialect}`, () => {
    it('rolls a failed append back whole: state, tiles and leaves stay as they were', async () => {
      const harness = await open();
      try {
        const log = new TransparencyLog(harness.store);
        const before = await log.append(entriesFor(0, 30), 'position-30');
        await backend.failHeadsWrites(harness.connect());
        await expect(log.append(entriesFor(30, 20), 'position-50')).rejects.toThrow(
          'injected failure',
        );
        expect(await log.state()).toEqual(before);
        expect(await log.findLeaf('event-30')).toBeUndefined();
        const tiles = await harness.store.readTiles([
          { level: 0, index: 1 },
          { level: 0, index: 2 },
        ]);
        expect(tiles.map((tile) => [tile.index, tile.hashes.length / 32])).toEqual([[1, 14]]);
      } finally {
        await harness.close();
      }
    });

    it('refuses the second of two writers that computed on the same size, over two connections', async () => {
      const harness = await open();
      try {
        const first = new TransparencyLog(harness.store);
        await first.append(entriesFor(0, 10));
        // The second writer reads size 10, then commits only after the first one's append.
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        let readDone = () => {};
        const read = new Promise<void>((resolve) => (readDone = resolve));
        const other = new KyselyLogStore(harness.connect());
        const second = new TransparencyLog({
          ...bind(other),
          readState: async () => {
            const state = await other.readState();
            readDone();
            return state;
          },
          commitAppend: async (append) => {
            await held;
            return other.commitAppend(append);
          },
        });
        const late = second.append(entriesFor(100, 5));
        await read;
        await first.append(entriesFor(10, 5));
        release();
        await expect(late).rejects.toBeInstanceOf(LogAppendConflictError);
        expect((await second.state()).size).toBe(15);
        expect(await second.findLeaf('event-100')).toBeUndefined();
      } finally {
        await harness.close();
      }
    });
  });
}

/** The store's methods bound to it, to override one of them. */
function bind(store: LogStore): LogStore {
  return {
    readState: () => store.readState(),
    readTiles: (ids) => store.readTiles(ids),
    commitAppend: (append) => store.commitAppend(append),
    findLeaf: (eventId) => store.findLeaf(eventId),
    streamLeaves: (streamId, treeSize) => store.streamLeaves(streamId, treeSize),
    headsAt: (treeSize) => store.headsAt(treeSize),
  };
}
