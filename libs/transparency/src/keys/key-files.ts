import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, parseSignerKey, type NoteSigner } from '../note/note-signer';
import { KeyRing, parseKeyList, type KeyListEntry, type TrustedKey } from './key-ring';

/** File names in the data directory of the embedded default. */
export const SIGNING_KEY_FILE = 'transparency-signing.key';
export const KEY_LIST_FILE = 'transparency-keys.json';
const MAX_KEY_FILE_BYTES = 64 * 1024;

export type KeySource = Readonly<{
  /** A signer key string in a mounted secret (`LEDGER_SIGNING_KEY_FILE`); never written to. */
  signingKeyFile?: string;
  /** The key list, JSON `{"keys": [{verifierKey, notBefore?, notAfter?}]}`. */
  keyListFile?: string;
  /** Without `signingKeyFile`, the key and the key list live here (`DATA_DIR`), created on first use. */
  dataDir: string;
  /** Name of a key created here: the log's origin. */
  name: string;
  now?: Date;
}>;

export type OpenedKeys = Readonly<{ ring: KeyRing; signer: NoteSigner; created: boolean }>;

/**
 * The signing key and key list, as configured: a mounted secret plus an optional key list
 * (production), or a key created in the data directory with mode 0600 on first use, listed as
 * valid from then on (the embedded default).
 */
export function openKeys(source: KeySource): OpenedKeys {
  const now = source.now ?? new Date();
  if (source.signingKeyFile !== undefined) {
    const signer = parseSignerKey(readSmallFile(source.signingKeyFile).trim());
    const keys =
      source.keyListFile === undefined
        ? parseKeyList([{ verifierKey: signer.verifierKey }])
        : readKeyList(source.keyListFile);
    return { ring: KeyRing.of(keys, [signer]), signer, created: false };
  }
  const keyFile = join(source.dataDir, SIGNING_KEY_FILE);
  const listFile = source.keyListFile ?? join(source.dataDir, KEY_LIST_FILE);
  mkdirSync(source.dataDir, { recursive: true });
  const created = createKeyFileIfMissing(keyFile, source.name);
  if ((statSync(keyFile).mode & 0o077) !== 0)
    throw new Error(`${keyFile} must not be readable by group or others: chmod 600 it`);
  const signer = parseSignerKey(readSmallFile(keyFile).trim());
  let keys = existsSync(listFile) ? readKeyList(listFile) : [];
  if (!keys.some((entry) => entry.key.text === signer.verifierKey)) {
    // A key created now is valid from now on; one found unlisted (a lost list, a key installed
    // by hand) since a time nobody knows.
    const validity = created ? { notBefore: now.toISOString() } : {};
    keys = [...keys, ...parseKeyList([{ verifierKey: signer.verifierKey, ...validity }])];
    writeKeyList(listFile, keys);
  }
  return { ring: KeyRing.of(keys, [signer]), signer, created };
}

/**
 * Replaces the data directory's signing key with a new one valid from `at`, and ends the
 * validity of the keys valid until then. The old private key is gone afterwards; its verifier
 * key stays listed, so what it signed stays verifiable.
 */
export function rotateSigningKey(source: KeySource & { at: Date }): OpenedKeys {
  if (source.signingKeyFile !== undefined)
    throw new Error('a mounted signing key is rotated by mounting a new one and listing it');
  const listFile = source.keyListFile ?? join(source.dataDir, KEY_LIST_FILE);
  const at = source.at.toISOString();
  // Opening first lists the current key if the list lacks it, so that it stays verifiable.
  const keys = openKeys({ ...source, now: source.at }).ring.trusted();
  const { signerKey, verifierKey } = generateSignerKey(source.name);
  // Key first, list second: a crash in between leaves a key that openKeys lists as new.
  writeFileAtomically(join(source.dataDir, SIGNING_KEY_FILE), `${signerKey}\n`, 0o600);
  const validThen = (entry: TrustedKey) =>
    (entry.notBefore === undefined || entry.notBefore < at) &&
    (entry.notAfter === undefined || entry.notAfter > at);
  const closed = keys.map((entry) => (validThen(entry) ? { ...entry, notAfter: at } : entry));
  writeKeyList(listFile, [...closed, ...parseKeyList([{ verifierKey, notBefore: at }])]);
  return openKeys({ ...source, now: source.at });
}

export function readKeyList(file: string): TrustedKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readSmallFile(file));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parseKeyList((parsed as { keys?: unknown } | null)?.keys);
}

function writeKeyList(file: string, keys: readonly TrustedKey[]): void {
  const entries: KeyListEntry[] = keys.map(({ key, notBefore, notAfter }) => ({
    verifierKey: key.text,
    ...(notBefore && { notBefore }),
    ...(notAfter && { notAfter }),
  }));
  writeFileAtomically(file, `${JSON.stringify({ keys: entries }, null, 2)}\n`, 0o644);
}

/** Creates the key file exclusively (two processes starting at once end up with one key). */
function createKeyFileIfMissing(file: string, name: string): boolean {
  try {
    writeFileSync(file, `${generateSignerKey(name).signerKey}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function writeFileAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode, flag: 'w' });
  renameSync(temporary, file);
}

function readSmallFile(file: string): string {
  if (statSync(file).size > MAX_KEY_FILE_BYTES)
    throw new Error(`${file} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}
