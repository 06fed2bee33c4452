/**
 * The offline verifier of a joint-venture export bundle (format `jv-ledger-bundle/1`, byte
 * layouts in libs/transparency/README.md). It uses Node's built-in modules only and imports
 * nothing from the ledger, so that anyone can read it in an afternoon and run it themselves:
 *
 *   node --experimental-strip-types offline.verifier.ts bundle.json --trusted-key <vkey>  (Node >= 22.6)
 *   ledger verify-bundle bundle.json --trusted-key <vkey>                                   (the ledger's CLI)
 *
 * Checks, in order, stopping at the first failure and naming it: the bundle's shape (`format`);
 * the checkpoint's Ed25519 signature by a trusted key (`signature`, C2SP signed-note); the
 * checkpoint text (`checkpoint`, C2SP tlog-checkpoint plus this ledger's `heads` and `time`
 * lines); then for every event its revision (`revision`), its hash recomputed from RFC 8785
 * canonical JSON (`hash`), its link to the event before (`chain`) and its RFC 9162 inclusion proof
 * in the checkpoint's tree (`inclusion`); last, that the final event is the JV's head the
 * checkpoint commits to (`head`), so a bundle with its tail cut off fails.
 * The ledger itself verifies with these same functions: one implementation on both sides.
 */
import { createHash, createPublicKey, hash as oneShotHash, verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export const BUNDLE_FORMAT = 'jv-ledger-bundle/1';
const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;
const MAX_NOTE_SIGNATURES = 100;
const MAX_PROOF_LENGTH = 64;

// ---- RFC 9162 §2.1.1 hashing, §2.1.3.2 inclusion verification --------------------------------

export function sha256(...parts: readonly Uint8Array[]): Buffer {
  // crypto.hash (Node >= 20.12) hashes in one call, about twice as fast on 65-byte inputs.
  if (typeof oneShotHash === 'function')
    return oneShotHash('sha256', parts.length === 1 ? parts[0] : Buffer.concat(parts), 'buffer');
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}
const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);
export const leafHash = (leaf: Uint8Array): Buffer => sha256(LEAF_PREFIX, leaf);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer =>
  sha256(NODE_PREFIX, left, right);

const isIndex = (value: unknown): value is number =>
  Number.isSafeInteger(value) && Number(value) >= 0;
const half = (value: number) => Math.floor(value / 2);

/** The root an audit path leads to from a leaf hash, or undefined when the path cannot fit. */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  hash: Uint8Array,
  auditPath: readonly Uint8Array[],
): Buffer | undefined {
  if (!isIndex(leafIndex) || !isIndex(treeSize) || leafIndex >= treeSize || hash.length !== 32)
    return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(hash);
  for (const p of auditPath) {
    if (sn === 0 || p.length !== 32) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  hash: Uint8Array,
  auditPath: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, hash, auditPath);
  return computed !== undefined && computed.equals(root);
}

// ---- RFC 8785 canonical JSON and the event hash ------------------------------------------------

/**
 * RFC 8785 (JCS) for JSON values: ECMAScript number and string serialisation (which is what
 * JSON.stringify does) and object members sorted by their UTF-16 code units (what sort() does).
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      let out = '';
      if (Array.isArray(value)) {
        for (const item of value) out += (out === '' ? '' : ',') + canonicalJson(item);
        return `[${out}]`;
      }
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object).sort())
        out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(object[key])}`;
      return `{${out}}`;
    }
  }
  throw new TypeError(`a ${typeof value} is not a JSON value`);
}

export type BundleEvent = Readonly<{
  id: string;
  type: string;
  version: number;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
  committedAt?: string;
}>;

/** SHA-256 (hex) of the canonical `{id, streamId, revision, type, data, metadata without hash}`. */
export function eventHash(streamId: string, event: BundleEvent): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const { id, type, version: revision, data } = event;
  const canonical = canonicalJson({ id, streamId, revision, type, data, metadata });
  return sha256(Buffer.from(canonical, 'utf8')).toString('hex');
}

/** Leaf of the heads tree: u16 length || UTF-8 stream id || u64 revision || 32-byte event hash. */
export function headLeaf(streamId: string, revision: number, eventHashHex: string): Buffer {
  const id = Buffer.from(streamId, 'utf8');
  if (id.length > 0xffff || !isIndex(revision) || !/^[0-9a-f]{64}$/.test(eventHashHex))
    throw new RangeError(`no head leaf for ${streamId}@${revision}`);
  const leaf = Buffer.alloc(2 + id.length + 8 + 32);
  leaf.writeUInt16BE(id.length, 0);
  id.copy(leaf, 2);
  leaf.writeBigUInt64BE(BigInt(revision), 2 + id.length);
  Buffer.from(eventHashHex, 'hex').copy(leaf, 10 + id.length);
  return leaf;
}

