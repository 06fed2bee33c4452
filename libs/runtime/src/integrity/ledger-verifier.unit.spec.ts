import { hashEvent, InMemoryEventStore } from '@app/event-store';
import {
  generateSignerKey,
  InMemoryLogStore,
  KeyRing,
  parseKeyList,
  parseSignerKey,
  signCheckpoint,
  TransparencyLog,
} from '@app/transparency';
import { createHash, randomUUID } from 'node:crypto';
import { logEntryOf } from '../transparency/transparency-log.consumer';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM } from '../transparency/transparency-ledger';
import { LedgerVerifier } from './ledger-verifier';

const ORIGIN = 'jv-ledger.test/log';

/** A ledger in memory: chained JV events, the log fed as its consumer feeds it, checkpoints. */
function ledger() {
  const events = new InMemoryEventStore();
  const log = new TransparencyLog(new InMemoryLogStore());
  const signer = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
  const keys = KeyRing.of(parseKeyList([{ verifierKey: signer.verifierKey }]), [signer]);
  let fed: bigint | undefined;
  return {
    events,
    log,
    verifier: new LedgerVerifier({
      events,
      transparency: { log, trustedKeys: () => keys.trusted() },
      batchSize: 4,
    }),
    async record(streamId: string, count: number) {
      const existing = await events.readStream(streamId);
      let prevHash = (existing.at(-1)?.metadata.hash as string | undefined) ?? null;
      for (let i = 0; i < count; i++) {
        const revision = existing.length + i;
        const event = {
          id: randomUUID(),
          streamId,
          revision,
          type: 'BatchProduced',
          data: { quantity: revision },
          metadata: { recordedAt: '2026-12-02T10:00:00.000Z', prevHash },
        };
        const hash = hashEvent(event);
        await events.appendToStream(streamId, [
          { ...event, metadata: { ...event.metadata, hash } },
        ]);
        prevHash = hash;
      }
    },
    async feed() {
      const batch = await events.readAll({ after: fed, streamPrefix: 'joint-venture-' });
      if (batch.length === 0) return;
      await log.append(batch.map(logEntryOf));
      fed = batch[batch.length - 1].position;
    },
    async checkpoint() {
      const { note, checkpoint } = await signCheckpoint(log, {
        origin: ORIGIN,
        keys,
        now: new Date(),
      });
      await events.appendToStream(CHECKPOINT_STREAM, [
        {
          id: randomUUID(),
          type: CHECKPOINT_SIGNED,
          data: { note, treeSize: checkpoint.size, rootHash: checkpoint.root.toString('base64') },
          metadata: {},
        },
      ]);
    },
  };
}

describe('LedgerVerifier', () => {
  it('finds nothing in a ledger as the service keeps it, over pages, checkpoints on the way', async () => {
    const l = ledger();
    await l.record('joint-venture-a', 3);
    await l.record('joint-venture-b', 4);
    await l.feed();
    await l.checkpoint();
    await l.record('joint-venture-a', 2);
    await l.feed();
    await l.checkpoint();
    const walk = await l.verifier.verifyAll();
    expect(walk).toMatchObject({
      events: 9,
      ordinal: 9,
      leafIndex: 9,
      checkpoints: 2,
      findings: [],
    });
  });

  it('continues a walk with what was appended since, checkpoints signed behind it included', async () => {
    const l = ledger();
    await l.record('joint-venture-a', 3);
    await l.feed();
    const walk = await l.verifier.verifyAll();
    await l.record('joint-venture-b', 2);
    await l.record('joint-venture-a', 1);
    await l.feed();
    // Signed at size 6 while the walk stood at 3: reached by the walk, compared on the way.
    await l.checkpoint();
    await l.verifier.advance(walk);
    expect(walk).toMatchObject({ events: 6, checkpoints: 1, findings: [], pending: [] });
    expect(walk.heads.get('joint-venture-a')).toMatchObject({ revision: 3 });
    // Nothing new: nothing read.
    await l.verifier.advance(walk);
    expect(walk.events).toBe(6);
  });

  it('names leaves and a checkpoint whose events the store no longer has', async () => {
    const l = ledger();
    await l.record('joint-venture-a', 2);
    await l.feed();
    // A leaf for an event the store never kept (as after deleting the log's last event).
    const ghost = { eventId: 'ghost', streamId: 'joint-venture-a', revision: 2 };
    await l.log.append([{ ...ghost, eventHash: createHash('sha256').update('x').digest() }]);
    await l.checkpoint();
    const walk = await l.verifier.verifyAll();
    expect(walk.findings.map((f) => [f.check, f.eventId ?? f.treeSize])).toEqual([
      ['missing-event', 'ghost'],
      ['tree-root', 3],
    ]);
  });

  it('checks one JV: its chain and its leaves', async () => {
    const l = ledger();
    await l.record('joint-venture-a', 3);
    await l.record('joint-venture-b', 1);
    await l.feed();
    await l.checkpoint();
    expect(await l.verifier.verifyStream('joint-venture-a')).toMatchObject({
      events: 3,
      checkpoints: 1,
      findings: [],
    });
  });
});
