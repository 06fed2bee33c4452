import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import {
  decodeBase64,
  isKeyName,
  isNoteText,
  keyIdOf,
  keyLabel,
} from '../verifier/offline.verifier';

/**
 * Signs C2SP signed-note texts with Ed25519. `parseSignerKey` gives one over a key held in this
 * process; an HSM or cloud KMS with Ed25519 (PKCS#11 CKM_EDDSA, Google Cloud KMS EC_SIGN_ED25519,
 * ...) implements the same three properties and `sign`, so nothing else changes.
 */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** `<name>+<hex key id>+<base64(0x01 || public key)>`: what verifies this signer's notes. */
  readonly verifierKey: string;
  /** The 64-byte Ed25519 signature of `message`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const ED25519 = 0x01;
/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function verifierKeyOf(name: string, publicKey: Uint8Array): string {
  const id = keyIdOf(name, publicKey).toString(16).padStart(8, '0');
  return `${name}+${id}+${Buffer.concat([Buffer.of(ED25519), publicKey]).toString('base64')}`;
}

function checkName(name: string): void {
  if (!isKeyName(name))
    throw new TypeError(`a note key name must be non-empty with no spaces or '+': ${name}`);
}

/** A new key: `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` and its verifier key. */
export function generateSignerKey(
  name: string,
): Readonly<{ signerKey: string; verifierKey: string }> {
  checkName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const verifierKey = verifierKeyOf(
    name,
    Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
  );
  const [, id] = verifierKey.split('+');
  const encodedSeed = Buffer.concat([Buffer.of(ED25519), seed]).toString('base64');
  return { signerKey: `PRIVATE+KEY+${name}+${id}+${encodedSeed}`, verifierKey };
}

/** A signer over a signer key string; throws if it is malformed or its key id does not match. */
export function parseSignerKey(signerKey: string): NoteSigner {
  const [private_, key_, name, id] = signerKey.split('+', 4);
  const encoded = decodeBase64(signerKey.split('+').slice(4).join('+'));
  if (
    private_ !== 'PRIVATE' ||
    key_ !== 'KEY' ||
    !isKeyName(name ?? '') ||
    !/^[0-9a-f]{8}$/.test(id ?? '') ||
    encoded?.length !== 33 ||
    encoded[0] !== ED25519
  )
    throw new TypeError('not an Ed25519 note signer key (PRIVATE+KEY+<name>+<id>+<key>)');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, encoded.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Buffer.from(
    createPublicKey(privateKey).export({ format: 'jwk' }).x!,
    'base64url',
  );
  if (keyIdOf(name, publicKey) !== parseInt(id, 16))
    throw new TypeError(`signer key id ${id} does not match the key of ${name}`);
  return new LocalNoteSigner(name, publicKey, privateKey);
}

class LocalNoteSigner implements NoteSigner {
  readonly keyId: number;
  readonly verifierKey: string;

  constructor(
    readonly name: string,
    publicKey: Buffer,
    private readonly privateKey: KeyObject,
  ) {
    this.keyId = keyIdOf(name, publicKey);
    this.verifierKey = verifierKeyOf(name, publicKey);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return sign(null, message, this.privateKey);
  }

  toString(): string {
    return `NoteSigner(${keyLabel(this)})`; // never the key itself
  }
}

/** Signs `text` (which must end in a newline) with each signer: text, blank line, signature lines. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  if (!text.endsWith('\n') || !isNoteText(text))
    throw new TypeError('a note text ends with a newline and holds no other control character');
  if (signers.length === 0) throw new TypeError('a note needs at least one signature');
  const message = Buffer.from(text, 'utf8');
  const lines = await Promise.all(
    signers.map(async (signer) => {
      checkName(signer.name);
      const id = Buffer.alloc(4);
      id.writeUInt32BE(signer.keyId);
      const signature = Buffer.concat([id, await signer.sign(message)]);
      return `\u2014 ${signer.name} ${signature.toString('base64')}\n`;
    }),
  );
  return `${text}\n${lines.join('')}`;
}