// ---- C2SP signed-note with Ed25519 -------------------------------------------------------------

/**
 * Standard base64 (RFC 4648 §4) with padding; undefined for anything else (Buffer.from alone
 * skips bad characters). Like Go's base64.StdEncoding, it does not insist on zero trailing bits.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

export type VerifierKey = Readonly<{
  name: string;
  keyId: number;
  publicKey: Buffer;
  text: string;
}>;

const ED25519 = 0x01;
export const isKeyName = (name: string): boolean => name !== '' && !/[\s+\u0085]/.test(name);
/** `<name>+<hex key id>`: how a key is named in messages. */
export const keyLabel = (key: Pick<VerifierKey, 'name' | 'keyId'>): string =>
  `${key.name}+${key.keyId.toString(16).padStart(8, '0')}`;

/** Key id: the first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || public key). */
export const keyIdOf = (name: string, publicKey: Uint8Array): number =>
  sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.of(ED25519), publicKey).readUInt32BE(0);

/** Parses `<name>+<hex key id>+<base64(0x01 || public key)>`; throws on anything else. */
export function parseVerifierKey(text: string): VerifierKey {
  // The name holds no '+' and the id is 8 hex digits; base64 may hold '+'.
  const [name, id] = text.split('+', 2);
  const key = decodeBase64(text.slice(name.length + 10));
  if (
    !isKeyName(name) ||
    !/^[0-9a-f]{8}\+/.test(text.slice(name.length + 1)) ||
    key?.length !== 33 ||
    key[0] !== ED25519
  )
    throw new TypeError(`not an Ed25519 note verifier key: ${text}`);
  const publicKey = key.subarray(1);
  if (keyIdOf(name, publicKey) !== parseInt(id, 16))
    throw new TypeError(`key id ${id} does not match the key of ${name}`);
  return { name, keyId: parseInt(id, 16), publicKey, text };
}

export type OpenedNote =
  | Readonly<{ ok: true; text: string; signedBy: readonly VerifierKey[] }>
  | Readonly<{ ok: false; reason: string }>;

const CONTROL_OR_LONE_SURROGATE =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\u0000-\u0009\u000b-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Notes are UTF-8 with no control character but the newline. */
export const isNoteText = (text: string): boolean => !CONTROL_OR_LONE_SURROGATE.test(text);

/** Splits a signed note and verifies it: at least one trusted signature, and none that fails. */
export function openNote(note: string, trusted: readonly VerifierKey[]): OpenedNote {
  const fail = (reason: string): OpenedNote => ({ ok: false, reason });
  if (!isNoteText(note)) return fail('malformed note: a control character or invalid UTF-16');
  const split = note.lastIndexOf('\n\n');
  const lines = note.slice(split + 2).split('\n');
  if (split < 0 || lines.pop() !== '' || lines.length === 0)
    return fail('malformed note: no signature lines');
  if (lines.length > MAX_NOTE_SIGNATURES) return fail('malformed note: too many signatures');
  const text = note.slice(0, split + 1);
  const signedBy: VerifierKey[] = [];
  const seen: string[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    const signature = match === null ? undefined : decodeBase64(match[2]);
    if (match === null || !isKeyName(match[1]) || signature === undefined || signature.length < 5)
      return fail(`malformed signature line: ${line}`);
    const keyId = signature.readUInt32BE(0);
    seen.push(keyLabel({ name: match[1], keyId }));
    const keys = trusted.filter((key) => key.name === match[1] && key.keyId === keyId);
    if (keys.length === 0) continue; // unknown keys are ignored, as the note spec says
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: keys[0].publicKey.toString('base64url') },
      format: 'jwk',
    });
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, signature.subarray(4)))
      return fail(`the signature by trusted key ${keyLabel(keys[0])} does not verify`);
    signedBy.push(keys[0]);
  }
  if (signedBy.length === 0)
    return fail(`no signature by a trusted key (signed by ${seen.join(', ')})`);
  return { ok: true, text, signedBy };
}

// ---- C2SP tlog-checkpoint with this ledger's extension lines -----------------------------------

export type Checkpoint = Readonly<{
  origin: string;
  size: number;
  root: Buffer;
  /** The heads tree: one leaf per JV (`headLeaf`), sorted by the stream id's UTF-8 bytes. */
  heads: Readonly<{ count: number; root: Buffer }>;
  /** When it was signed, RFC 3339 in UTC. */
  time: string;
}>;

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const decimal = (text: string | undefined) =>
  DECIMAL.test(text ?? '') && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;

