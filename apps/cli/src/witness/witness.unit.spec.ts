import {
  generateSignerKey,
  InMemoryLogStore,
  KeyRing,
  parseKeyList,
  parseSignerKey,
  signCheckpoint,
  TransparencyLog,
} from '@app/transparency';
import { entriesFor } from '@app/transparency/log/log-store.contract';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CannotCheckError, Witness } from './witness';
import { WitnessState } from './witness-state';

const ORIGIN = 'jv-ledger.example/transparency';
const signer = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
const keys = KeyRing.of(parseKeyList([{ verifierKey: signer.verifierKey }]), [signer]);
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));

describe('a witness with a state directory', () => {
  let dir: string;
  let log: TransparencyLog;
  const sign = async (minute: number) =>
    (await signCheckpoint(log, { origin: ORIGIN, keys, now: at(minute) })).note;
  const grow = (count: number) =>
    log.state().then(({ size }) => log.append(entriesFor(size, count)));
  const witnessOf = (proofs = true) =>
    new Witness({
      origin: ORIGIN,
      trustedKeys: keys.trusted(),
      state: new WitnessState(dir),
      proofs: proofs ? (first, second) => log.consistencyProof(first, second) : undefined,
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jv-witness-unit-'));
    log = new TransparencyLog(new InMemoryLogStore());
    await grow(10);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the first checkpoint, then one that extends it, across a restart of the witness', async () => {
    const first = await sign(0);
    expect(await witnessOf().offer({ note: first, position: 0 })).toMatchObject({
      kind: 'accepted',
      size: 10,
      fromSize: undefined,
    });
    await grow(7);
    const second = await sign(1);
    // A new Witness on the same directory: a restarted process.
    expect(await witnessOf().offer({ note: second, position: 1 })).toMatchObject({
      kind: 'accepted',
      size: 17,
      fromSize: 10,
    });
    expect(witnessOf().kept()).toBe(second);
    // Offered again, or an older one replayed by the topic: seen, nothing changes.
    expect(await witnessOf().offer({ note: second, position: 1 })).toEqual({
      kind: 'already-seen',
    });
    expect(await witnessOf().offer({ note: first, position: 0 })).toEqual({ kind: 'already-seen' });
    expect(witnessOf().kept()).toBe(second);
  });

  it('uses the proof a checkpoint carries from the kept size, and needs a source for any other', async () => {
    await witnessOf().offer({ note: await sign(0) });
    await grow(5);
    const next = await sign(1);
    await expect(witnessOf(false).offer({ note: next })).rejects.toBeInstanceOf(CannotCheckError);
    const carried = { fromTreeSize: 10, proof: await log.consistencyProof(10, 15) };
    expect(await witnessOf(false).offer({ note: next, consistency: carried })).toMatchObject({
      kind: 'accepted',
      size: 15,
    });
  });

  it('refuses a log that shrank or a bad proof, keeps the last accepted one and the refused note as evidence', async () => {
    const small = await sign(0);
    await grow(10);
    await witnessOf().offer({ note: await sign(1) });
    const shrunk = await witnessOf().offer({ note: small });
    expect(shrunk).toMatchObject({ kind: 'refused', reason: 'shrunk' });
    await grow(3);
    const next = await sign(2);
    const wrongProof = { fromTreeSize: 20, proof: await log.consistencyProof(10, 23) };
    expect(await witnessOf(false).offer({ note: next, consistency: wrongProof })).toMatchObject({
      kind: 'refused',
      reason: 'forked',
    });
    expect(readdirSync(join(dir, 'refused'))).toHaveLength(2);
    expect(witnessOf().kept()).toContain('\n20\n');
  });
});
