import type { EventStore } from '@app/event-store';
import {
  generateSignerKey,
  openCheckpoint,
  parseKeyList,
  verifyBundle,
  type KeyListEntry,
} from '@app/transparency';
import { startKurrentDb, type TestKurrentDb } from '@test/services/kurrentdb';
import { describeWithPostgres } from '@test/services/postgres';
import { JointVentureHistory } from '@test/support/joint-venture-history';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../app-config';
import { openStorage, type Storage } from '../storage/open-storage';
import {
  CHECKPOINT_SIGNED,
  CHECKPOINT_STREAM,
  NotYetInLogError,
  TransparencyLedger,
} from './transparency-ledger';
import { transparencyLogConsumer } from './transparency-log.consumer';

/** Appends `count` more hash-chained events to the JV's stream, as the command side chains them. */
async function appendChained(events: EventStore, jv: JointVentureHistory, count: number) {
  const from = jv.events.length;
  for (let i = 0; i < count; i++) jv.recordStored('NoteRecorded', 1, { n: from + i });
  await events.appendToStream(jv.streamId, jv.toAppend(from));
}

type Setup = () => Promise<Readonly<{ env: Record<string, string>; done: () => Promise<void> }>>;

function ledgerSuite(name: string, setup: Setup) {
  describe(`TransparencyLedger: ${name}`, () => {
    let dataDir: string;
    let config: AppConfig;
    let storage: Storage;
    let done: () => Promise<void>;

    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'jv-tledger-'));
      const given = await setup();
      done = given.done;
      config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...given.env });
      storage = await openStorage(config);
    });
    afterEach(async () => {
      await storage?.close();
      await done?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Runs the consumer until it has taken in everything appended so far. */
    async function catchUp(): Promise<void> {
      const consumer = transparencyLogConsumer({
        events: storage.events,
        checkpoints: storage.checkpoints,
      });
      await consumer.start();
      const last = (await storage.events.readAll()).at(-1)?.position;
      if (last !== undefined) await consumer.waitFor(last);
      await consumer.stop();
    }

    it('creates its key in DATA_DIR (0600), signs checkpoints as CheckpointSigned events, pages them', async () => {
      const ledger = TransparencyLedger.open(config, storage);
      expect(statSync(join(dataDir, 'transparency-signing.key')).mode & 0o777).toBe(0o600);
      expect(ledger.publishedKeys()).toEqual([
        expect.objectContaining({
          name: config.TRANSPARENCY_ORIGIN,
          notBefore: expect.any(String),
        }),
      ]);
      expect(await ledger.signNow()).toBeUndefined();
      expect(await ledger.latest()).toBeUndefined();

      const jv = new JointVentureHistory();
      await appendChained(storage.events, jv, 3);
      await catchUp();
      const first = await ledger.signNow();
      expect(first).toMatchObject({ treeSize: 3, position: 0 });
      expect(await ledger.signIfGrown()).toBeUndefined();
      await appendChained(storage.events, jv, 2);
      await catchUp();
      const second = await ledger.signIfGrown();
      expect(second).toMatchObject({ treeSize: 5, position: 1 });

      const [event] = await storage.events.readStream(CHECKPOINT_STREAM, { maxCount: 1 });
      expect(event.type).toBe(CHECKPOINT_SIGNED);
      expect(Object.keys(event.data as object).sort()).toEqual([
        'note',
        'rootHash',
        'signedAt',
        'treeSize',
      ]);
      expect(await ledger.latest()).toEqual(second);
      expect(await ledger.checkpoints(-1, 10)).toEqual([first, second]);
      expect(await ledger.checkpoints(0, 10)).toEqual([second]);
      expect(await ledger.checkpoints(-1, 1)).toEqual([first]);
      const opened = openCheckpoint(second!.note, ledger.keys.trusted());
      expect(opened).toMatchObject({ ok: true, checkpoint: { size: 5 } });

      // A second opening (a restart, another replica) uses the same key.
      const again = TransparencyLedger.open(config, storage);
      expect(again.publishedKeys()).toEqual(ledger.publishedKeys());
    });

    it('exports a bundle against a checkpoint that covers the JV, signing one when needed', async () => {
      const ledger = TransparencyLedger.open(config, storage);
      const [a, b] = [new JointVentureHistory(), new JointVentureHistory()];
      await appendChained(storage.events, a, 2);
      await expect(ledger.exportBundle(a.id)).rejects.toBeInstanceOf(NotYetInLogError);
      await expect(ledger.exportBundle(randomUUID())).rejects.toThrow(/does not exist/);
      await catchUp();
      const early = await ledger.signNow();
      await appendChained(storage.events, b, 4);
      await appendChained(storage.events, a, 1);
      await catchUp();

      const key = ledger.publishedKeys()[0].verifierKey;
      const bundle = await ledger.exportBundle(a.id);
      expect(bundle.events.map((e) => e.version)).toEqual([0, 1, 2]);
      expect(verifyBundle(bundle, [key])).toMatchObject({ valid: true, events: 3 });
      // The early checkpoint did not cover a's last event: a new one was signed.
      const latest = await ledger.latest();
      expect(latest!.position).toBe(early!.position + 1);
      expect(latest!.treeSize).toBe(7);
      // b's events are all covered by it: no new checkpoint.
      expect(verifyBundle(await ledger.exportBundle(b.id), [key])).toMatchObject({ valid: true });
      expect((await ledger.latest())!.position).toBe(latest!.position);
    });

    it('signs periodically only while told it holds the lease, and only when the log grew', async () => {
      const ledger = TransparencyLedger.open(config, storage);
      await appendChained(storage.events, new JointVentureHistory(), 1);
      await catchUp();
      let holder = false;
      const stop = ledger.startPeriodicSigning({ intervalMs: 20, isLeaseHolder: () => holder });
      try {
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(await ledger.latest()).toBeUndefined();
        holder = true;
        const deadline = Date.now() + 10_000;
        while ((await ledger.latest()) === undefined && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 150));
      } finally {
        await stop();
      }
      // Several ticks as holder, one growth: one checkpoint.
      expect(await ledger.checkpoints(-1, 10)).toHaveLength(1);
    });
  });
}

