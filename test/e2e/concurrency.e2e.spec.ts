import {
  AUDITOR,
  batchBody,
  establishBody,
  RU_MANAGER,
  startTestApp,
  type Client,
  type TestApp,
} from './support/test-app';

/** If-Match, Idempotency-Key and concurrent writers on one JV. */
describe('optimistic concurrency and idempotency', () => {
  let testApp: TestApp;
  let manager: Client;
  let auditor: Client;

  beforeAll(async () => {
    testApp = await startTestApp();
    manager = await testApp.as(RU_MANAGER);
    auditor = await testApp.as(AUDITOR);
  });
  afterAll(() => testApp.close());

  async function newJointVenture(name: string) {
    const created = await manager.post('/joint-ventures', establishBody({ name }));
    const jv = `/joint-ventures/${created.body.id}`;
    await manager.post(`${jv}/production/start`, {});
    return jv;
  }
  const batch = (batchReference: string) => batchBody({ batchReference });
  const history = async (jv: string) => (await auditor.get(`${jv}/history`)).body.items;

  it('applies a command with a matching If-Match and refuses a stale one with 412 and the current version', async () => {
    const jv = await newJointVenture('If-Match JV');
    const applied = await manager.post(`${jv}/production/batches`, batch('A'), {
      'if-match': 'W/"1"',
    });
    expect(applied.status).toBe(200);
    expect(applied.headers.etag).toBe('W/"2"');

    const stale = await manager.post(`${jv}/production/batches`, batch('B'), {
      'if-match': 'W/"1"',
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, currentVersion: 2 });
    expect(await history(jv)).toHaveLength(3);

    const malformed = await manager.post(`${jv}/production/batches`, batch('C'), {
      'if-match': 'yesterday',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
  });

  it('returns the first response to a retried Idempotency-Key and appends nothing new', async () => {
    const jv = await newJointVenture('Idempotent JV');
    const headers = { 'idempotency-key': 'batch-2025-0001' };
    const first = await manager.post(`${jv}/production/batches`, batch('K'), headers);
    const retry = await manager.post(`${jv}/production/batches`, batch('K'), headers);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(
      (await history(jv)).filter((event: { type: string }) => event.type === 'BatchProduced'),
    ).toHaveLength(1);

    const reused = await manager.post(`${jv}/production/batches`, batch('other'), headers);
    expect(reused.status).toBe(409);
    expect(await history(jv)).toHaveLength(3);
  });

  it('establishes one JV for a retried establishment with the same key', async () => {
    const headers = { 'idempotency-key': 'establish-42' };
    const first = await manager.post(
      '/joint-ventures',
      establishBody({ name: 'Keyed JV' }),
      headers,
    );
    const retry = await manager.post(
      '/joint-ventures',
      establishBody({ name: 'Keyed JV' }),
      headers,
    );
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await history(`/joint-ventures/${first.body.id}`)).toHaveLength(1);
  });

  it('lets concurrent writers without If-Match all succeed by re-deciding, with no lost event', async () => {
    const jv = await newJointVenture('Busy JV');
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        manager.post(`${jv}/production/batches`, batch(`C-${index}`)),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(12).fill(200));
    const versions = replies.map((reply) => reply.body.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 12 }, (_, index) => index + 2));
    const events = await history(jv);
    expect(events).toHaveLength(14);
    expect((await auditor.get(`${jv}/verification`)).body.valid).toBe(true);
  });
});
