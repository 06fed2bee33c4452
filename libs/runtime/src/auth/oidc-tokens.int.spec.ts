import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import {
  startIdentityProvider,
  type IdentityProvider,
} from '../../../../test/services/identity-provider';
import { IdentityProviderUnavailableError, InvalidTokenError } from './identity';
import { OidcTokens, type OidcSettings } from './oidc-tokens';
import { TrustedIssuer } from './trusted-issuer';

const MANAGER = { sub: 'alice', role: 'program-manager', memberState: 'RU' };

const policy: OidcSettings['policy'] = {
  memberStates: ['AM', 'BY', 'KZ', 'KG', 'RU', 'TJ'],
  commissionMemberState: 'CSTO',
  maxLifetimeSeconds: 3600,
  clockSkewSeconds: 5,
  roleClaim: 'role',
  memberStateClaim: 'memberState',
};

const trust = (idp: IdentityProvider, extra: Partial<TrustedIssuer> = {}): TrustedIssuer =>
  Object.assign(new TrustedIssuer(), {
    issuer: idp.issuer,
    jwksUrl: idp.jwksUrl,
    audience: idp.audience,
    ...extra,
  });

const verifierFor = (issuers: TrustedIssuer[], settings: Partial<OidcSettings> = {}) =>
  new OidcTokens({
    issuers,
    policy,
    jwksCacheMaxAgeMs: 600_000,
    jwksCooldownMs: 0,
    jwksTimeoutMs: 2_000,
    ...settings,
  });

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the token to be refused');
}

// Key generation (RSA above all) is slow on a busy machine: generous bounds, no timing checks.
jest.setTimeout(60_000);

/** Tokens of an identity provider, checked against its JWKS served over HTTP on this machine. */
describe('OIDC bearer tokens', () => {
  let idp: IdentityProvider;
  let verifier: OidcTokens;

  beforeAll(async () => {
    idp = await startIdentityProvider(['RS256', 'ES256', 'EdDSA']);
    verifier = verifierFor([trust(idp)]);
  });
  afterAll(() => idp.close());

  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts a valid %s token', async (alg) => {
    const identity = await verifier.verify(await idp.sign(MANAGER, { alg }));
    expect(identity).toMatchObject({
      actor: { subject: 'alice', role: 'program-manager', memberState: 'RU' },
      commission: false,
      issuer: idp.issuer,
    });
  });

  it('fetches the key set once and serves later tokens from its cache', async () => {
    const before = idp.fetches();
    for (let i = 0; i < 5; i += 1) await verifier.verify(await idp.sign(MANAGER));
    expect(idp.fetches()).toBe(before);
  });

  it('picks up a rotated key: a new kid published later is fetched on first sight', async () => {
    const kid = await idp.addKey('RS256');
    const before = idp.fetches();
    const identity = await verifier.verify(await idp.sign(MANAGER, { kid }));
    expect(identity.actor.subject).toBe('alice');
    expect(idp.fetches()).toBe(before + 1);
  });

  it('refuses a token whose kid the issuer does not publish, even after fetching again', async () => {
    const before = idp.fetches();
    const error = await refusal(verifier.verify(await idp.signWithUnpublishedKey(MANAGER)));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(/no applicable key found/);
    expect(idp.fetches()).toBe(before + 1);
  });

  it('fetches at most once per cooldown, however many unknown kids arrive', async () => {
    const cooled = verifierFor([trust(idp)], { jwksCooldownMs: 60_000 });
    await cooled.verify(await idp.sign(MANAGER));
    const before = idp.fetches();
    for (let i = 0; i < 5; i += 1)
      expect(
        await refusal(cooled.verify(await idp.signWithUnpublishedKey(MANAGER))),
      ).toBeInstanceOf(InvalidTokenError);
    expect(idp.fetches()).toBe(before);
  });

  it('refuses a key the issuer has withdrawn, once its key set is fetched again', async () => {
    const kid = await idp.addKey('ES256');
    const shortCache = verifierFor([trust(idp)], { jwksCacheMaxAgeMs: 1 });
    const token = await idp.sign(MANAGER, { kid });
    await expect(shortCache.verify(token)).resolves.toBeDefined();
    idp.removeKey(kid);
    // Past the 1 ms cache age for certain, so the next verification fetches the key set again.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = idp.fetches();
    expect(await refusal(shortCache.verify(token))).toBeInstanceOf(InvalidTokenError);
    expect(idp.fetches()).toBeGreaterThan(before);
  });

  it('refuses alg "none"', async () => {
    const unsigned = new UnsecuredJWT(MANAGER)
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    const error = await refusal(verifier.verify(unsigned));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(/"alg" \(Algorithm\) Header Parameter value not allowed/);
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const rsaKid = await idp.addKey('RS256');
    const secret = new TextEncoder().encode(JSON.stringify(idp.publicJwk(rsaKid)));
    const forged = await new SignJWT(MANAGER)
      .setProtectedHeader({ alg: 'HS256', kid: rsaKid })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    const error = await refusal(verifier.verify(forged));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(/not allowed/);
  });

  it('refuses an issuer limited to RS256 an ES256 token', async () => {
    const rsaOnly = verifierFor([trust(idp, { algorithms: ['RS256'] })]);
    expect(await refusal(rsaOnly.verify(await idp.sign(MANAGER, { alg: 'ES256' })))).toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses a token whose signature does not match its content', async () => {
    const [header, , signature] = (await idp.sign(MANAGER)).split('.');
    const payload = base64url.encode(JSON.stringify({ ...MANAGER, role: 'auditor' }));
    const error = await refusal(verifier.verify(`${header}.${payload}.${signature}`));
    expect(error).toBeInstanceOf(InvalidTokenError);
  });

  it.each([
    ['expired', { expiresIn: -60 }, /"exp" claim timestamp check failed/],
    ['not yet valid', { notBefore: 120 }, /"nbf" claim timestamp check failed/],
    [
      'from another issuer',
      { issuer: 'https://idp.elsewhere.example' },
      /not from a trusted issuer/,
    ],
    ['for another audience', { audience: 'another-api' }, /unexpected "aud" claim value/],
    ['without exp', { expiresIn: null }, /missing required "exp" claim/],
    ['living longer than allowed', { expiresIn: 2 * 3600 }, /lives longer than the allowed 3600 s/],
    [
      'back-dated to hide a long lifetime',
      { issuedAt: null, expiresIn: 3 * 3600 },
      /lives longer than the allowed 3600 s/,
    ],
  ])('refuses a token %s', async (_, options, message) => {
    const error = await refusal(verifier.verify(await idp.sign(MANAGER, options)));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(message);
  });

  it('accepts a token that expired within the clock skew', async () => {
    await expect(
      verifier.verify(await idp.sign(MANAGER, { expiresIn: -2 })),
    ).resolves.toBeDefined();
  });

  it.each([
    ['an unknown role', { ...MANAGER, role: 'admin' }, /role 'admin' is not one of/],
    ['no role', { sub: 'alice', memberState: 'RU' }, /no "role" claim/],
    ['a state that is not a member', { ...MANAGER, memberState: 'DE' }, /'DE' is neither one of/],
    ['no member state', { sub: 'alice', role: 'viewer' }, /no "memberState" claim/],
    [
      'the commission scope for a programme manager',
      { ...MANAGER, memberState: 'CSTO' },
      /commission scope CSTO is for the roles auditor, operator/,
    ],
    ['a subject with a bidirectional override', { ...MANAGER, sub: 'ali\u202ece' }, /"sub"/],
  ])('refuses a token with %s', async (_, claims, message) => {
    const error = await refusal(verifier.verify(await idp.sign(claims)));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(message);
  });

  it("takes the commission's auditors, and says they are in its scope", async () => {
    const identity = await verifier.verify(
      await idp.sign({ sub: 'olga', role: 'auditor', memberState: 'CSTO' }),
    );
    expect(identity).toMatchObject({ commission: true, actor: { memberState: 'CSTO' } });
  });

  it('reads roles and member state from configured, nested claims', async () => {
    const keycloakLike = verifierFor([
      trust(idp, { roleClaim: 'realm_access.roles', memberStateClaim: 'https://jv.example/state' }),
    ]);
    const token = await idp.sign({
      sub: 'boris',
      realm_access: { roles: ['offline_access', 'viewer'] },
      'https://jv.example/state': 'BY',
    });
    expect((await keycloakLike.verify(token)).actor).toEqual({
      subject: 'boris',
      role: 'viewer',
      memberState: 'BY',
    });
    const twoRoles = await idp.sign({
      sub: 'boris',
      realm_access: { roles: ['viewer', 'auditor'] },
      'https://jv.example/state': 'BY',
    });
    expect((await refusal(keycloakLike.verify(twoRoles))).message).toMatch(/several roles/);
  });

  it('refuses what is not a JWT at all', async () => {
    expect((await refusal(verifier.verify('not-a-token'))).message).toMatch(/not a JWT/);
  });
});

