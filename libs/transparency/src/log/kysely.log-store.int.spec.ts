import Database from 'better-sqlite3';
import { createPostgresDb } from '@app/event-store';
import { Kysely, SqliteDialect, type KyselyPlugin } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPostgres, type SuitePostgres } from '../../../../test/services/postgres';
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
};

/**
 * Makes every insert into `table` fail before it reaches the database, inside whatever
 * transaction issued it (the store's own instance with this plugin shares its driver).
 */
const failingInsertsInto = (table: string): KyselyPlugin => ({
  transformQuery: ({ node }) => {
    if (node.kind === 'InsertQueryNode' && JSON.stringify(node.into).includes(`"${table}"`))
      throw new Error('injected failure');
    return node;
  },
  transformResult: async ({ result }) => result,
});

/** PostgreSQL from the test harness, a fresh database per test (`connect` pools to it). */
const postgres = (pg: () => SuitePostgres): Backend => ({
  dialect: 'postgres',
  create: async () => {
    const opened: Kysely<LogTables>[] = [];
    return {
      connect: () => {
        const db = createPostgresDb<LogTables>({ url: pg().url });
        opened.push(db);
        return db;
      },
      drop: async () => {
        await Promise.all(opened.map((db) => db.destroy()));
      },
    };
  },
});

runSuite(sqlite);
describeWithPostgres('KyselyLogStore on PostgreSQL', (pg) => runSuite(postgres(pg)), {
  database: 'per-test',
});

function runSuite(backend: Backend): void {
  type Harness = LogStoreHarness & {
    /** The store's own connection. */
    db: Kysely<LogTables>;
    connect: () => Kysely<LogTables>;
  };
  const open = async (): Promise<Harness> => {
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
      db,
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
        const failing = new TransparencyLog(
          new KyselyLogStore(harness.db.withPlugin(failingInsertsInto('transparency_heads'))),
        );
        await expect(failing.append(entriesFor(30, 20), 'position-50')).rejects.toThrow(
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
    leavesFrom: (from, limit) => store.leavesFrom(from, limit),
    streamLeaves: (streamId, treeSize) => store.streamLeaves(streamId, treeSize),
    headsAt: (treeSize) => store.headsAt(treeSize),
  };
}
