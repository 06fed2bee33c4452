import { formatCheckpoint, openCheckpoint, signCheckpoint } from '../checkpoint/checkpoint';
import { HeadsTree } from '../checkpoint/heads-tree';
import { KeyRing, parseKeyList } from '../keys/key-ring';
import { InMemoryLogStore } from '../log/in-memory.log-store';
import { entriesFor } from '../log/log-store.contract';
import { TransparencyLog } from '../log/transparency-log';
import { generateSignerKey, parseSignerKey, signNote } from '../note/note-signer';
import { headLeaf, leafHash, parseCheckpoint, verifyInclusion } from '../verifier/offline.verifier';
import { witnessCheckpoint } from './witness';

const ORIGIN = 'jv-ledger.example/transparency';
const ringOf = (signerKey: string) => {
  const signer = parseSignerKey(signerKey);
  return KeyRing.of(parseKeyList([{ verifierKey: signer.verifierKey }]), [signer]);
};
const ledgerKey = generateSignerKey(ORIGIN);
const keys = ringOf(ledgerKey.signerKey);
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));

async function logOf(...batches: number[]): Promise<TransparencyLog> {
  const log = new TransparencyLog(new InMemoryLogStore());
  let size = 0;
  for (const batch of batches) {
    await log.append(entriesFor(size, batch));
    size += batch;
  }
  return log;
}

describe('checkpoints', () => {
  it('are C2SP tlog-checkpoint notes with the heads and time extension lines', async () => {
    const log = await logOf(20);
    const { note, checkpoint } = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(0) });
    const heads = HeadsTree.of(await log.headsAt(20));
    const [origin, size, root, headsLine, time, blank] = note.split('\n');
    expect([origin, size, root, blank]).toEqual([
      ORIGIN,
      '20',
      (await log.root(20)).toString('base64'),
      '',
    ]);
    expect(headsLine).toBe(`heads 7 ${heads.root.toString('base64')}`);
    expect(time).toBe('time 2025-01-01T12:00:00.000Z');
    expect(note.split('\n')[6]).toMatch(
      /^\u2014 jv-ledger\.example\/transparency [A-Za-z0-9+/]+=*$/,
    );
    expect(openCheckpoint(note, keys.trusted())).toEqual({
      ok: true,
      checkpoint,
      signedBy: [expect.anything()],
    });
    expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
  });

  it('commit to every JV head: a head proof verifies against the heads root, another head does not', async () => {
    const log = await logOf(30);
    const heads = HeadsTree.of(await log.headsAt(30));
    const head = heads.head('joint-venture-4')!;
    expect(head).toMatchObject({ revision: 3, eventHash: entriesFor(25, 1)[0].eventHash });
    const proof = heads.proof('joint-venture-4')!;
    const leaf = (revision: number) =>
      leafHash(headLeaf('joint-venture-4', revision, head.eventHash.toString('hex')));
    expect(verifyInclusion(proof.index, heads.count, leaf(3), proof.auditPath, heads.root)).toBe(
      true,
    );
    expect(verifyInclusion(proof.index, heads.count, leaf(2), proof.auditPath, heads.root)).toBe(
      false,
    );
    expect(heads.proof('joint-venture-99')).toBeUndefined();
  });
});

describe('a witness', () => {
  const witness = async (previous: string | undefined, log: TransparencyLog, next: string) => {
    const from =
      previous === undefined ? 0 : parseCheckpoint(previous.split('\n\n')[0] + '\n').size;
    const to = parseCheckpoint(next.split('\n\n')[0] + '\n').size;
    const consistencyProof = from === 0 || from > to ? [] : await log.consistencyProof(from, to);
    return witnessCheckpoint({
      origin: ORIGIN,
      trustedKeys: keys.trusted(),
      previous,
      next,
      consistencyProof,
    });
  };

  it('accepts a first checkpoint on its signature, then one that extends it', async () => {
    const log = await logOf(10);
    const first = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(0) });
    expect(await witness(undefined, log, first.note)).toMatchObject({
      accepted: true,
      checkpoint: { size: 10 },
    });
    await log.append(entriesFor(10, 25));
    const second = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(1) });
    expect(await witness(first.note, log, second.note)).toEqual({
      accepted: true,
      checkpoint: second.checkpoint,
    });
    expect(await witness(second.note, log, second.note)).toMatchObject({ accepted: true });
  });

  it('refuses a forked log: same start, a different event at the kept size', async () => {
    const honest = await logOf(10);
    const kept = await signCheckpoint(honest, { origin: ORIGIN, keys, now: at(0) });
    const forked = new TransparencyLog(new InMemoryLogStore());
    await forked.append([
      ...entriesFor(0, 9),
      { ...entriesFor(9, 1)[0], eventHash: Buffer.alloc(32, 7) },
    ]);
    await forked.append(entriesFor(10, 5));
    const next = await signCheckpoint(forked, { origin: ORIGIN, keys, now: at(1) });
    expect(await witness(kept.note, forked, next.note)).toMatchObject({
      accepted: false,
      reason: 'forked',
    });
  });

  it('refuses a log that shrank', async () => {
    const small = await signCheckpoint(await logOf(8), { origin: ORIGIN, keys, now: at(1) });
    const log = await logOf(10);
    const kept = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(0) });
    expect(await witness(kept.note, log, small.note)).toMatchObject({
      accepted: false,
      reason: 'shrunk',
    });
  });

  it('refuses a checkpoint signed by a key it does not trust, or edited after signing', async () => {
    const log = await logOf(10);
    const kept = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(0) });
    await log.append(entriesFor(10, 2));
    const impostor = ringOf(generateSignerKey(ORIGIN).signerKey);
    const unsigned = await signCheckpoint(log, { origin: ORIGIN, keys: impostor, now: at(1) });
    expect(await witness(kept.note, log, unsigned.note)).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });
    const honest = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(1) });
    const edited = honest.note.replace('\n12\n', '\n11\n');
    expect(await witness(kept.note, log, edited)).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });
  });

  it('refuses another log’s checkpoint and one older than the one it kept', async () => {
    const log = await logOf(10);
    const kept = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(5) });
    const other = await signNote(
      formatCheckpoint({ ...kept.checkpoint, origin: 'elsewhere.example/log' }),
      [keys.signerAt(at(5))],
    );
    expect(await witness(kept.note, log, other)).toMatchObject({
      accepted: false,
      reason: 'wrong-origin',
    });
    const older = await signCheckpoint(log, { origin: ORIGIN, keys, now: at(4) });
    expect(await witness(kept.note, log, older.note)).toMatchObject({
      accepted: false,
      reason: 'time-went-backwards',
    });
  });
});