/** Parses the note text `origin\nsize\nroot\nheads <count> <root>\ntime <RFC 3339>\n`. */
export function parseCheckpoint(text: string): Checkpoint {
  const bad = (what: string) => new TypeError(`not a ledger checkpoint: ${what}`);
  const lines = text.split('\n');
  if (lines.length !== 6 || lines[5] !== '')
    throw bad('expected 5 lines, each ending in a newline');
  const [origin, sizeLine, rootLine, headsLine, timeLine] = lines;
  const heads = /^heads (\S+) (\S+)$/.exec(headsLine);
  const time = /^time (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)$/.exec(timeLine);
  const [size, root] = [decimal(sizeLine), decodeBase64(rootLine)];
  const [count, headsRoot] = [decimal(heads?.[1]), decodeBase64(heads?.[2] ?? '')];
  if (origin === '') throw bad('the origin line is empty');
  if (size === undefined) throw bad(`tree size line ${sizeLine}`);
  if (root?.length !== 32) throw bad(`root hash line ${rootLine}`);
  if (count === undefined || headsRoot?.length !== 32) throw bad(`heads line ${headsLine}`);
  if (time === null || Number.isNaN(Date.parse(time[1]))) throw bad(`time line ${timeLine}`);
  return { origin, size, root, heads: { count, root: headsRoot }, time: time[1] };
}

// ---- The bundle ------------------------------------------------------------------------------------

export type BundleInclusionProof = Readonly<{ leafIndex: number; auditPath: readonly string[] }>;

export type Bundle = Readonly<{
  format: typeof BUNDLE_FORMAT;
  streamId: string;
  /** Every event of the JV up to its head at the checkpoint, as the history API returns them. */
  events: readonly BundleEvent[];
  /** The signed checkpoint note, exactly as signed. */
  checkpoint: string;
  /** One per event, same order: the event's leaf in the checkpoint's tree (size = checkpoint size). */
  inclusionProofs: readonly BundleInclusionProof[];
  /** The JV's head leaf in the checkpoint's heads tree (size = heads count). */
  headProof: Readonly<{ index: number; auditPath: readonly string[] }>;
  /** The ledger's verifier keys, for information: trust comes from --trusted-key only. */
  keys: readonly Readonly<{ verifierKey: string; notBefore?: string; notAfter?: string }>[];
}>;

export type BundleCheck =
  'format' | 'signature' | 'checkpoint' | 'revision' | 'hash' | 'chain' | 'inclusion' | 'head';

export type BundleVerdict =
  | Readonly<{
      valid: true;
      streamId: string;
      events: number;
      checkpoint: Readonly<{ origin: string; size: number; time: string }>;
      signedBy: readonly string[];
    }>
  | Readonly<{
      valid: false;
      check: BundleCheck;
      message: string;
      event?: Readonly<{ index: number; id: string; version: number }>;
    }>;

/** Checks the shape of what JSON.parse gave; returns a problem naming the field, if any. */
function shapeProblem(bundle: unknown): string | undefined {
  const b = bundle as Record<string, unknown> | null;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isPath = (v: unknown) =>
    Array.isArray(v) && v.length <= MAX_PROOF_LENGTH && v.every((h) => typeof h === 'string');
  if (!isObject(b)) return 'the bundle is not a JSON object';
  if (b!.format !== BUNDLE_FORMAT)
    return `format: expected "${BUNDLE_FORMAT}", found ${JSON.stringify(b!.format)}`;
  if (typeof b!.streamId !== 'string' || b!.streamId === '')
    return 'streamId: not a non-empty string';
  if (typeof b!.checkpoint !== 'string') return 'checkpoint: not a string';
  const { events, inclusionProofs: proofs, headProof } = b as Record<string, unknown[]>;
  if (!Array.isArray(events) || events.length === 0) return 'events: not a non-empty array';
  if (!Array.isArray(proofs) || proofs.length !== events.length)
    return 'inclusionProofs: not an array with one proof per event';
  for (const [i, e] of (events as Record<string, unknown>[]).entries()) {
    if (
      !isObject(e) ||
      typeof e.id !== 'string' ||
      typeof e.type !== 'string' ||
      !isIndex(e.version) ||
      !isObject(e.metadata) ||
      !('data' in e)
    )
      return `events[${i}]: needs id, type, version, data and metadata`;
    const proof = proofs[i] as Record<string, unknown>;
    if (!isObject(proof) || !isIndex(proof.leafIndex) || !isPath(proof.auditPath))
      return `inclusionProofs[${i}]: needs leafIndex and auditPath`;
  }
  const head = headProof as unknown as Record<string, unknown>;
  if (!isObject(head) || !isIndex(head.index) || !isPath(head.auditPath))
    return 'headProof: needs index and auditPath';
  return undefined;
}

const decodePath = (path: readonly string[]) => path.map((h) => decodeBase64(h) ?? Buffer.alloc(0));

