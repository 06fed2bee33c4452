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

/** Work orders over HTTP: several at once, within the units available, beside batches. */
describe('work orders over HTTP', () => {
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

  /** A JV in production with `quantity` chassis of unrecorded version. */
  async function producing(name: string, quantity = 20): Promise<string> {
    const created = await manager.post('/joint-ventures', establishBody({ name }));
    const jv = `/joint-ventures/${created.body.id}`;
    expect((await manager.post(`${jv}/production/start`, {})).status).toBe(200);
    const batch = await manager.post(`${jv}/production/batches`, batchBody({ quantity }));
    expect(batch.status).toBe(200);
    return jv;
  }

  const detailAt = (jv: string, version: number) =>
    eventually(async () => {
      const reply = await viewer.get(jv);
      expect(reply.body.version).toBe(version);
      return reply.body;
    });
  const chassisOf = (detail: { productLines: { productCode: string }[] }) =>
    detail.productLines.find((line) => line.productCode === CHASSIS);

  it('runs a repair order and a modernization programme at once while batches are recorded', async () => {
    const jv = await producing('Concurrent Orders JV');
    const repair = await manager.post(`${jv}/work-orders`, {
      kind: 'repair',
      productCode: CHASSIS,
      quantity: 5,
      reason: 'Gearbox recall',
    });
    expect(repair).toMatchObject({ status: 201, body: { version: 3 } });
    expect(repair.headers.etag).toBe('W/"3"');
    const modernization = await manager.post(`${jv}/work-orders`, {
      kind: 'modernization',
      productCode: CHASSIS,
      quantity: 10,
      toVersion: 'v2',
    });
    expect(modernization.status).toBe(201);
    expect(modernization.body.workOrderId).not.toBe(repair.body.workOrderId);
    const batch = await manager.post(
      `${jv}/production/batches`,
      batchBody({ quantity: 5, batchReference: 'B-2' }),
    );
    expect(batch.body.version).toBe(5);

    // 25 produced, 15 out of service: 10 remain.
    const tooMany = await manager.post(`${jv}/work-orders`, {
      kind: 'repair',
      productCode: CHASSIS,
      quantity: 11,
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.errors).toEqual([
      {
        field: 'quantity',
        message: `cannot repair 11 units of ${CHASSIS} of unrecorded version: 10 in service`,
      },
    ]);

    const open = await viewer.get(`${jv}/work-orders?status=open`);
    expect(open.status).toBe(200);
    expect(open.body.items).toEqual([
      expect.objectContaining({
        workOrderId: repair.body.workOrderId,
        kind: 'repair',
        status: 'open',
        units: { productCode: CHASSIS, fromVersion: null, toVersion: null, quantity: 5 },
        held: 5,
      }),
      expect.objectContaining({ workOrderId: modernization.body.workOrderId, held: 10 }),
    ]);
    expect(chassisOf(await detailAt(jv, 5))).toMatchObject({
      produced: 25,
      inService: 10,
      inRepair: 5,
      inModernization: 10,
    });

    const programme = `${jv}/work-orders/${modernization.body.workOrderId}`;
    expect(
      (await manager.post(`${programme}/progress`, { upgraded: 8, writtenOff: 1 })).status,
    ).toBe(200);
    expect((await manager.post(`${programme}/complete`, {})).body.version).toBe(7);
    const order = `${jv}/work-orders/${repair.body.workOrderId}`;
    expect((await manager.post(`${order}/progress`, { repaired: 5 })).status).toBe(200);
    expect((await manager.post(`${order}/complete`, { reason: 'All back' })).body.version).toBe(9);

    const detail = await detailAt(jv, 9);
    expect(chassisOf(detail)).toMatchObject({
      produced: 25,
      inService: 24,
      inRepair: 0,
      inModernization: 0,
      writtenOff: 1,
      upgraded: 8,
      repaired: 5,
      versions: [
        expect.objectContaining({
          version: null,
          produced: 25,
          inService: 16,
          upgradedOut: 8,
          writtenOff: 1,
        }),
        expect.objectContaining({ version: 'v2', inService: 8, upgradedIn: 8 }),
      ],
    });
    expect(detail.openWorkOrders).toBe(0);
    const completed = await viewer.get(`${jv}/work-orders?status=completed`);
    // In the order they were opened: the repair returned none, the programme the unit it held.
    expect(completed.body.items.map((o: { returned: number }) => o.returned)).toEqual([0, 1]);

    const history = await auditor.get(`${jv}/history`);
    expect(history.body.items.slice(3).map((e: { type: string }) => e.type)).toEqual([
      'WorkOrderOpened',
      'WorkOrderOpened',
      'BatchProduced',
      'WorkOrderProgressed',
      'WorkOrderCompleted',
      'WorkOrderProgressed',
      'WorkOrderCompleted',
    ]);
  });

  it('refuses bad work-order requests, naming the field, and records nothing', async () => {
    const jv = await producing('Bad Orders JV', 3);
    const refusals: [string, object, number, string][] = [
      ['work-orders', { kind: 'overhaul', productCode: CHASSIS, quantity: 1 }, 400, 'kind'],
      ['work-orders', { kind: 'repair', productCode: CHASSIS, quantity: 0 }, 400, 'quantity'],
      [
        'work-orders',
        { kind: 'repair', productCode: CHASSIS, quantity: 1, colour: 'red' },
        400,
        'colour',
      ],
      [
        'work-orders',
        { kind: 'repair', productCode: CHASSIS, quantity: 1, effectiveOn: '2025-02-30' },
        400,
        'effectiveOn',
      ],
      [
        'work-orders',
        { kind: 'repair', productCode: CHASSIS, quantity: 1, effectiveOn: '1999-01-01' },
        422,
        'effectiveOn',
      ],
      [
        'work-orders',
        { kind: 'modernization', productCode: CHASSIS, quantity: 1 },
        422,
        'toVersion',
      ],
      ['work-orders', { kind: 'repair', productCode: 'SU-30', quantity: 1 }, 422, 'productCode'],
      ['work-orders/WO-unknown/progress', { repaired: 1 }, 422, 'workOrderId'],
      ['work-orders/WO-unknown/progress', { repaired: -1 }, 400, 'repaired'],
      ['work-orders/not%20an%20id/complete', {}, 400, 'workOrderId'],
    ];
    for (const [path, body, status, field] of refusals) {
      const reply = await manager.post(`${jv}/${path}`, body);
      expect({
        path,
        body,
        status: reply.status,
        fields: reply.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({
        path,
        body,
        status,
        fields: expect.arrayContaining([field]),
      });
    }
    const order = await manager.post(`${jv}/work-orders`, {
      kind: 'repair',
      productCode: CHASSIS,
      quantity: 2,
    });
    const path = `${jv}/work-orders/${order.body.workOrderId}`;
    expect((await manager.post(`${path}/progress`, { repaired: 3 })).status).toBe(409);
    expect((await manager.post(`${path}/progress`, { upgraded: 1 })).status).toBe(422);
    expect((await manager.post(`${path}/cancel`, { reason: 'Parts unavailable' })).status).toBe(
      200,
    );
    const again = await manager.post(`${path}/complete`, {});
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([
      { field: 'workOrderId', message: `work order ${order.body.workOrderId} is cancelled` },
    ]);
    expect((await auditor.get(`${jv}/history`)).body.items).toHaveLength(5);
  });

  it('keeps the deprecated modernization/* and repair/* routes working, each on one open-ended work order', async () => {
    const jv = await producing('Old Client JV');
    const started = await manager.post(`${jv}/modernization/start`, {});
    expect(started).toMatchObject({
      status: 200,
      body: { version: 3, workOrderId: expect.any(String) },
    });
    const twice = await manager.post(`${jv}/modernization/start`, {});
    expect(twice.status).toBe(409);
    expect((await manager.post(`${jv}/repair/start`, {})).status).toBe(200);

    // As in release 0.1.0, the units stay in service while the modernization runs.
    const batch = await manager.post(
      `${jv}/production/batches`,
      batchBody({ quantity: 2, batchReference: 'B-2' }),
    );
    expect(batch.status).toBe(200);
    const done = await manager.post(`${jv}/modernization/complete`, {
      productCode: CHASSIS,
      fromVersion: 'v1',
      toVersion: 'v2',
      quantity: 22,
    });
    expect(done).toMatchObject({ status: 200, body: { version: 6 } });
    expect(
      (await manager.post(`${jv}/repair/complete`, { productCode: CHASSIS, quantity: 23 })).status,
    ).toBe(409);
    expect(
      (await manager.post(`${jv}/repair/complete`, { productCode: CHASSIS, quantity: 3 })).status,
    ).toBe(200);
    expect(
      (
        await manager.post(`${jv}/modernization/complete`, {
          productCode: CHASSIS,
          fromVersion: 'v2',
          toVersion: 'v3',
          quantity: 1,
        })
      ).status,
    ).toBe(409);

    const orders = (await viewer.get(`${jv}/work-orders`)).body.items;
    expect(orders).toEqual([
      expect.objectContaining({
        workOrderId: started.body.workOrderId,
        kind: 'modernization',
        status: 'completed',
        units: null,
        handled: { productCode: CHASSIS, fromVersion: 'v1', toVersion: 'v2', quantity: 22 },
      }),
      expect.objectContaining({ kind: 'repair', status: 'completed', units: null }),
    ]);
    const detail = await detailAt(jv, 7);
    expect(detail).toMatchObject({ stage: 'production', phase: 'production' });
    expect(chassisOf(detail)).toMatchObject({
      produced: 22,
      inService: 22,
      upgraded: 22,
      modernized: 22,
      repaired: 3,
    });
  });

  it('closes only once every work order is finished', async () => {
    const jv = await producing('Wind-down JV', 4);
    const order = await manager.post(`${jv}/work-orders`, {
      kind: 'repair',
      productCode: CHASSIS,
      quantity: 1,
    });
    expect((await manager.post(`${jv}/disposal/start`, {})).status).toBe(200);
    const early = await manager.post(`${jv}/disposal/complete`, {});
    expect(early.status).toBe(409);
    expect(early.body.errors).toEqual([
      {
        field: 'workOrders',
        message: `cannot close with open work orders: ${order.body.workOrderId}`,
      },
    ]);
    expect(
      (
        await manager.post(`${jv}/work-orders`, {
          kind: 'repair',
          productCode: CHASSIS,
          quantity: 1,
        })
      ).body,
    ).toMatchObject({
      status: 409,
      currentStage: 'disposal',
    });
    const path = `${jv}/work-orders/${order.body.workOrderId}`;
    expect((await manager.post(`${path}/progress`, { writtenOff: 1 })).status).toBe(200);
    expect((await manager.post(`${path}/complete`, {})).status).toBe(200);
    expect((await manager.post(`${jv}/disposal/complete`, {})).status).toBe(200);
  });

  it('marks the deprecated routes and fields in the OpenAPI document', async () => {
    const docs = (await testApp.raw({ method: 'GET', url: '/docs-json' })).body;
    for (const path of [
      'modernization/start',
      'modernization/complete',
      'repair/start',
      'repair/complete',
    ])
      expect({
        path,
        deprecated: docs.paths[`/joint-ventures/{id}/${path}`].post.deprecated,
      }).toEqual({
        path,
        deprecated: true,
      });
    expect(docs.paths['/joint-ventures/{id}/work-orders'].post.deprecated).toBeUndefined();
    const parameter = (path: string, name: string) =>
      docs.paths[path].get.parameters.find((p: { name: string }) => p.name === name);
    expect(parameter('/joint-ventures', 'phase')).toMatchObject({ deprecated: true });
    expect(parameter('/joint-ventures', 'stage').deprecated).toBeUndefined();
    expect(parameter('/joint-ventures/{id}/state', 'at')).toMatchObject({ deprecated: true });
  });
});