ledgerSuite('on SQLite', async () => ({ env: {}, done: async () => undefined }));

const withDouble: Setup = async () => {
  const kurrent: TestKurrentDb = await startKurrentDb({ require: 'double' });
  return {
    env: { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: kurrent.connectionString },
    done: () => kurrent.stop(),
  };
};
ledgerSuite('with events in KurrentDB (double)', withDouble);

describeWithPostgres(
  'TransparencyLedger with PostgreSQL',
  (pg) => {
    ledgerSuite('events in KurrentDB (double), log in PostgreSQL', async () => {
      const { env, done } = await withDouble();
      return { env: { ...env, DATABASE_URL: pg().url }, done };
    });
  },
  { database: 'per-test' },
);

describe('TransparencyLedger keys from mounted files (production)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'jv-tkeys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('signs with LEDGER_SIGNING_KEY_FILE and publishes LEDGER_KEY_LIST_FILE with validities (rotation)', async () => {
    const origin = 'ledger.test/log';
    const old = generateSignerKey(origin);
    const current = generateSignerKey(origin);
    const keyFile = join(dir, 'signing.key');
    writeFileSync(keyFile, `${current.signerKey}\n`, { mode: 0o600 });
    const keys: KeyListEntry[] = [
      { verifierKey: old.verifierKey, notAfter: '2026-01-01T00:00:00.000Z' },
      { verifierKey: current.verifierKey, notBefore: '2026-01-01T00:00:00.000Z' },
    ];
    const listFile = join(dir, 'keys.json');
    writeFileSync(listFile, JSON.stringify({ keys }));
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'silent',
      TRANSPARENCY_ORIGIN: origin,
      LEDGER_SIGNING_KEY_FILE: keyFile,
      LEDGER_KEY_LIST_FILE: listFile,
    });
    const storage = await openStorage(config);
    try {
      const ledger = TransparencyLedger.open(config, storage);
      expect(ledger.publishedKeys().map((k) => k.verifierKey)).toEqual([
        old.verifierKey,
        current.verifierKey,
      ]);
      await appendChained(storage.events, new JointVentureHistory(), 1);
      const consumer = transparencyLogConsumer({
        events: storage.events,
        checkpoints: storage.checkpoints,
      });
      await consumer.start();
      await consumer.waitFor((await storage.events.readAll()).at(-1)!.position);
      await consumer.stop();
      const signed = await ledger.signNow();
      expect(openCheckpoint(signed!.note, parseKeyList([keys[1]]))).toMatchObject({ ok: true });
      // The retired key does not verify it: signed by the current one only.
      expect(openCheckpoint(signed!.note, parseKeyList([keys[0]]))).toMatchObject({ ok: false });
      expect(() => statSync(join(dir, 'data', 'transparency-signing.key'))).toThrow();
    } finally {
      await storage.close();
    }
  });
});
