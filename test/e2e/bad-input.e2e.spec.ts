import { localTokensOf } from '@app/runtime';
import {
  AUDITOR,
  batchBody,
  establishBody,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Client,
  type TestApp,
} from './support/test-app';

/** Bad input gets a 4xx problem naming each offending field, and nothing is appended. */
describe('bad input over HTTP', () => {
  let testApp: TestApp;
  let manager: Client;
  let auditor: Client;
  let id: string;
  let jv: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    manager = await testApp.as(RU_MANAGER);
    auditor = await testApp.as(AUDITOR);
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name: 'Bad Input Target' }),
    );
    id = created.body.id;
    jv = `/joint-ventures/${id}`;
    expect((await manager.post(`${jv}/production/start`, {})).status).toBe(200);
  });
  afterAll(() => testApp.close());

  const eventCount = async () => (await auditor.get(`${jv}/history?limit=1000`)).body.items.length;
  const jointVentureCount = async () => {
    const db = (await import('better-sqlite3')).default(testApp.config.databaseFile, {
      readonly: true,
    });
    const row = db
      .prepare(
        `select count(distinct stream_id) as n from events where stream_id like 'joint-venture-%'`,
      )
      .get() as {
      n: number;
    };
    db.close();
    return row.n;
  };

  const batch = batchBody({ quantity: 5 });
  const cases: Array<[string, () => [string, unknown], number, string[]]> = [
    [
      'an unknown field',
      () => [`${jv}/production/batches`, { ...batch, colour: 'green' }],
      400,
      ['colour'],
    ],
    [
      'a wrong type',
      () => [`${jv}/production/batches`, { ...batch, quantity: '5' }],
      400,
      ['quantity'],
    ],
    [
      'a missing field',
      () => [
        `${jv}/production/batches`,
        { productCode: 'MZKT-7930', quantity: 5, producedOn: '2025-01-01' },
      ],
      400,
      ['batchReference'],
    ],
    [
      'a zero quantity',
      () => [`${jv}/production/batches`, { ...batch, quantity: 0 }],
      400,
      ['quantity'],
    ],
    [
      'a negative quantity',
      () => [`${jv}/production/batches`, { ...batch, quantity: -3 }],
      400,
      ['quantity'],
    ],
    [
      'a fractional quantity',
      () => [`${jv}/production/batches`, { ...batch, quantity: 1.5 }],
      400,
      ['quantity'],
    ],
    [
      'an impossible date',
      () => [`${jv}/production/batches`, { ...batch, producedOn: '2025-02-30' }],
      400,
      ['producedOn'],
    ],
    [
      'an unknown product code',
      () => [`${jv}/production/batches`, { ...batch, productCode: 'NOPE-1' }],
      422,
      ['productCode'],
    ],
    ['a non-UUID id', () => ['/joint-ventures/not-a-uuid/production/batches', batch], 400, ['id']],
    [
      'shares not adding to 10000',
      () => [
        `${jv}/partners`,
        {
          partner: { enterpriseCode: 'KZ-1', name: 'K', memberState: 'KZ' },
          allocation: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
            { enterpriseCode: 'BY-MZKT', shareBasisPoints: 3000 },
            { enterpriseCode: 'KZ-1', shareBasisPoints: 1000 },
          ],
        },
      ],
      400,
      ['allocation'],
    ],
    [
      'a duplicate enterprise',
      () => [
        `${jv}/shares`,
        {
          allocation: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
          ],
        },
      ],
      400,
      ['allocation'],
    ],
    [
      'an unknown member state',
      () => [
        `${jv}/partners`,
        {
          partner: { enterpriseCode: 'US-1', name: 'Acme', memberState: 'US' },
          allocation: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 4000 },
            { enterpriseCode: 'BY-MZKT', shareBasisPoints: 4000 },
            { enterpriseCode: 'US-1', shareBasisPoints: 2000 },
          ],
        },
      ],
      400,
      ['partner.memberState'],
    ],
    [
      'an allocation that leaves out a partner',
      () => [
        `${jv}/shares`,
        { allocation: [{ enterpriseCode: 'RU-UVZ', shareBasisPoints: 10000 }] },
      ],
      422,
      ['allocation'],
    ],
  ];

  it.each(cases)(
    'refuses %s, naming the field, appending nothing',
    async (_name, request, status, fields) => {
      const before = await eventCount();
      const [url, body] = request();
      // Share reallocation is the one PUT among the commands.
      const sent = url.endsWith('/shares')
        ? await manager.put(url, body)
        : await manager.post(url, body);
      expect(sent.status).toBe(status);
      expect(sent.headers['content-type']).toContain('application/problem+json');
      expect(sent.body).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
      });
      for (const field of fields)
        expect(sent.body.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ field })]),
        );
      expect(await eventCount()).toBe(before);
    },
  );

  it('refuses malformed JSON with 400 naming the body', async () => {
    const before = await jointVentureCount();
    const reply = await testApp.raw({
      method: 'POST',
      url: '/joint-ventures',
      headers: { authorization: `Bearer ${await tokenFor()}`, 'content-type': 'application/json' },
      payload: '{"name": "Broken',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
    expect(await jointVentureCount()).toBe(before);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const before = await jointVentureCount();
    const reply = await manager.post(
      '/joint-ventures',
      establishBody({ name: 'x'.repeat(1024 * 1024 + 10) }),
    );
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ status: 413 });
    expect(await jointVentureCount()).toBe(before);
  });

  it('refuses an establishment with every invalid field named at once', async () => {
    const before = await jointVentureCount();
    const reply = await manager.post('/joint-ventures', {
      name: '',
      decision: { reference: 'IMEC-21/4', date: 'yesterday' },
      purposes: ['farming'],
      partners: [
        { enterpriseCode: 'RU-UVZ', name: 'U', memberState: 'RU', shareBasisPoints: 10000 },
      ],
      productLines: [],
    });
    expect(reply.status).toBe(400);
    const fields = reply.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'decision.date', 'purposes', 'partners']),
    );
    expect(await jointVentureCount()).toBe(before);
  });

  it('refuses a partnership with one member state (domain invariant) with 422', async () => {
    const reply = await manager.post(
      '/joint-ventures',
      establishBody({
        name: 'Single State JV',
        partners: [
          { enterpriseCode: 'RU-A', name: 'A', memberState: 'RU', shareBasisPoints: 5000 },
          { enterpriseCode: 'RU-B', name: 'B', memberState: 'RU', shareBasisPoints: 5000 },
        ],
      }),
    );
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'partners' })]),
    );
  });

  it('answers 404 for an unknown JV and 409 naming the stage for a forbidden transition', async () => {
    const unknown = await manager.post(
      '/joint-ventures/1b4e28ba-2fa1-41d2-883f-0016d3cca427/production/start',
      {},
    );
    expect(unknown.status).toBe(404);
    const viewer = await testApp.as(VIEWER);
    expect((await viewer.get('/joint-ventures/1b4e28ba-2fa1-41d2-883f-0016d3cca427')).status).toBe(
      404,
    );

    const before = await eventCount();
    const forbidden = await manager.post(`${jv}/development/milestones`, {
      name: 'Too late',
      reachedOn: '2025-01-01',
    });
    expect(forbidden.status).toBe(409);
    expect(forbidden.body).toMatchObject({
      currentStage: 'production',
      currentPhase: 'production',
      allowed: expect.arrayContaining(['start-disposal', 'dissolve', 'record-batch']),
    });
    expect(await eventCount()).toBe(before);
  });

  it('refuses to repair more units than are in service with 409 naming quantity', async () => {
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name: 'Repair Shop JV' }),
    );
    const other = `/joint-ventures/${created.body.id}`;
    await manager.post(`${other}/production/start`, {});
    await manager.post(`${other}/production/batches`, { ...batch, quantity: 5 });
    await manager.post(`${other}/repair/start`, {});
    const before = (await auditor.get(`${other}/history`)).body.items.length;
    const reply = await manager.post(`${other}/repair/complete`, {
      productCode: 'MZKT-7930',
      quantity: 6,
    });
    expect(reply.status).toBe(409);
    expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'quantity' })]);
    expect((await auditor.get(`${other}/history`)).body.items.length).toBe(before);
  });

  it('caps page sizes and rejects bad cursors', async () => {
    const viewer = await testApp.as(VIEWER);
    const tooBig = await viewer.get('/joint-ventures?limit=1000');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    const badCursor = await viewer.get('/joint-ventures?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    const historyTooBig = await auditor.get(`${jv}/history?limit=100000`);
    expect(historyTooBig.status).toBe(400);
    expect(historyTooBig.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    const badPhase = await viewer.get('/joint-ventures?phase=sleeping');
    expect(badPhase.status).toBe(400);
  });

  async function tokenFor(): Promise<string> {
    return localTokensOf(testApp.config, { createKey: false }).issue(RU_MANAGER);
  }
});
