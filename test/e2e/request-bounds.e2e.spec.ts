import { localTokensOf } from '@app/runtime';
import {
  AUDITOR,
  establishBody,
  RU_MANAGER,
  startTestApp,
  type Client,
  type TestApp,
} from './support/test-app';

/**
 * What the service takes in: bounded JSON in UTF-8 only, visible text in names and reasons,
 * the methods each path has, URLs of sane length. Every refusal is a problem document naming
 * what is wrong, and nothing is recorded.
 */
describe('request bounds', () => {
  let testApp: TestApp;
  let manager: Client;
  let auditor: Client;
  let jv: string;
  let bearer: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    manager = await testApp.as(RU_MANAGER);
    auditor = await testApp.as(AUDITOR);
    const created = await manager.post('/joint-ventures', establishBody({ name: 'Bounds Target' }));
    jv = `/joint-ventures/${created.body.id}`;
    bearer = `Bearer ${await localTokensOf(testApp.config, { createKey: false }).issue(RU_MANAGER)}`;
  });
  afterAll(() => testApp.close());

  const eventCount = async () =>
    (await auditor.get(`${jv}/history?limit=1000`)).body.items.length as number;
  const send = (
    payload: string | Buffer,
    contentType = 'application/json',
    url = '/joint-ventures',
  ) =>
    testApp.raw({
      method: 'POST',
      url,
      payload,
      headers: { authorization: bearer, 'content-type': contentType },
    });
  const expectProblem = (
    reply: { status: number; headers: Record<string, unknown> },
    status: number,
  ) => {
    expect(reply.status).toBe(status);
    expect(String(reply.headers['content-type'])).toContain('application/problem+json');
  };

  describe('JSON bodies', () => {
    it('refuses JSON nested 3,000 levels deep with 400 naming the limit, not 500', async () => {
      for (const deep of [
        '['.repeat(3000) + ']'.repeat(3000),
        '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
      ]) {
        const reply = await send(deep);
        expectProblem(reply, 400);
        expect(reply.body.errors).toEqual([
          { field: 'body', message: 'JSON nests deeper than 32 levels (BODY_MAX_DEPTH)' },
        ]);
      }
    });

    it('counts nesting in the JSON text, not brackets inside strings', async () => {
      const reply = await manager.post(
        '/joint-ventures',
        establishBody({ name: 'Brackets [[[[{{{{ in a name', reason: '['.repeat(100) }),
      );
      expect(reply.status).toBe(201);
    });

    it('refuses an array longer than BODY_MAX_ARRAY_ITEMS naming its field', async () => {
      const partners = Array.from({ length: 1001 }, () => ({}));
      const reply = await send(JSON.stringify(establishBody({ partners })));
      expectProblem(reply, 400);
      expect(reply.body.errors).toEqual([
        { field: 'partners', message: 'partners has more than 1000 items (BODY_MAX_ARRAY_ITEMS)' },
      ]);
    });

    it('refuses invalid UTF-8 rather than replacing it', async () => {
      const json = Buffer.from(JSON.stringify(establishBody({ name: 'Invalid XX JV' })));
      const at = json.indexOf('XX');
      json[at] = 0xc3; // a lead byte...
      json[at + 1] = 0x28; // ...followed by what cannot continue it
      const reply = await send(json);
      expectProblem(reply, 400);
      expect(reply.body.errors).toEqual([
        { field: 'body', message: 'the body is not valid UTF-8' },
      ]);
    });

    it.each([['null'], ['[]'], ['"text"'], ['42']])(
      'refuses %s: a body is a JSON object',
      async (json) => {
        const reply = await send(json, 'application/json', `${jv}/development/start`);
        expectProblem(reply, 400);
        expect(reply.body.errors).toEqual([
          { field: 'body', message: 'the body must be a JSON object' },
        ]);
      },
    );

    it('takes null for no optional field', async () => {
      const reply = await manager.post(`${jv}/development/start`, { reason: null });
      expectProblem(reply, 400);
      expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    });

    it('refuses __proto__ keys', async () => {
      expectProblem(await send('{"__proto__": {"admin": true}}'), 400);
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['a form', 'application/x-www-form-urlencoded'],
      ['JSON in another charset', 'application/json; charset=iso-8859-1'],
    ])('answers %s with 415', async (_, contentType) => {
      const before = await eventCount();
      expectProblem(await send('{}', contentType, `${jv}/development/start`), 415);
      expect(await eventCount()).toBe(before);
    });
  });

  describe('text in names and reasons', () => {
    it.each([
      ['a NUL', 'Null\u0000Venture'],
      ['a right-to-left override', 'Tr\u202ejv.exe'],
      ['a zero-width space', 'A\u200bCME'],
      ['a line break', 'Two\nLines'],
      ['a lone surrogate', 'Broken \ud800 JV'],
    ])('refuses a JV name with %s, naming the field and the code point', async (_, name) => {
      const reply = await manager.post('/joint-ventures', establishBody({ name }));
      expectProblem(reply, 400);
      expect(reply.body.errors).toEqual([
        {
          field: 'name',
          message: expect.stringMatching(
            /^name must not hold control, format or bidirectional characters \(U\+[0-9A-F]{4} at \d+\)$/,
          ),
        },
      ]);
    });

    it('refuses hidden characters in nested names and in reasons, and lets reasons break lines', async () => {
      const before = await eventCount();
      const partners = establishBody().partners as Array<Record<string, unknown>>;
      const hiddenPartner = await manager.post(
        '/joint-ventures',
        establishBody({
          name: 'Nested Names JV',
          partners: [{ ...partners[0], name: 'Ural\u2066vagon' }, partners[1]],
        }),
      );
      expect(hiddenPartner.body.errors).toEqual([
        expect.objectContaining({ field: 'partners[0].name' }),
      ]);
      const hiddenReason = await manager.post(`${jv}/development/start`, { reason: 'ok\u0007' });
      expect(hiddenReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      expect(await eventCount()).toBe(before);

      const multiline = await manager.post(`${jv}/development/start`, {
        reason: 'Decision IMEC-21/4:\n\titem 3',
      });
      expect(multiline.status).toBe(200);
    });

    it('keeps Cyrillic, Armenian and accented names', async () => {
      const reply = await manager.post(
        '/joint-ventures',
        establishBody({ name: 'Уралвагонзавод — Հայաստան Zoë JV' }),
      );
      expect(reply.status).toBe(201);
    });

    it.each([['acme'], ['\uff21\uff23\uff2d\uff25'], ['  ACME  ']])(
      'refuses the name %j while an active JV is named ACME',
      async (name) => {
        const first = await manager.post('/joint-ventures', establishBody({ name: 'ACME' }));
        expect([201, 409]).toContain(first.status);
        const reply = await manager.post('/joint-ventures', establishBody({ name }));
        expectProblem(reply, 409);
        expect(reply.body.type).toMatch(/name-taken$/);
      },
    );
  });

  describe('methods and URLs', () => {
    it('answers a method a path does not have with 405 and Allow', async () => {
      const list = await testApp.raw({
        method: 'DELETE',
        url: '/joint-ventures',
        headers: { authorization: bearer },
      });
      expectProblem(list, 405);
      expect(list.headers.allow).toBe('GET, HEAD, POST');
      const detail = await testApp.raw({
        method: 'PUT',
        url: jv,
        headers: { authorization: bearer },
      });
      expectProblem(detail, 405);
      expect(detail.headers.allow).toBe('GET, HEAD');
      expect(detail.body.allowed).toEqual(['GET', 'HEAD']);
    });

    it('keeps 404 for a path that does not exist', async () => {
      expectProblem(
        await testApp.raw({ method: 'GET', url: '/nowhere', headers: { authorization: bearer } }),
        404,
      );
    });

    it('answers a malformed percent-encoding with 400 naming the url', async () => {
      const reply = await testApp.raw({
        method: 'GET',
        url: '/joint-ventures/%zz',
        headers: { authorization: bearer },
      });
      expectProblem(reply, 400);
      expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'url' })]);
    });

    it('answers an over-long URL or path parameter with 414', async () => {
      const query = await testApp.raw({
        method: 'GET',
        url: `/joint-ventures?q=${'a'.repeat(5000)}`,
        headers: { authorization: bearer },
      });
      expectProblem(query, 414);
      const parameter = await testApp.raw({
        method: 'GET',
        url: `/joint-ventures/${'a'.repeat(200)}`,
        headers: { authorization: bearer },
      });
      expectProblem(parameter, 414);
    });
  });
});
