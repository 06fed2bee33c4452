import Database from 'better-sqlite3';
import {
  AUDITOR,
  batchBody,
  BY_MANAGER,
  establishBody,
  eventually,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Client,
  type TestApp,
} from './support/test-app';

/** A whole life over HTTP, as programme managers and auditors call the API. */
describe('joint-venture lifecycle over HTTP (embedded SQLite)', () => {
  let testApp: TestApp;
  let manager: Client;
  let partnerManager: Client;
  let auditor: Client;
  let viewer: Client;

  beforeAll(async () => {
    testApp = await startTestApp();
    manager = await testApp.as(RU_MANAGER);
    partnerManager = await testApp.as(BY_MANAGER);
    auditor = await testApp.as(AUDITOR);
    viewer = await testApp.as(VIEWER);
  });
  afterAll(() => testApp.close());

  async function ok(reply: Promise<{ status: number; body: { version: number } }>, status = 200) {
    const { status: actual, body } = await reply;
    expect({ status: actual, body }).toMatchObject({
      status,
      body: { version: expect.any(Number) },
    });
    return body.version;
  }

  it('drives a JV from establishment through every stage to closed, with work orders on the way', async () => {
    const created = await manager.post('/joint-ventures', establishBody());
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('W/"0"');
    const id: string = created.body.id;
    expect(created.headers.location).toBe(`/joint-ventures/${id}`);
    const jv = `/joint-ventures/${id}`;

    await ok(manager.post(`${jv}/development/start`, {}));
    await ok(
      manager.post(`${jv}/development/milestones`, {
        name: 'Prototype passed trials',
        reachedOn: '2025-01-20',
      }),
    );
    await ok(partnerManager.post(`${jv}/production/start`, { reason: 'State trials passed' }));
    await ok(
      manager.post(
        `${jv}/production/batches`,
        batchBody({ quantity: 40, batchReference: 'B-1', producedOn: '2025-03-01' }),
      ),
    );
    await ok(
      manager.post(
        `${jv}/production/batches`,
        batchBody({ quantity: 20, batchReference: 'B-2', producedOn: '2025-04-01' }),
      ),
    );
    const beforeModernization = 5;
    const programme = await manager.post(`${jv}/work-orders`, {
      kind: 'modernization',
      productCode: 'MZKT-7930',
      quantity: 15,
      toVersion: 'v2',
    });
    expect(programme).toMatchObject({
      status: 201,
      body: { id, version: 6, workOrderId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    const modernization = `${jv}/work-orders/${programme.body.workOrderId}`;
    await ok(manager.post(`${modernization}/progress`, { upgraded: 15 }));
    await ok(manager.post(`${modernization}/complete`, {}));
    const repairOrder = await manager.post(`${jv}/work-orders`, {
      kind: 'repair',
      productCode: 'MZKT-7930',
      quantity: 5,
    });
    expect(repairOrder.status).toBe(201);
    const repair = `${jv}/work-orders/${repairOrder.body.workOrderId}`;
    // Production goes on while the repair is open.
    await ok(
      manager.post(
        `${jv}/production/batches`,
        batchBody({ quantity: 10, batchReference: 'B-3', producedOn: '2025-05-01' }),
      ),
    );
    await ok(manager.post(`${repair}/progress`, { repaired: 4, writtenOff: 1 }));
    await ok(manager.post(`${repair}/complete`, {}));
    await ok(
      manager.post(`${jv}/partners`, {
        partner: { enterpriseCode: 'KZ-KEC', name: 'Kazakhstan Engineering', memberState: 'KZ' },
        allocation: [
          { enterpriseCode: 'RU-UVZ', shareBasisPoints: 4000 },
          { enterpriseCode: 'BY-MZKT', shareBasisPoints: 3500 },
          { enterpriseCode: 'KZ-KEC', shareBasisPoints: 2500 },
        ],
      }),
    );
    await ok(
      manager.put(`${jv}/shares`, {
        allocation: [
          { enterpriseCode: 'RU-UVZ', shareBasisPoints: 3400 },
          { enterpriseCode: 'BY-MZKT', shareBasisPoints: 3300 },
          { enterpriseCode: 'KZ-KEC', shareBasisPoints: 3300 },
        ],
      }),
    );
    await ok(
      manager.post(`${jv}/product-lines`, { productCode: 'KEC-100', name: 'Recovery vehicle' }),
    );
    const ip = await manager.post(`${jv}/ip-results`, {
      title: 'Suspension damping method',
      kind: 'patent',
      rightsHolders: [
        { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
        { enterpriseCode: 'KZ-KEC', shareBasisPoints: 5000 },
      ],
    });
    expect(ip.status).toBe(200);
    expect(ip.body.ipResultId).toMatch(/^[0-9a-f-]{36}$/);
    await ok(
      manager.post(`${jv}/partners/KZ-KEC/withdraw`, {
        allocation: [
          { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
          { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
        ],
      }),
    );
    await ok(manager.post(`${jv}/disposal/start`, {}));
    await ok(
      manager.post(`${jv}/disposal/lots`, {
        productCode: 'MZKT-7930',
        quantity: 10,
        method: 'dismantling',
      }),
    );
    await ok(
      manager.post(`${jv}/disposal/lots`, {
        productCode: 'MZKT-7930',
        quantity: 5,
        method: 'recycling',
      }),
    );
    const instantBeforeClosing = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const finalVersion = await ok(manager.post(`${jv}/disposal/complete`, {}));
    expect(finalVersion).toBe(21);

    // Read models follow the log: detail with totals, summary in the list, the timeline.
    const detail = await eventually(async () => {
      const reply = await viewer.get(jv);
      expect(reply.body.version).toBe(finalVersion);
      return reply.body;
    });
    expect(detail).toMatchObject({
      id,
      stage: 'closed',
      phase: 'closed',
      name: 'Heavy Armour JV',
      partners: [
        { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
      ],
      milestones: [{ name: 'Prototype passed trials', reachedOn: '2025-01-20', version: 2 }],
      openWorkOrders: 0,
    });
    expect(detail.ipResults).toHaveLength(1);
    expect(detail.productLines).toEqual([
      expect.objectContaining({ productCode: 'T-72B3', produced: 0, inService: 0 }),
      expect.objectContaining({
        productCode: 'MZKT-7930',
        produced: 70,
        inService: 54,
        inRepair: 0,
        inModernization: 0,
        writtenOff: 1,
        disposed: 15,
        upgraded: 15,
        modernized: 15,
        repaired: 4,
      }),
      expect.objectContaining({ productCode: 'KEC-100', produced: 0, inService: 0 }),
    ]);

    const list = await viewer.get('/joint-ventures?stage=closed&memberState=BY&q=heavy');
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(id);
    const byDeprecatedFilter = await viewer.get('/joint-ventures?phase=closed&q=heavy');
    expect(byDeprecatedFilter.body.items.map((item: { id: string }) => item.id)).toContain(id);

    const timeline = await viewer.get(`${jv}/timeline`);
    expect(timeline.body.periods.map((p: { stage: string }) => p.stage)).toEqual([
      'established',
      'development',
      'production',
      'disposal',
      'closed',
    ]);
    expect(timeline.body.periods[0]).toEqual(
      expect.objectContaining({ leftAt: expect.any(String), durationSeconds: expect.any(Number) }),
    );

    // Auditors read the log itself: the whole history with metadata, in order.
    const history = await auditor.get(`${jv}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { version: number }) => e.version)).toEqual([
      ...Array(22).keys(),
    ]);
    expect(history.body.items[3]).toMatchObject({
      type: 'ProductionStarted',
      metadata: {
        actor: { subject: 'boris', memberState: 'BY', role: 'program-manager' },
        reason: 'State trials passed',
        schemaVersion: 2,
        prevHash: history.body.items[2].metadata.hash,
      },
    });
    const page = await auditor.get(`${jv}/history?after=4&limit=3`);
    expect(page.body.items.map((e: { version: number }) => e.version)).toEqual([5, 6, 7]);
    expect(page.body.nextAfter).toBe(7);

    // Time travel: by version and by instant, replayed from events.
    const asOfVersion = await auditor.get(`${jv}/state?version=${beforeModernization}`);
    expect(asOfVersion.body).toMatchObject({
      version: beforeModernization,
      state: { stage: 'production' },
    });
    expect(asOfVersion.body.state.units['MZKT-7930']).toMatchObject({ produced: 60, upgraded: 0 });
    for (const knownAt of ['knownAt', 'at']) {
      const asOfInstant = await auditor.get(
        `${jv}/state?${knownAt}=${encodeURIComponent(instantBeforeClosing)}`,
      );
      expect(asOfInstant.body).toMatchObject({
        version: finalVersion - 1,
        state: { stage: 'disposal' },
      });
    }

    const verification = await auditor.get(`${jv}/verification`);
    expect(verification.body).toEqual({ id, valid: true, events: 22 });
  });

  it('dissolves a JV from development, and frees its name for a new JV', async () => {
    const name = 'Joint Optics Venture';
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name, purposes: ['development'] }),
    );
    const jv = `/joint-ventures/${created.body.id}`;
    await ok(manager.post(`${jv}/development/start`, {}));

    const sameName = await manager.post(
      '/joint-ventures',
      establishBody({ name: '  joint OPTICS venture ' }),
    );
    expect(sameName.status).toBe(409);
    expect(sameName.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);

    const missingReason = await manager.post(`${jv}/dissolve`, {});
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);

    expect(await ok(manager.post(`${jv}/dissolve`, { reason: 'Programme discontinued' }))).toBe(2);
    const afterwards = await manager.post(`${jv}/production/start`, {});
    expect(afterwards.status).toBe(409);
    expect(afterwards.body).toMatchObject({
      currentStage: 'dissolved',
      currentPhase: 'dissolved',
      allowed: [],
    });

    const detail = await eventually(async () => {
      const reply = await viewer.get(jv);
      expect(reply.body.stage).toBe('dissolved');
      return reply.body;
    });
    expect(detail.version).toBe(2);
    const verification = await auditor.get(`${jv}/verification`);
    expect(verification.body).toMatchObject({ valid: true, events: 3 });

    const reused = await manager.post(
      '/joint-ventures',
      establishBody({ name: name.toUpperCase() }),
    );
    expect(reused.status).toBe(201);
  });

  it('names the first tampered event when a stored event is changed', async () => {
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name: 'Tamper Target JV' }),
    );
    const jv = `/joint-ventures/${created.body.id}`;
    await ok(manager.post(`${jv}/production/start`, {}));
    await ok(
      manager.post(
        `${jv}/production/batches`,
        batchBody({ quantity: 7, batchReference: 'T-1', producedOn: '2025-05-01' }),
      ),
    );
    await ok(
      manager.post(
        `${jv}/production/batches`,
        batchBody({ quantity: 8, batchReference: 'T-2', producedOn: '2025-05-02' }),
      ),
    );
    expect((await auditor.get(`${jv}/verification`)).body.valid).toBe(true);

    // Someone with file access edits the quantity of the first batch (revision 2).
    const db = new Database(testApp.config.databaseFile);
    const changed = db
      .prepare(
        `update events set data = json_set(data, '$.quantity', 700) where stream_id = ? and revision = 2`,
      )
      .run(`joint-venture-${created.body.id}`);
    db.close();
    expect(changed.changes).toBe(1);

    const verification = await auditor.get(`${jv}/verification`);
    expect(verification.body).toMatchObject({ valid: false, events: 4, firstBrokenVersion: 2 });
  });
});
