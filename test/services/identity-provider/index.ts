/**
 * A local OpenID identity provider for tests: an in-process `node:http` server that publishes a
 * JSON Web Key Set and signs tokens with its keys. Keys can be added (a rotation) and removed
 * while it runs, and it counts how often its key set was fetched.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

export type KeyAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

type SigningKey = Readonly<{ kid: string; alg: KeyAlgorithm; privateKey: KeyLike; jwk: JWK }>;

export type TokenOptions = Readonly<{
  /** Which published key signs (the newest of `alg` by default). */
  kid?: string;
  alg?: KeyAlgorithm;
  /** Seconds from now; `null` leaves `exp` out. */
  expiresIn?: number | null;
  /** Seconds from now (negative: in the past); `null` leaves `iat` out. */
  issuedAt?: number | null;
  notBefore?: number;
  issuer?: string;
  audience?: string;
}>;

export type IdentityProvider = Readonly<{
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** Publishes a new key; returns its `kid`. */
  addKey(alg: KeyAlgorithm): Promise<string>;
  removeKey(kid: string): void;
  /** A signed token with these claims (`sub`, `role`, `memberState`, ...). */
  sign(claims: JWTPayload, options?: TokenOptions): Promise<string>;
  /** A key that is not published, for tokens with an unknown `kid`. */
  signWithUnpublishedKey(claims: JWTPayload, alg?: KeyAlgorithm): Promise<string>;
  /** The public key of `kid` as a JWK (e.g. to misuse it as an HMAC secret). */
  publicJwk(kid: string): JWK;
  /** How many times the key set was fetched. */
  fetches(): number;
  close(): Promise<void>;
}>;

async function makeKey(alg: KeyAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Starts a provider on a free loopback port with one key per given algorithm. */
export async function startIdentityProvider(
  algorithms: readonly KeyAlgorithm[] = ['RS256', 'ES256'],
  { audience = 'jv-ledger-api', path = '/realms/jv' } = {},
): Promise<IdentityProvider> {
  const keys: SigningKey[] = await Promise.all(algorithms.map(makeKey));
  const unpublished: Partial<Record<KeyAlgorithm, SigningKey>> = {};
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== `${path}/certs`) {
      response.writeHead(404).end();
      return;
    }
    fetches += 1;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}${path}`;

  const signWith = (key: SigningKey, claims: JWTPayload, options: TokenOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? audience);
    if (options.issuedAt !== null) jwt.setIssuedAt(now + (options.issuedAt ?? 0));
    if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  };
  const find = (kid: string) => {
    const key = keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return key;
  };

  return {
    issuer,
    jwksUrl: `${issuer}/certs`,
    audience,
    addKey: async (alg) => {
      const key = await makeKey(alg);
      keys.push(key);
      return key.kid;
    },
    removeKey: (kid) => {
      keys.splice(keys.indexOf(find(kid)), 1);
    },
    sign: (claims, options = {}) => {
      const alg = options.alg ?? 'RS256';
      const key = options.kid
        ? find(options.kid)
        : [...keys].reverse().find((candidate) => candidate.alg === alg);
      if (!key) throw new Error(`no ${alg} key published`);
      return signWith(key, claims, options);
    },
    signWithUnpublishedKey: async (claims, alg = 'RS256') => {
      unpublished[alg] ??= await makeKey(alg);
      return signWith(unpublished[alg], claims);
    },
    publicJwk: (kid) => find(kid).jwk,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
