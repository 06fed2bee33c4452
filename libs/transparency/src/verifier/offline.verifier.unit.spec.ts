import { hashEvent } from '@app/event-store';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, BundleEvent } from '../bundle/bundle';
import { generateSignerKey } from '../note/note-signer';
import { LedgerFixture, sampleLedger } from '../testing/ledger-fixture';
import { main, verifyBundle, type BundleVerdict } from './offline.verifier';

const JV = 'joint-venture-00000000-0000-4000-8000-00000000000b';
/** A bundle as plain JSON, to tamper with. */
type Writable = {
  format: string;
  streamId: string;
  checkpoint: string;
  events: (Omit<BundleEvent, 'data' | 'metadata'> & {
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  })[];
  inclusionProofs: { leafIndex: number; auditPath: string[] }[];
  headProof: { index: number; auditPath: string[] };
  keys: unknown[];
};
const copy = (bundle: Bundle): Writable => JSON.parse(JSON.stringify(bundle));

/** Recomputes event i's hash from its content with the ledger's own code, as an insider would. */
function seal(bundle: Writable, i: number): void {
  const { id, type, version: revision, data, metadata } = bundle.events[i];
  metadata.hash = hashEvent({ id, streamId: bundle.streamId, revision, type, data, metadata });
}

/** Rewrites the chain from event `from` on: every link and hash recomputed. */
function rehash(bundle: Writable, from: number): void {
  for (let i = from; i < bundle.events.length; i++) {
    bundle.events[i].metadata.prevHash = i === 0 ? null : bundle.events[i - 1].metadata.hash;
    seal(bundle, i);
  }
}

