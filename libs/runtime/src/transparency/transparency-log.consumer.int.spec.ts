import { processHolderId, SqlLeaseStore, type EventStore } from '@app/event-store';
import { MemoryMerkleTree } from '@app/transparency';
import { describeWithPostgres } from '@test/services/postgres';
import { JointVentureHistory } from '@test/support/joint-venture-history';
import { startKurrentDb, type TestKurrentDb } from '@test/services/kurrentdb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../app-config';
import { openStorage, type Storage } from '../storage/open-storage';
import { CHECKPOINT_STREAM, TransparencyLedger } from './transparency-ledger';
import { TRANSPARENCY_LOG_CONSUMER, transparencyLogConsumer } from './transparency-log.consumer';

/** Appends `count` more hash-chained events to the JV's stream, as the command side chains them. */
async function appendChained(events: EventStore, jv: JointVentureHistory, count: number) {
  const from = jv.events.length;
  for (let i = 0; i < count; i++) jv.recordStored('NoteRecorded', 1, { n: from + i });
  await events.appendToStream(jv.streamId, jv.toAppend(from));
}

/** The tree the log must hold: every JV event's hash, in global order, and nothing else. */
async function expectedTree(
  events: EventStore,
): Promise<{ tree: MemoryMerkleTree; ids: string[] }> {
  const all = (await events.readAll({ streamPrefix: 'joint-venture-' })).filter((e) =>
    e.streamId.startsWith('joint-venture-'),
  );
  return {
    tree: MemoryMerkleTree.fromLeaves(all.map((e) => Buffer.from(String(e.metadata.hash), 'hex'))),
    ids: all.map((e) => e.id),
  };
}

function consumerSuite(
  name: string,
  setup: () => Promise<{ env: Record<string, string>; done: () => Promise<void> }>,
) {
  describe(`TransparencyLog consumer: ${name}`, () => {
    let dataDir: string;
    let storage: Storage;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'jv-tlog-'));
      const { env, done } = await setup();
      teardown = done;
      storage = await openStorage(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }));
    });
    afterEach(async () => {
      await storage?.close();
      await teardown?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const consumer = () =>
      transparencyLogConsumer({
        events: storage.events,
        checkpoints: storage.checkpoints,
        maxBatchSize: 7,
        lease: {
          store: new SqlLeaseStore(storage.readModels),
          holder: processHolderId(),
          ttlMs: 2_000,
        },
      });

    it('appends every JV event in global order, never another stream, and resumes without repeating a leaf', async () => {
      const ledger = TransparencyLedger.open(
        loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
        storage,
      );
      const [a, b, c] = [1, 2, 3].map(() => new JointVentureHistory());
      await appendChained(storage.events, a, 5);
      await appendChained(storage.events, b, 3);
      await storage.events.appendToStream('jv-name-registry-test', [
        { id: randomUUID(), type: 'Other', data: {}, metadata: {} },
      ]);
      await appendChained(storage.events, a, 4);
      await appendChained(storage.events, c, 9);

      const first = consumer();
      await first.start();
      let last = (await storage.events.readAll()).at(-1)!.position;
      await first.waitFor(last);
      let expected = await expectedTree(storage.events);
      let state = await ledger.log.state();
      expect(state.size).toBe(21);
      expect(state.root.equals(expected.tree.root())).toBe(true);
      expect(state.cursor).toBe(String(last));
      expect(await storage.checkpoints.load(TRANSPARENCY_LOG_CONSUMER)).toBe(last);
      const leaf = await ledger.log.findLeaf(expected.ids[10]);
      expect(leaf?.leafIndex).toBe(10);

      // A signed checkpoint is an event of its own stream: the log does not take it in.
      const signed = await ledger.signNow();
      expect(signed).toMatchObject({ treeSize: 21, position: 0 });
      await appendChained(storage.events, b, 2);
      last = (await storage.events.readAll()).at(-1)!.position;
      await first.waitFor(last);
      await first.stop();
      const [checkpointEvent] = await storage.events.readStream(CHECKPOINT_STREAM);
      expect(checkpointEvent.type).toBe('CheckpointSigned');
      expect(await ledger.log.findLeaf(checkpointEvent.id)).toBeUndefined();

      // A new process resumes after its checkpoint: the next events once each, none again.
      await appendChained(storage.events, c, 6);
      const second = consumer();
      await second.start();
      last = (await storage.events.readAll()).at(-1)!.position;
      await second.waitFor(last);
      await second.stop();
      expected = await expectedTree(storage.events);
      state = await ledger.log.state();
      expect(state.size).toBe(29);
      expect(expected.tree.size).toBe(29);
      expect(state.root.equals(expected.tree.root())).toBe(true);
      // The earlier checkpoint's tree is a prefix of this one.
      expect((await ledger.log.root(21)).toString('base64')).toBe(signed!.rootHash);
    });

    it('refuses an event without a hash: nothing of its batch becomes a leaf, no leaf is skipped', async () => {
      const jv = new JointVentureHistory();
      await appendChained(storage.events, jv, 2);
      await storage.events.appendToStream(jv.streamId, [
        { id: randomUUID(), type: 'Unhashed', data: {}, metadata: {} },
      ]);
      const errors: unknown[] = [];
      const running = transparencyLogConsumer({
        events: storage.events,
        checkpoints: storage.checkpoints,
        onError: (error) => errors.push(error),
      });
      await running.start();
      const deadline = Date.now() + 20_000;
      while (errors.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      await running.stop();
      expect(String(errors[0])).toMatch(/has no SHA-256 metadata.hash/);
      const ledger = TransparencyLedger.open(
        loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
        storage,
      );
      expect((await ledger.log.state()).size).toBe(0);
    });
  });
}

consumerSuite('events and log in SQLite', async () => ({ env: {}, done: async () => undefined }));

let kurrent: TestKurrentDb | undefined;
const withDouble = async () => {
  kurrent = await startKurrentDb({ require: 'double' });
  const server = kurrent;
  return {
    env: { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: server.connectionString },
    done: () => server.stop(),
  };
};
consumerSuite('events in KurrentDB (double), log in SQLite', withDouble);

describeWithPostgres(
  'TransparencyLog consumer with PostgreSQL',
  (pg) => {
    consumerSuite('events in KurrentDB (double), log in PostgreSQL', async () => {
      const { env, done } = await withDouble();
      return { env: { ...env, DATABASE_URL: pg().url }, done };
    });
  },
  { database: 'per-test' },
);
