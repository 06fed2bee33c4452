import { localTokensOf } from '@app/runtime';
import {
  BY_MANAGER,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Reply,
  type TestApp,
} from './support/test-app';

const LIMIT = 5;

/** Per client address before authentication, per subject after it: 429 with Retry-After. */
describe('rate limits', () => {
  let testApp: TestApp | undefined;
  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  const start = (env: Record<string, string>) =>
    startTestApp({ RATE_LIMIT_WINDOW_MS: '60000', ...env }).then((app) => (testApp = app));
  const expectLimited = (reply: Reply) => {
    expect(reply.status).toBe(429);
    expect(String(reply.headers['content-type'])).toContain('application/problem+json');
    const retryAfter = Number(reply.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(reply.body).toMatchObject({
      type: expect.stringMatching(/rate-limited$/),
      limit: LIMIT,
      windowSeconds: 60,
      retryAfterSeconds: retryAfter,
    });
  };

  it('limits each subject on its own', async () => {
    const app = await start({ RATE_LIMIT_PER_SUBJECT: String(LIMIT), RATE_LIMIT_PER_ADDRESS: '0' });
    const viewer = await app.as(VIEWER);
    for (let i = 0; i < LIMIT; i += 1)
      expect((await viewer.get('/joint-ventures')).status).toBe(200);
    const limited = await viewer.get('/joint-ventures');
    expectLimited(limited);
    expect(limited.body.detail).toContain('from this subject');
    expect((await (await app.as(RU_MANAGER)).get('/joint-ventures')).status).toBe(200);
  });

  it('limits a client address before authenticating, anonymous requests included', async () => {
    const app = await start({ RATE_LIMIT_PER_ADDRESS: String(LIMIT), RATE_LIMIT_PER_SUBJECT: '0' });
    const anonymous = await app.as();
    for (let i = 0; i < LIMIT; i += 1)
      expect((await anonymous.get('/joint-ventures')).status).toBe(401);
    const limited = await anonymous.get('/joint-ventures');
    expectLimited(limited);
    expect(limited.body.detail).toContain('from this client address');
    // The same address with a valid token is limited too: the address is counted first.
    expect((await (await app.as(BY_MANAGER)).get('/joint-ventures')).status).toBe(429);
  });

  it('counts the client named by X-Forwarded-For only behind a trusted proxy', async () => {
    const untrusted = await start({
      RATE_LIMIT_PER_ADDRESS: String(LIMIT),
      RATE_LIMIT_PER_SUBJECT: '0',
    });
    const fromAnywhere = (i: number) =>
      untrusted.raw({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
    for (let i = 0; i < LIMIT; i += 1) expect((await fromAnywhere(i)).status).toBe(200);
    expect((await fromAnywhere(99)).status).toBe(429);
    await untrusted.close();

    const proxied = await start({
      RATE_LIMIT_PER_ADDRESS: String(LIMIT),
      RATE_LIMIT_PER_SUBJECT: '0',
      TRUST_PROXY: '127.0.0.1',
    });
    const from = (address: string) =>
      proxied.raw({ method: 'GET', url: '/health/live', headers: { 'x-forwarded-for': address } });
    for (let i = 0; i < LIMIT; i += 1) expect((await from('203.0.113.7')).status).toBe(200);
    expect((await from('203.0.113.7')).status).toBe(429);
    expect((await from('198.51.100.1')).status).toBe(200);
  });

  it('turns a limit off with 0', async () => {
    const app = await start({ RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_SUBJECT: '0' });
    const bearer = `Bearer ${await localTokensOf(app.config, { createKey: false }).issue(VIEWER)}`;
    for (let i = 0; i < 4 * LIMIT; i += 1)
      expect(
        (
          await app.raw({
            method: 'GET',
            url: '/joint-ventures',
            headers: { authorization: bearer },
          })
        ).status,
      ).toBe(200);
  });
});
