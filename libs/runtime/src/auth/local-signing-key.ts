import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SIGNING_KEY_FILE = 'jwt-signing.key';

/** The HS256 key of AUTH_MODE=local, and where it came from (`JWT_SECRET` or the file's path). */
export type SigningKey = Readonly<{ key: Uint8Array; source: string }>;

export type SigningKeySettings = Readonly<{ secret?: string; dataDir: string }>;

/** No key where the token command looks: it would sign tokens the service refuses. */
export class SigningKeyMissingError extends Error {}

/** Where the key file of a data folder lives. */
export function signingKeyFile(dataDir: string): string {
  return resolve(dataDir, SIGNING_KEY_FILE);
}

/**
 * The key from JWT_SECRET or, in the embedded default, from a file in the data folder. Only
 * the service creates the file (`create`, on its first start); anything else that signs tokens
 * must find the service's key or fail, naming the path and the variables that choose it.
 */
export function loadSigningKey(
  { secret, dataDir }: SigningKeySettings,
  { create }: Readonly<{ create: boolean }>,
): SigningKey {
  if (secret) return { key: new TextEncoder().encode(secret), source: 'JWT_SECRET' };
  const file = signingKeyFile(dataDir);
  if (!existsSync(file)) {
    if (!create)
      throw new SigningKeyMissingError(
        `no signing key at ${file}: the service creates it there on its first start. ` +
          `Give this command the service's DATA_DIR (now ${JSON.stringify(dataDir)}), or the same JWT_SECRET.`,
      );
    mkdirSync(dataDir, { recursive: true });
    // 'wx' fails if another process created it in the meantime; then we read theirs.
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(file, 0o600);
  }
  return { key: new TextEncoder().encode(readFileSync(file, 'utf8').trim()), source: file };
}
