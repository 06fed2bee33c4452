import {
  AUDITOR,
  batchBody,
  establishBody,
  eventually,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Client,
  type TestApp,
} from './support/test-app';

const CHASSIS = 'MZKT-7930';

/** Corrections by reversal, effective dates, and the state as of a date and as known at an instant. */
describe('corrections and time travel over HTTP', () => {
  let testApp: TestApp;
  let manager: Client;
  let viewer: Client;
  let auditor: Client;

  beforeAll(async () => {
    testApp = await startTestApp();
    manager = await testApp.as(RU_MANAGER);
    viewer = await testApp.as(VIEWER);
    auditor = await testApp.as(AUDITOR);
  });
  afterAll(() => testApp.close());

  async function producing(name: string): Promise<string> {
    const created = await manager.post('/joint-ventures', establishBody({ name }));
    const jv = `/joint-ventures/${created.body.id}`;
    expect(
      (await manager.post(`${jv}/production/start`, { effectiveOn: '2024-12-01' })).status,
    ).toBe(200);
    return jv;
  }
  const batch = (jv: string, quantity: number, batchReference: string, producedOn: string) =>
    manager.post(`${jv}/production/batches`, batchBody({ quantity, batchReference, producedOn }));
  const producedOf = (body: {
    productLines?: { productCode: string; produced: number }[];
    state?: { units: Record<string, { produced: number }> };
  }) =>
    body.productLines?.find((line) => line.productCode === CHASSIS)?.produced ??
    body.state?.units[CHASSIS].produced;

  it('reverses a batch entered with the wrong quantity and records its replacement in the same append', async () => {
    const jv = await producing('Correction JV');
    await batch(jv, 40, 'B-1', '2025-01-10');
    const wrong = await batch(jv, 400, 'B-2', '2025-02-10');
    expect(wrong.body.version).toBe(3);

    const corrected = await manager.post(`${jv}/corrections`, {
      reverses: 3,
      reason: 'Batch B-2 had 40 units, not 400',
      replacement: {
        productCode: CHASSIS,
        quantity: 40,
        batchReference: 'B-2',
        producedOn: '2025-02-10',
      },
    });
    expect(corrected).toMatchObject({ status: 200, body: { version: 5 } });

    const history = (await auditor.get(`${jv}/history`)).body.items;
    expect(history.slice(3).map((e: { type: string; data: object }) => [e.type, e.data])).toEqual([
      ['BatchProduced', expect.objectContaining({ quantity: 400, batchReference: 'B-2' })],
      [
        'FactReversed',
        {
          reversedVersion: 3,
          reversedEventId: history[3].id,
          reversedType: 'BatchProduced',
          reason: 'Batch B-2 had 40 units, not 400',
          effectiveOn: '2025-02-10',
        },
      ],
      ['BatchProduced', expect.objectContaining({ quantity: 40, batchReference: 'B-2' })],
    ]);
    expect(history[4].metadata.reason).toBe('Batch B-2 had 40 units, not 400');
    const detail = await eventually(async () => {
      const reply = await viewer.get(jv);
      expect(reply.body.version).toBe(5);
      return reply.body;
    });
    expect(producedOf(detail)).toBe(80);
    // The reference is taken again by the replacement.
    const duplicate = await batch(jv, 1, 'B-2', '2025-03-01');
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors).toEqual([expect.objectContaining({ field: 'batchReference' })]);
    expect((await auditor.get(`${jv}/verification`)).body).toMatchObject({
      valid: true,
      events: 6,
    });
  });

  it('refuses what cannot be reversed, naming the field, and a reversal the units cannot afford', async () => {
    const jv = await producing('Refused Correction JV');
    await batch(jv, 10, 'B-1', '2025-01-10');
    await manager.post(`${jv}/disposal/start`, {});
    await manager.post(`${jv}/disposal/lots`, {
      productCode: CHASSIS,
      quantity: 10,
      method: 'scrapping',
      effectiveOn: '2025-06-01',
    });

    const transition = await manager.post(`${jv}/corrections`, { reverses: 1, reason: 'x' });
    expect(transition.status).toBe(422);
    expect(transition.body.errors).toEqual([expect.objectContaining({ field: 'reverses' })]);
    const noReason = await manager.post(`${jv}/corrections`, { reverses: 2 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const strayField = await manager.post(`${jv}/corrections`, {
      reverses: 2,
      reason: 'x',
      replacement: { colour: 'red' },
    });
    expect(strayField.status).toBe(400);
    expect(strayField.body.errors).toEqual([
      expect.objectContaining({ field: 'replacement.colour' }),
    ]);
    const wrongKind = await manager.post(`${jv}/corrections`, {
      reverses: 2,
      reason: 'x',
      replacement: { method: 'scrapping' },
    });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.errors).toEqual([
      expect.objectContaining({ field: 'replacement.method' }),
    ]);

    // Every unit of the batch was disposed of on 2025-06-01: the batch cannot have never existed.
    const unaffordable = await manager.post(`${jv}/corrections`, {
      reverses: 2,
      reason: 'entered twice',
    });
    expect(unaffordable.status).toBe(409);
    expect(unaffordable.body.errors[0]).toMatchObject({
      field: 'reverses',
      message: expect.stringContaining('as of 2025-06-01'),
    });

    expect(
      (await manager.post(`${jv}/corrections`, { reverses: 4, reason: 'lot recorded in error' }))
        .status,
    ).toBe(200);
    const twice = await manager.post(`${jv}/corrections`, { reverses: 4, reason: 'again' });
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([
      { field: 'reverses', message: 'version 4 is already reversed' },
    ]);
  });

  it('answers the state as of a date, as the ledger knew it at an instant, and both together', async () => {
    const jv = await producing('Time Travel JV');
    await batch(jv, 40, 'B-1', '2025-01-10');
    await batch(jv, 20, 'B-2', '2025-06-01');
    const beforeCorrection = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await manager.post(`${jv}/corrections`, { reverses: 2, reason: 'B-1 belonged to another JV' });

    const state = async (query: string) => {
      const reply = await auditor.get(`${jv}/state?${query}`);
      expect({ query, status: reply.status }).toEqual({ query, status: 200 });
      return reply.body;
    };
    expect(producedOf(await state('asOf=2025-03-01'))).toBe(0);
    expect(producedOf(await state('asOf=2025-06-01'))).toBe(20);
    expect(
      producedOf(await state(`asOf=2025-03-01&knownAt=${encodeURIComponent(beforeCorrection)}`)),
    ).toBe(40);
    expect(producedOf(await state(`knownAt=${encodeURIComponent(beforeCorrection)}`))).toBe(60);
    expect(producedOf(await state('version=3&asOf=2025-01-09'))).toBe(0);
    expect(await state('asOf=2024-11-30')).toMatchObject({
      asOf: '2024-11-30',
      version: 4,
      state: { stage: 'established' },
    });
    expect((await state('asOf=2024-12-01')).state.stage).toBe('production');

    // The read model's unit totals as of a date agree.
    await eventually(async () => expect((await viewer.get(jv)).body.version).toBe(4));
    const detailOn = async (asOf: string) => (await viewer.get(`${jv}?asOf=${asOf}`)).body;
    expect(producedOf(await detailOn('2025-03-01'))).toBe(0);
    expect(await detailOn('2025-06-01')).toMatchObject({ asOf: '2025-06-01' });
    expect(producedOf(await detailOn('2025-06-01'))).toBe(20);
  });

  it('refuses bad dates and clashing time-travel parameters with 400 naming the field', async () => {
    const jv = await producing('Bad Dates JV');
    const cases: [string, string][] = [
      ['asOf=2021-05-19', 'asOf'],
      ['asOf=2025-13-01', 'asOf'],
      ['version=1&knownAt=2025-01-01T00:00:00Z', 'version'],
      ['at=2025-01-01T00:00:00Z&knownAt=2025-01-01T00:00:00Z', 'at'],
      ['knownAt=2000-01-01T00:00:00Z', 'knownAt'],
    ];
    for (const [query, field] of cases) {
      const reply = await auditor.get(`${jv}/state?${query}`);
      expect({ query, status: reply.status, field: reply.body.errors?.[0]?.field }).toEqual({
        query,
        status: 400,
        field,
      });
    }
    expect((await viewer.get(`${jv}?asOf=yesterday`)).status).toBe(400);
    const old = await batch(jv, 1, 'B-9', '1900-01-01');
    expect(old.status).toBe(422);
    expect(old.body.errors).toEqual([
      { field: 'producedOn', message: 'must not lie before the decision date 2021-05-20' },
    ]);
    const future = await manager.post(`${jv}/disposal/start`, { effectiveOn: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'effectiveOn' })]);
  });
});