describe('several issuers at once', () => {
  let ru: IdentityProvider;
  let by: IdentityProvider;
  let verifier: OidcTokens;

  beforeAll(async () => {
    ru = await startIdentityProvider(['RS256'], { path: '/ru' });
    by = await startIdentityProvider(['ES256'], { path: '/by' });
    verifier = verifierFor([
      trust(ru, { memberStates: ['RU'] }),
      trust(by, { memberStates: ['BY', 'CSTO'] }),
    ]);
  });
  afterAll(async () => {
    await ru.close();
    await by.close();
  });

  it("verifies each token against its own issuer's keys", async () => {
    const fromRu = await verifier.verify(await ru.sign(MANAGER));
    const fromBy = await verifier.verify(
      await by.sign({ sub: 'boris', role: 'program-manager', memberState: 'BY' }, { alg: 'ES256' }),
    );
    expect([fromRu.issuer, fromRu.actor.memberState]).toEqual([ru.issuer, 'RU']);
    expect([fromBy.issuer, fromBy.actor.memberState]).toEqual([by.issuer, 'BY']);
  });

  it('refuses a token that names one issuer but is signed by the other', async () => {
    const forged = await by.sign(MANAGER, { alg: 'ES256', issuer: ru.issuer });
    expect(await refusal(verifier.verify(forged))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an issuer vouching for a member state that is not its own', async () => {
    const error = await refusal(
      verifier.verify(
        await ru.sign({ sub: 'mallory', role: 'program-manager', memberState: 'BY' }),
      ),
    );
    expect(error.message).toMatch(/may not vouch for member state 'BY'/);
  });
});

describe('an unreachable identity provider', () => {
  it('is an outage (IdentityProviderUnavailableError), not a bad token', async () => {
    const idp = await startIdentityProvider(['RS256']);
    const token = await idp.sign(MANAGER);
    await idp.close();
    const verifier = verifierFor([trust(idp)], { jwksTimeoutMs: 500 });
    const error = await refusal(verifier.verify(token));
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(error.message).toContain(idp.issuer);
  });
});