/** Verifies a parsed bundle against the trusted verifier keys (throws if a key is malformed). */
export function verifyBundle(bundle: unknown, trustedKeys: readonly string[]): BundleVerdict {
  const trusted = trustedKeys.map(parseVerifierKey);
  const problem = shapeProblem(bundle);
  if (problem !== undefined) return { valid: false, check: 'format', message: problem };
  const { streamId, events, inclusionProofs, headProof, checkpoint: note } = bundle as Bundle;

  const opened = openNote(note, trusted);
  if (!opened.ok) return { valid: false, check: 'signature', message: opened.reason };
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(opened.text);
  } catch (error) {
    return { valid: false, check: 'checkpoint', message: (error as Error).message };
  }

  let previousHash: unknown = null;
  let previousLeaf = -1;
  for (const [index, event] of events.entries()) {
    const fail = (check: BundleCheck, message: string): BundleVerdict => ({
      valid: false,
      check,
      message,
      event: { index, id: event.id, version: event.version },
    });
    if (event.version !== index)
      return fail(
        'revision',
        `expected version ${index}, found ${event.version}: an event is missing or out of place`,
      );
    let recomputed: string;
    try {
      recomputed = eventHash(streamId, event);
    } catch (error) {
      return fail('hash', (error as Error).message);
    }
    if (event.metadata.hash !== recomputed)
      return fail(
        'hash',
        `the content hashes to ${recomputed}, the event says ${String(event.metadata.hash)}`,
      );
    if ((event.metadata.prevHash ?? null) !== previousHash)
      return fail(
        'chain',
        `prevHash ${String(event.metadata.prevHash ?? null)} is not the previous event's hash ${String(previousHash)}`,
      );
    const { leafIndex, auditPath } = inclusionProofs[index];
    const leaf = leafHash(Buffer.from(recomputed, 'hex'));
    if (
      leafIndex <= previousLeaf ||
      !verifyInclusion(leafIndex, checkpoint.size, leaf, decodePath(auditPath), checkpoint.root)
    )
      return fail(
        'inclusion',
        `not included at leaf ${leafIndex} in the checkpoint's tree of size ${checkpoint.size}`,
      );
    previousHash = recomputed;
    previousLeaf = leafIndex;
  }

  const last = events[events.length - 1];
  const head = leafHash(headLeaf(streamId, last.version, String(last.metadata.hash)));
  const { count, root } = checkpoint.heads;
  if (!verifyInclusion(headProof.index, count, head, decodePath(headProof.auditPath), root))
    return {
      valid: false,
      check: 'head',
      message: `version ${last.version} is not this JV's head in the checkpoint: events at the end are missing`,
      event: { index: events.length - 1, id: last.id, version: last.version },
    };
  const { origin, size, time } = checkpoint;
  return {
    valid: true,
    streamId,
    events: events.length,
    checkpoint: { origin, size, time },
    signedBy: opened.signedBy.map(keyLabel),
  };
}

// ---- Command line --------------------------------------------------------------------------------

/** `verify-bundle <bundle.json> --trusted-key <vkey>... [--json]`: 0 valid, 1 invalid, 2 usage. */
export function main(args: readonly string[], print: (line: string) => void = console.log): number {
  const keys: string[] = [];
  const files: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--trusted-key' && i + 1 < args.length) keys.push(args[++i]);
    else if (args[i] === '--json') json = true;
    else if (!args[i].startsWith('--')) files.push(args[i]);
    else files.push('', ''); // an unknown option: fall through to the usage line
  }
  if (files.length !== 1 || keys.length === 0) {
    print(
      'usage: verify-bundle <bundle.json> --trusted-key <verifier key> [--trusted-key ...] [--json]',
    );
    return 2;
  }
  let verdict: BundleVerdict;
  try {
    if (statSync(files[0]).size > MAX_BUNDLE_BYTES)
      throw new RangeError(`larger than ${MAX_BUNDLE_BYTES} bytes`);
    verdict = verifyBundle(JSON.parse(readFileSync(files[0], 'utf8')), keys);
  } catch (error) {
    print(`cannot verify ${files[0]}: ${(error as Error).message}`);
    return 2;
  }
  if (json) print(JSON.stringify(verdict));
  else if (verdict.valid)
    print(
      `VALID: ${verdict.events} events of ${verdict.streamId}, complete as of checkpoint ${verdict.checkpoint.size} of ${verdict.checkpoint.origin} at ${verdict.checkpoint.time}, signed by ${verdict.signedBy.join(', ')}`,
    );
  else
    print(
      `INVALID (${verdict.check})${verdict.event ? ` at event ${verdict.event.index} (version ${verdict.event.version}, id ${verdict.event.id})` : ''}: ${verdict.message}`,
    );
  return verdict.valid ? 0 : 1;
}

// CommonJS (compiled, ts-node, jest) knows its main module; Node's type stripping loads this as ESM.
const invokedDirectly =
  typeof require !== 'undefined'
    ? require.main === module
    : /offline\.verifier\.ts$/.test(process.argv[1] ?? '');
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
