import { SignJWT } from 'jose';
import { startIdentityProvider, type IdentityProvider } from '../services/identity-provider';
import { establishBody, startTestApp, type TestApp } from './support/test-app';

/**
 * AUTH_MODE=oidc: the API trusts two national identity providers at once (RU with RS256, BY
 * with ES256, the latter also vouching for the commission's auditors), each limited to its own
 * member states, plus a third whose key set cannot be reached.
 */
describe('the API with OpenID identity providers', () => {
  let ru: IdentityProvider;
  let by: IdentityProvider;
  let gone: IdentityProvider;
  let testApp: TestApp;

  beforeAll(async () => {
    ru = await startIdentityProvider(['RS256'], { path: '/ru' });
    by = await startIdentityProvider(['ES256'], { path: '/by' });
    gone = await startIdentityProvider(['RS256'], { path: '/gone' });
    const issuer = (idp: IdentityProvider, memberStates: string[]) => ({
      issuer: idp.issuer,
      jwksUrl: idp.jwksUrl,
      audience: idp.audience,
      memberStates,
    });
    testApp = await startTestApp({
      AUTH_MODE: 'oidc',
      AUTH_ISSUERS: JSON.stringify([
        issuer(ru, ['RU']),
        { ...issuer(by, ['BY', 'CSTO']), algorithms: ['ES256'] },
        issuer(gone, ['KZ']),
      ]),
      AUTH_JWKS_COOLDOWN_MS: '0',
      AUTH_JWKS_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await testApp?.close();
    await Promise.all([ru, by, gone].map((idp) => idp?.close()));
  });

  const ruManager = () => ru.sign({ sub: 'alice@ru', role: 'program-manager', memberState: 'RU' });
  const byManager = () =>
    by.sign({ sub: 'boris@by', role: 'program-manager', memberState: 'BY' }, { alg: 'ES256' });

  it("records commands under each issuer's tokens, and lets the commission's auditor read them", async () => {
    const created = await testApp
      .withToken(await ruManager())
      .post('/joint-ventures', establishBody({ name: 'OIDC JV' }));
    expect(created.status).toBe(201);
    const jv = `/joint-ventures/${created.body.id}`;
    expect(
      (await testApp.withToken(await byManager()).post(`${jv}/development/start`, {})).status,
    ).toBe(200);

    const auditor = testApp.withToken(
      await by.sign({ sub: 'olga@csto', role: 'auditor', memberState: 'CSTO' }, { alg: 'ES256' }),
    );
    const history = await auditor.get(`${jv}/history`);
    expect(history.status).toBe(200);
    expect(
      history.body.items.map((event: { metadata: { actor: unknown } }) => event.metadata.actor),
    ).toEqual([
      { subject: 'alice@ru', role: 'program-manager', memberState: 'RU' },
      { subject: 'boris@by', role: 'program-manager', memberState: 'BY' },
    ]);
  });

  it('takes a key the issuer rotated in while the service runs', async () => {
    const kid = await ru.addKey('RS256');
    const token = await ru.sign({ sub: 'alice@ru', role: 'viewer', memberState: 'RU' }, { kid });
    expect((await testApp.withToken(token).get('/joint-ventures')).status).toBe(200);
  });

  it.each([
    [
      'an issuer vouching for another state',
      () => ru.sign({ sub: 'm', role: 'program-manager', memberState: 'BY' }),
      /may not vouch/,
    ],
    [
      'an expired token',
      () => ru.sign({ sub: 'a', role: 'viewer', memberState: 'RU' }, { expiresIn: -600 }),
      /"exp"/,
    ],
    [
      'an unknown role',
      () => ru.sign({ sub: 'a', role: 'root', memberState: 'RU' }),
      /role 'root'/,
    ],
    [
      'a member state that is not one',
      () => by.sign({ sub: 'a', role: 'viewer', memberState: 'XX' }, { alg: 'ES256' }),
      /'XX' is neither/,
    ],
    [
      'a local HS256 token',
      () =>
        new SignJWT({ role: 'viewer', memberState: 'RU' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('a')
          .setIssuer('jv-ledger')
          .setAudience('jv-ledger-api')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('x'.repeat(32))),
      /not from a trusted issuer/,
    ],
  ])('refuses %s with 401 and an invalid_token challenge', async (_, token, reason) => {
    const reply = await testApp.withToken(await token()).get('/joint-ventures');
    expect(reply.status).toBe(401);
    expect(reply.body.detail).toMatch(reason);
    expect(reply.headers['www-authenticate']).toMatch(
      /^Bearer realm="jv-ledger", error="invalid_token"/,
    );
  });

  it('answers 503 with Retry-After while an issuer cannot be reached, not 401', async () => {
    const token = await gone.sign({ sub: 'aigerim@kz', role: 'viewer', memberState: 'KZ' });
    await gone.close();
    const reply = await testApp.withToken(token).get('/joint-ventures');
    expect(reply.status).toBe(503);
    expect(reply.body.type).toMatch(/identity-provider-unavailable$/);
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
  });
});
