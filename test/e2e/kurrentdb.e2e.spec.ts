import { KurrentDbEventStore } from '@app/event-store';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startKurrentDb, type TestKurrentDb } from '../services/kurrentdb';
import {
  AUDITOR,
  batchBody,
  BY_MANAGER,
  establishBody,
  eventually,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Client,
  type TestApp,
} from './support/test-app';

/**
 * The API with EVENT_STORE=kurrentdb: events go to KurrentDB (the double here, a real server
 * where TEST_KURRENTDB_URL or Docker gives one), read models and checkpoints stay in SQLite.
 */
describe('joint-venture lifecycle over HTTP (events in KurrentDB)', () => {
  let server: TestKurrentDb;
  let testApp: TestApp;
  let manager: Client;
  let auditor: Client;
  let viewer: Client;
  let operator: Client;

  beforeAll(async () => {
    server = await startKurrentDb();
    testApp = await startTestApp({
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: server.connectionString,
    });
    manager = await testApp.as(RU_MANAGER);
    auditor = await testApp.as(AUDITOR);
    viewer = await testApp.as(VIEWER);
    operator = await testApp.as(OPERATOR);
  });
  afterAll(async () => {
    await testApp?.close();
    await server?.stop();
  });

  it('records a JV through its stages in KurrentDB and projects it into the read models', async () => {
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name: `KDB JV ${Date.now()}` }),
    );
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const jv = `/joint-ventures/${id}`;
    const partner = await testApp.as(BY_MANAGER);

    expect((await manager.post(`${jv}/development/start`, {})).status).toBe(200);
    expect((await partner.post(`${jv}/production/start`, { reason: 'Trials passed' })).status).toBe(
      200,
    );
    const batch = await manager.post(`${jv}/production/batches`, batchBody({ quantity: 12 }));
    expect(batch.status).toBe(200);
    // A stale If-Match is refused by the store's expected-revision check.
    const repair = { kind: 'repair', productCode: 'MZKT-7930', quantity: 2 };
    const stale = await manager.post(`${jv}/work-orders`, repair, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    expect((await manager.post(`${jv}/work-orders`, repair, { 'if-match': 'W/"3"' })).status).toBe(
      201,
    );

    const detail = await eventually(async () => {
      const reply = await viewer.get(jv);
      expect(reply.body.version).toBe(4);
      return reply.body;
    });
    expect(detail).toMatchObject({ id, stage: 'production', openWorkOrders: 1 });
    expect(detail.productLines).toContainEqual(
      expect.objectContaining({
        productCode: 'MZKT-7930',
        produced: 12,
        inService: 10,
        inRepair: 2,
      }),
    );

    const history = await auditor.get(`${jv}/history`);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'JointVentureEstablished',
      'DevelopmentStarted',
      'ProductionStarted',
      'BatchProduced',
      'WorkOrderOpened',
    ]);
    const verification = await auditor.get(`${jv}/verification`);
    expect(verification.body).toEqual({ id, valid: true, events: 5 });

    // The events are in KurrentDB, and not in the SQLite file, which holds read models only.
    const direct = KurrentDbEventStore.connect(server.connectionString);
    const stream = await direct.readStream(`joint-venture-${id}`);
    await direct.close();
    expect(stream.map((event) => event.id)).toEqual(
      history.body.items.map((e: { eventId?: string; id?: string }) => e.eventId ?? e.id),
    );
    const file = new Database(join(testApp.dataDir, 'ledger.db'), { readonly: true });
    const eventsTable = file
      .prepare("select count(*) as n from sqlite_master where name = 'events'")
      .get();
    file.close();
    expect(eventsTable).toEqual({ n: 0 });
  });

  it('reports the store down on /health while KurrentDB is unreachable, and up once it is back', async () => {
    const double = server.double;
    if (!double) {
      // Only the double can be stopped from here; against a real server check the healthy case.
      expect((await operator.get('/health')).body.info.eventStore.status).toBe('up');
      return;
    }
    expect((await operator.get('/health')).status).toBe(200);

    await double.stop();
    const down = await operator.get('/health');
    expect(down.status).toBe(503);
    expect(down.body.checks.eventStore).toMatchObject({ status: 'down' });

    // Commands are refused with 503 while the store is away...
    const refused = await manager.post('/joint-ventures', establishBody({ name: 'Outage JV' }));
    expect(refused.status).toBe(503);
    expect(refused.body.type).toMatch(/store-unavailable$/);

    // ...and work again once it is back; the projections' subscription resumes by itself and
    // /health is green again before any new event arrives (nothing for a projection to apply).
    await double.restart();
    await eventually(async () => expect((await operator.get('/health')).status).toBe(200));
    const created = await eventually(async () => {
      const reply = await manager.post(
        '/joint-ventures',
        establishBody({ name: 'After outage JV' }),
      );
      expect(reply.status).toBe(201);
      return reply;
    });
    await eventually(async () =>
      expect((await viewer.get(`/joint-ventures/${created.body.id}`)).status).toBe(200),
    );
    await eventually(async () => expect((await operator.get('/health')).status).toBe(200));
  });
});
