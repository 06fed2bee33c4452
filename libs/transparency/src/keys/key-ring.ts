import { keyLabel, parseVerifierKey, type VerifierKey } from '../verifier/offline.verifier';
import type { NoteSigner } from '../note/note-signer';

/** When a key may sign: from `notBefore` (inclusive) to `notAfter` (exclusive), RFC 3339 instants. */
export type KeyValidity = Readonly<{ notBefore?: string; notAfter?: string }>;

/** One entry of the key list, as stored and as `GET /transparency/keys` answers it. */
export type KeyListEntry = Readonly<{ verifierKey: string }> & KeyValidity;

export type PublishedKey = KeyListEntry & Readonly<{ name: string; keyId: string }>;

/** A verifier key a checker trusts, with the period in which its signatures count. */
export type TrustedKey = Readonly<{ key: VerifierKey }> & KeyValidity;

/** Is `at` inside the validity (an open end is unbounded)? */
export function isValidAt(validity: KeyValidity, at: string | Date): boolean {
  const instant = typeof at === 'string' ? Date.parse(at) : at.getTime();
  const from = validity.notBefore === undefined ? -Infinity : Date.parse(validity.notBefore);
  const until = validity.notAfter === undefined ? Infinity : Date.parse(validity.notAfter);
  return from <= instant && instant < until;
}

/** Parses key list entries, naming the first bad one; validity bounds must be instants in order. */
export function parseKeyList(entries: unknown): TrustedKey[] {
  if (!Array.isArray(entries)) throw new TypeError('the key list is not an array');
  return entries.map((entry: Record<string, unknown>, i) => {
    const bad = (what: string) => new TypeError(`key list entry ${i}: ${what}`);
    if (typeof entry !== 'object' || entry === null || typeof entry.verifierKey !== 'string')
      throw bad('needs a verifierKey');
    const bound = (field: 'notBefore' | 'notAfter') => {
      const value = entry[field];
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        throw bad(`${field} is not an RFC 3339 instant`);
      return new Date(value).toISOString();
    };
    const [notBefore, notAfter] = [bound('notBefore'), bound('notAfter')];
    if (notBefore !== undefined && notAfter !== undefined && notBefore >= notAfter)
      throw bad('notAfter is not after notBefore');
    let key: VerifierKey;
    try {
      key = parseVerifierKey(entry.verifierKey);
    } catch (error) {
      throw bad((error as Error).message);
    }
    return { key, ...(notBefore && { notBefore }), ...(notAfter && { notAfter }) };
  });
}

/**
 * The ledger's keys: every verifier key it has signed with, with its validity, and the signers
 * it holds now. Rotation adds a key and closes the old one's validity; old checkpoints stay
 * verifiable because their key stays listed.
 */
export class KeyRing {
  private constructor(
    private readonly keys: readonly TrustedKey[],
    private readonly signers: readonly NoteSigner[],
  ) {}

  /** Throws if a signer is not in the list: a key nobody could verify must not sign. */
  static of(keys: readonly TrustedKey[], signers: readonly NoteSigner[]): KeyRing {
    for (const signer of signers)
      if (!keys.some((entry) => entry.key.text === signer.verifierKey))
        throw new TypeError(`signer ${keyLabel(signer)} is not in the key list`);
    return new KeyRing(keys, signers);
  }

  /** The signer to use at `at`: of those valid then, the one that became valid last. */
  signerAt(at: Date): NoteSigner {
    const valid = this.keys
      .filter((entry) => isValidAt(entry, at))
      .sort((a, b) => (a.notBefore ?? '').localeCompare(b.notBefore ?? ''));
    for (const entry of valid.reverse()) {
      const signer = this.signers.find((s) => s.verifierKey === entry.key.text);
      if (signer !== undefined) return signer;
    }
    throw new Error(`no signing key is valid at ${at.toISOString()}`);
  }

  /** Every key with its validity, oldest first: what a witness or an auditor is given to trust. */
  trusted(): readonly TrustedKey[] {
    return this.keys;
  }

  published(): PublishedKey[] {
    return this.keys.map(({ key, notBefore, notAfter }) => ({
      verifierKey: key.text,
      name: key.name,
      keyId: key.keyId.toString(16).padStart(8, '0'),
      ...(notBefore && { notBefore }),
      ...(notAfter && { notAfter }),
    }));
  }
}
