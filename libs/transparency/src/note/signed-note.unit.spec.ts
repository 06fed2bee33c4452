import vectors from '../../testdata/signed-note/note-vectors.json';
import { openNote, parseVerifierKey, type VerifierKey } from '../verifier/offline.verifier';
import { generateSignerKey, parseSignerKey, signNote } from './note-signer';

const { peterNeumann: peter, enochRoot: enoch, c2spExample } = vectors;
const peterKey = parseVerifierKey(peter.verifierKey);
const enochKey = parseVerifierKey(enoch.verifierKey);
const signedBy = (keys: readonly VerifierKey[]) => keys.map((key) => key.name);

/** Every proper substring and every one-character increment of a key string (as Go's tests do). */
function manglings(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= key.length; i++)
    for (let j = i + 1; j <= key.length; j++)
      if (i !== 0 || j !== key.length) out.push(key.slice(i, j));
  for (let i = 0; i < key.length; i++)
    out.push(key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1));
  return out;
}

describe('C2SP signed notes with Ed25519 (golang.org/x/mod/sumdb/note vectors)', () => {
  it('parses the published verifier key: name, key id and the 32-byte public key', () => {
    expect(peterKey).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(peterKey.publicKey).toHaveLength(32);
  });

  it('refuses every substring and every one-character change of the verifier key', () => {
    const accepted = manglings(peter.verifierKey).filter((key) => {
      try {
        parseVerifierKey(key);
        return true;
      } catch {
        return false;
      }
    });
    expect(accepted).toEqual([]);
    for (const key of vectors.badVerifierKeys)
      expect(() => parseVerifierKey(key)).toThrow(TypeError);
  });

  it('derives the published verifier key from the published signer key', () => {
    expect(parseSignerKey(peter.signerKey).verifierKey).toBe(peter.verifierKey);
  });

  it('refuses every substring and every one-character change of the signer key', () => {
    const accepted = manglings(peter.signerKey).filter((key) => {
      try {
        parseSignerKey(key);
        return true;
      } catch {
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });

  it('signs the published text into exactly the published note', async () => {
    expect(await signNote(peter.text, [parseSignerKey(peter.signerKey)])).toBe(peter.signedNote);
  });

  it('verifies the published note and ignores a signature by a key it does not know', () => {
    const note = peter.signedNote + enoch.signatureLine;
    const opened = openNote(note, [peterKey]);
    expect(opened).toMatchObject({ ok: true, text: peter.text });
    expect(opened.ok && signedBy(opened.signedBy)).toEqual(['PeterNeumann']);
    const both = openNote(note, [peterKey, enochKey]);
    expect(both.ok && signedBy(both.signedBy)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('verifies the C2SP example note with its verifier key', () => {
    expect(
      openNote(c2spExample.signedNote, [parseVerifierKey(c2spExample.verifierKey)]),
    ).toMatchObject({
      ok: true,
      text: 'This is an example message.\n',
    });
  });

  it('refuses a note no trusted key signed, naming who did', () => {
    expect(openNote(peter.signedNote + enoch.signatureLine, [])).toEqual({
      ok: false,
      reason: 'no signature by a trusted key (signed by PeterNeumann+c74f20a3, EnochRoot+af0cfe78)',
    });
  });

  it('refuses the whole note when a trusted key’s signature does not verify', () => {
    const line = peter.signedNote.slice(peter.text.length + 1);
    const corrupted = `${peter.text}\n${line.slice(0, 60)}ABCD${line.slice(60)}`;
    expect(openNote(corrupted, [peterKey])).toEqual({
      ok: false,
      reason: 'the signature by trusted key PeterNeumann+c74f20a3 does not verify',
    });
    const edited = peter.signedNote.replace('cryptography', 'cryptographY');
    expect(openNote(edited, [peterKey])).toMatchObject({ ok: false });
  });

  it.each(vectors.malformedNotes.map((note, i) => [i, note] as const))(
    'refuses malformed note %i',
    (_, note) => {
      expect(openNote(note, [peterKey])).toMatchObject({ ok: false });
    },
  );

  it('refuses more than 100 signatures', () => {
    const line = peter.signedNote.slice(peter.text.length + 1);
    expect(openNote(`${peter.text}\n${line.repeat(101)}`, [peterKey])).toMatchObject({
      ok: false,
      reason: 'malformed note: too many signatures',
    });
  });

  it('generates keys that sign and verify, and whose notes show any edit', async () => {
    const { signerKey, verifierKey } = generateSignerKey('jv-ledger.example/log');
    const signer = parseSignerKey(signerKey);
    expect(signer.verifierKey).toBe(verifierKey);
    expect(String(signer)).not.toContain(signerKey.split('+')[4]);
    const note = await signNote('jv-ledger.example/log\n12\n', [signer]);
    expect(openNote(note, [parseVerifierKey(verifierKey)])).toMatchObject({ ok: true });
    expect(openNote(note.replace('12', '13'), [parseVerifierKey(verifierKey)])).toMatchObject({
      ok: false,
    });
  });

  it('refuses to sign a text that does not end in a newline or holds a control character', async () => {
    const signer = parseSignerKey(peter.signerKey);
    await expect(signNote('no newline', [signer])).rejects.toThrow(TypeError);
    await expect(signNote('tab\there\n', [signer])).rejects.toThrow(TypeError);
  });
});