describe('the offline verifier', () => {
  let fixture: LedgerFixture;
  let bundle: Bundle;
  let verify: (tampered: unknown, keys?: string[]) => BundleVerdict;
  beforeAll(async () => {
    fixture = await sampleLedger();
    bundle = await fixture.bundle(JV, await fixture.checkpoint());
    verify = (tampered, keys = [fixture.verifierKey]) => verifyBundle(tampered, keys);
  });
  const failure = (check: string, index?: number) =>
    expect.objectContaining({
      valid: false,
      check,
      ...(index !== undefined && { event: expect.objectContaining({ index }) }),
    });

  it('accepts a bundle the ledger built: every event, proof, the head and the signature hold', () => {
    expect(verify(bundle)).toEqual({
      valid: true,
      streamId: JV,
      events: 6,
      checkpoint: { origin: 'jv-ledger.example/transparency', size: 18, time: expect.any(String) },
      signedBy: [fixture.verifierKey.split('+').slice(0, 2).join('+')],
    });
  });

  it('accepts a bundle taken at an older checkpoint after the log grew', async () => {
    const older = await sampleLedger();
    const signed = await older.checkpoint();
    older.record(JV, 'BatchProduced', { productCode: 'MZKT-7930', quantity: 1 });
    await older.commit();
    const stale = await older.bundle(JV, signed);
    expect(verifyBundle(stale, [older.verifierKey])).toMatchObject({ valid: true, events: 6 });
  });

  it('names the event whose data was edited (hash)', () => {
    const tampered = copy(bundle);
    (tampered.events[3].data as { quantity: number }).quantity += 1;
    expect(verify(tampered)).toEqual(failure('hash', 3));
  });

  it('names the event whose metadata was edited (hash)', () => {
    const tampered = copy(bundle);
    (tampered.events[2].metadata.actor as { memberState: string }).memberState = 'BY';
    expect(verify(tampered)).toEqual(failure('hash', 2));
  });

  it('catches a dropped last event (head)', () => {
    const tampered = copy(bundle);
    tampered.events.pop();
    tampered.inclusionProofs.pop();
    expect(verify(tampered)).toEqual(failure('head', 4));
  });

  it('names the position of a dropped middle event (revision)', () => {
    const tampered = copy(bundle);
    tampered.events.splice(2, 1);
    tampered.inclusionProofs.splice(2, 1);
    expect(verify(tampered)).toEqual(failure('revision', 2));
  });

  it('names the first of two swapped events (revision)', () => {
    const tampered = copy(bundle);
    [tampered.events[1], tampered.events[2]] = [tampered.events[2], tampered.events[1]];
    expect(verify(tampered)).toEqual(failure('revision', 1));
  });

  it('names the first event of a chain rewritten and re-hashed with the ledger’s own code (inclusion)', () => {
    const tampered = copy(bundle);
    (tampered.events[2].data as { quantity: number }).quantity = 999;
    rehash(tampered, 2);
    expect(verify(tampered)).toEqual(failure('inclusion', 2));
  });

  it('catches a link pointed elsewhere, the event itself re-hashed (chain)', () => {
    const tampered = copy(bundle);
    tampered.events[4].metadata.prevHash = tampered.events[2].metadata.hash;
    seal(tampered, 4);
    expect(verify(tampered)).toEqual(failure('chain', 4));
  });

  it('catches an edited checkpoint (signature)', () => {
    const tampered = copy(bundle);
    tampered.checkpoint = tampered.checkpoint.replace('\n18\n', '\n17\n');
    expect(verify(tampered)).toEqual(failure('signature'));
  });

  it('refuses a checkpoint signed by a key it was not told to trust (signature)', async () => {
    const rogue = await sampleLedger(
      new LedgerFixture(generateSignerKey('jv-ledger.example/transparency').signerKey),
    );
    const forged = await rogue.bundle(JV, await rogue.checkpoint());
    expect(verifyBundle(forged, [rogue.verifierKey])).toMatchObject({ valid: true });
    expect(verify(forged)).toEqual(
      expect.objectContaining({
        check: 'signature',
        message: expect.stringContaining('no signature by a trusted key'),
      }),
    );
  });

  it('catches an edited audit path (inclusion) and another JV’s head proof (head)', () => {
    const path = copy(bundle);
    path.inclusionProofs[0] = {
      ...path.inclusionProofs[0],
      auditPath: [...path.inclusionProofs[0].auditPath].reverse(),
    };
    expect(verify(path)).toEqual(failure('inclusion', 0));
    const head = copy(bundle);
    head.headProof = { ...head.headProof, index: head.headProof.index - 1 };
    expect(verify(head)).toEqual(failure('head', 5));
  });

  it.each([
    ['a missing field', (b: Writable) => delete (b as Partial<Writable>).headProof, 'headProof'],
    [
      'another format',
      (b: Writable) => ((b as { format: string }).format = 'jv-ledger-bundle/2'),
      'format',
    ],
    ['a proof too few', (b: Writable) => b.inclusionProofs.pop(), 'inclusionProofs'],
    [
      'an event without metadata',
      (b: Writable) => delete (b.events[1] as Partial<Writable['events'][0]>).metadata,
      'events[1]',
    ],
  ])('names the field of a bundle with %s (format)', (_, mangle, field) => {
    const tampered = copy(bundle);
    mangle(tampered);
    expect(verify(tampered)).toEqual({
      valid: false,
      check: 'format',
      message: expect.stringContaining(field),
    });
  });

  describe('main', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'verify-bundle-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const run = (args: string[]) => {
      const lines: string[] = [];
      return { code: main(args, (line) => lines.push(line)), lines };
    };

    it('exits 0 with a VALID line for a good bundle, 1 naming the failure for a tampered one', () => {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify(bundle));
      expect(run([good, '--trusted-key', fixture.verifierKey])).toEqual({
        code: 0,
        lines: [
          expect.stringMatching(
            /^VALID: 6 events of joint-venture-.*, complete as of checkpoint 18 /,
          ),
        ],
      });
      const tampered = copy(bundle);
      tampered.events.splice(3, 1);
      tampered.inclusionProofs.splice(3, 1);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify(tampered));
      const result = run([bad, '--trusted-key', fixture.verifierKey]);
      expect(result.code).toBe(1);
      expect(result.lines[0]).toMatch(
        /^INVALID \(revision\) at event 3 \(version 4, id .+\): expected version 3, found 4/,
      );
      expect(
        JSON.parse(run([bad, '--json', '--trusted-key', fixture.verifierKey]).lines[0]),
      ).toMatchObject({ valid: false, check: 'revision' });
    });

    it('exits 2 on a usage error, a bad key or a file it cannot read', () => {
      expect(run([]).code).toBe(2);
      expect(run([join(dir, 'good.json')]).code).toBe(2);
      expect(run([join(dir, 'good.json'), '--trusted-key', 'not-a-key']).code).toBe(2);
      expect(run([join(dir, 'missing.json'), '--trusted-key', fixture.verifierKey]).code).toBe(2);
      expect(
        run([join(dir, 'good.json'), '--trusted-key', fixture.verifierKey, '--unknown']).code,
      ).toBe(2);
    });
  });
});
