import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint, signCheckpoint } from '../checkpoint/checkpoint';
import { entriesFor } from '../log/log-store.contract';
import { InMemoryLogStore } from '../log/in-memory.log-store';
import { TransparencyLog } from '../log/transparency-log';
import { generateSignerKey, signNote } from '../note/note-signer';
import {
  KEY_LIST_FILE,
  SIGNING_KEY_FILE,
  openKeys,
  readKeyList,
  rotateSigningKey,
} from './key-files';
import { formatCheckpoint } from '../checkpoint/checkpoint';

const ORIGIN = 'jv-ledger.example/transparency';
const T0 = new Date('2025-01-01T00:00:00.000Z');
const T1 = new Date('2025-06-01T00:00:00.000Z');
const T2 = new Date('2025-09-01T00:00:00.000Z');

describe('signing keys', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'transparency-keys-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a key in the data directory with mode 0600 on first use and lists it from then on', () => {
    const first = openKeys({ dataDir, name: ORIGIN, now: T0 });
    expect(first.created).toBe(true);
    expect(statSync(join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(first.ring.published()).toEqual([
      expect.objectContaining({
        verifierKey: first.signer.verifierKey,
        name: ORIGIN,
        notBefore: T0.toISOString(),
      }),
    ]);
    const again = openKeys({ dataDir, name: ORIGIN, now: T1 });
    expect(again.created).toBe(false);
    expect(again.signer.verifierKey).toBe(first.signer.verifierKey);
    expect(again.ring.published()).toEqual(first.ring.published());
  });

  it('refuses a key file that group or others can read', () => {
    openKeys({ dataDir, name: ORIGIN, now: T0 });
    chmodSync(join(dataDir, SIGNING_KEY_FILE), 0o644);
    expect(() => openKeys({ dataDir, name: ORIGIN })).toThrow('chmod 600');
  });

  it('reads a mounted signer key and writes nothing next to it', () => {
    const { signerKey, verifierKey } = generateSignerKey(ORIGIN);
    const secret = join(dataDir, 'mounted.key');
    writeFileSync(secret, `${signerKey}\n`, { mode: 0o400 });
    const keys = openKeys({ signingKeyFile: secret, dataDir, name: ORIGIN });
    expect(keys.signer.verifierKey).toBe(verifierKey);
    expect(keys.ring.published()).toEqual([expect.objectContaining({ verifierKey })]);
    expect(() => statSync(join(dataDir, KEY_LIST_FILE))).toThrow();
  });

  it('takes validities from a key list, and refuses a signer the list does not hold', () => {
    const retired = generateSignerKey(ORIGIN);
    const current = generateSignerKey(ORIGIN);
    const secret = join(dataDir, 'mounted.key');
    writeFileSync(secret, current.signerKey, { mode: 0o400 });
    const list = join(dataDir, 'keys.json');
    writeFileSync(
      list,
      JSON.stringify({
        keys: [
          {
            verifierKey: retired.verifierKey,
            notBefore: T0.toISOString(),
            notAfter: T1.toISOString(),
          },
          { verifierKey: current.verifierKey, notBefore: T1.toISOString() },
        ],
      }),
    );
    const keys = openKeys({ signingKeyFile: secret, keyListFile: list, dataDir, name: ORIGIN });
    expect(keys.ring.published().map((key) => key.notAfter)).toEqual([T1.toISOString(), undefined]);
    expect(keys.ring.signerAt(T2).verifierKey).toBe(current.verifierKey);
    expect(() => keys.ring.signerAt(T0)).toThrow('no signing key is valid');
    writeFileSync(list, JSON.stringify({ keys: [{ verifierKey: retired.verifierKey }] }));
    expect(() =>
      openKeys({ signingKeyFile: secret, keyListFile: list, dataDir, name: ORIGIN }),
    ).toThrow('not in the key list');
  });

  it.each([
    [{ keys: [{ verifierKey: 'nonsense' }] }, 'key list entry 0: not an Ed25519 note verifier key'],
    [{ keys: [{}] }, 'key list entry 0: needs a verifierKey'],
    [
      { keys: [{ verifierKey: generateSignerKey('a').verifierKey, notBefore: 'soon' }] },
      'key list entry 0: notBefore is not an RFC 3339 instant',
    ],
    [
      {
        keys: [
          {
            verifierKey: generateSignerKey('a').verifierKey,
            notBefore: T1.toISOString(),
            notAfter: T0.toISOString(),
          },
        ],
      },
      'key list entry 0: notAfter is not after notBefore',
    ],
    [{ nokeys: [] }, 'the key list is not an array'],
  ])('names what is wrong in a key list: %j', (content, message) => {
    const list = join(dataDir, 'keys.json');
    writeFileSync(list, JSON.stringify(content));
    expect(() => readKeyList(list)).toThrow(message);
  });

  it('keeps the current key listed when rotating after the key list was lost', () => {
    const before = openKeys({ dataDir, name: ORIGIN, now: T0 });
    rmSync(join(dataDir, KEY_LIST_FILE));
    const after = rotateSigningKey({ dataDir, name: ORIGIN, at: T1 });
    expect(
      after.ring.published().map(({ verifierKey, notAfter }) => [verifierKey, notAfter]),
    ).toEqual([
      [before.signer.verifierKey, T1.toISOString()],
      [after.signer.verifierKey, undefined],
    ]);
  });

  it('rotates: a new key signs from then on, old checkpoints stay verifiable, the old key no longer counts', async () => {
    const log = new TransparencyLog(new InMemoryLogStore());
    await log.append(entriesFor(0, 10));
    const before = openKeys({ dataDir, name: ORIGIN, now: T0 });
    const old = await signCheckpoint(log, { origin: ORIGIN, keys: before.ring, now: T0 });

    const after = rotateSigningKey({ dataDir, name: ORIGIN, at: T1 });
    expect(after.signer.verifierKey).not.toBe(before.signer.verifierKey);
    expect(readFileSync(join(dataDir, SIGNING_KEY_FILE), 'utf8')).not.toContain(
      before.signer.verifierKey.split('+')[1],
    );
    expect(statSync(join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(after.ring.published().map(({ notBefore, notAfter }) => [notBefore, notAfter])).toEqual([
      [T0.toISOString(), T1.toISOString()],
      [T1.toISOString(), undefined],
    ]);

    await log.append(entriesFor(10, 5));
    const fresh = await signCheckpoint(log, { origin: ORIGIN, keys: after.ring, now: T2 });
    const trusted = after.ring.trusted();
    expect(openCheckpoint(old.note, trusted)).toMatchObject({ ok: true });
    expect(openCheckpoint(fresh.note, trusted)).toMatchObject({
      ok: true,
      checkpoint: { size: 15 },
    });

    // The retired key signing a checkpoint dated after its retirement (a leaked key, say).
    const backdoor = await signNote(formatCheckpoint(fresh.checkpoint), [before.signer]);
    expect(openCheckpoint(backdoor, trusted)).toMatchObject({ ok: false, reason: 'key-validity' });
  });
});
