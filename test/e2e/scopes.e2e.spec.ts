import type { Actor } from '@app/domain';
import { KZ_SEMEY, shares } from '@app/domain/testing';
import {
  AUDITOR,
  establishBody,
  eventually,
  KZ_MANAGER,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type TestApp,
} from './support/test-app';

const KG_VIEWER: Actor = { subject: 'kanat', role: 'viewer', memberState: 'KG' };
const KG_AUDITOR: Actor = { subject: 'kubat', role: 'auditor', memberState: 'KG' };
const KZ_AUDITOR: Actor = { subject: 'kairat', role: 'auditor', memberState: 'KZ' };
const KZ_VIEWER: Actor = { subject: 'zhanna', role: 'viewer', memberState: 'KZ' };

/** Need-to-know (issue 10 §1): a JV is visible to its partners' states and the commission only. */
describe('scopes by member state', () => {
  let testApp: TestApp;
  let ruBy: string;
  let kzAm: string;
  let withdrawnAt: number;

  beforeAll(async () => {
    testApp = await startTestApp();
    const ru = await testApp.as(RU_MANAGER);
    ruBy = (await ru.post('/joint-ventures', establishBody({ name: 'RU-BY Scope' }))).body.id;
    kzAm = (
      await (
        await testApp.as(KZ_MANAGER)
      ).post(
        '/joint-ventures',
        establishBody({
          name: 'KZ-AM Scope',
          partners: [
            { ...KZ_SEMEY, shareBasisPoints: 5000 },
            {
              enterpriseCode: 'AM-ARM',
              name: 'Armtech',
              memberState: 'AM',
              shareBasisPoints: 5000,
            },
          ],
        }),
      )
    ).body.id;
    // KZ takes part in the RU-BY JV for a while, then withdraws; the JV goes on without it.
    const admitted = await ru.post(`/joint-ventures/${ruBy}/partners`, {
      partner: KZ_SEMEY,
      allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 3000, 'KZ-SEMEY': 2000 }),
    });
    expect(admitted.status).toBe(200);
    const withdrawn = await ru.post(`/joint-ventures/${ruBy}/partners/KZ-SEMEY/withdraw`, {
      allocation: shares({ 'RU-UVZ': 6000, 'BY-MZKT': 4000 }),
    });
    expect(withdrawn.status).toBe(200);
    withdrawnAt = withdrawn.body.version;
    expect((await ru.post(`/joint-ventures/${ruBy}/development/start`, {})).status).toBe(200);
    const auditor = await testApp.as(AUDITOR);
    await eventually(async () =>
      expect((await auditor.get(`/joint-ventures/${ruBy}`)).body.version).toBe(withdrawnAt + 1),
    );
  });
  afterAll(() => testApp.close());

  it('lists only the JVs with a partner from the caller’s state, the commission every JV', async () => {
    const names = async (actor: Actor, query = '') =>
      (await (await testApp.as(actor)).get(`/joint-ventures${query}`)).body.items.map(
        (item: { name: string }) => item.name,
      );
    expect(await names(VIEWER)).toEqual(['RU-BY Scope']);
    expect(await names(KZ_VIEWER)).toEqual(['KZ-AM Scope']);
    expect(await names(KG_VIEWER)).toEqual([]);
    expect(await names(AUDITOR)).toEqual(['KZ-AM Scope', 'RU-BY Scope']);
    // Filters narrow the scope, never widen it.
    expect(await names(KG_VIEWER, '?memberState=RU')).toEqual([]);
    expect(await names(KG_VIEWER, '?q=scope')).toEqual([]);
  });

  it('pages through the scope only: a one-item page has no cursor into other states’ JVs', async () => {
    const viewer = await testApp.as(VIEWER);
    const first = await viewer.get('/joint-ventures?limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toBeNull();
    const commission = await testApp.as(AUDITOR);
    const page = await commission.get('/joint-ventures?limit=1');
    expect(page.body.nextCursor).toEqual(expect.any(String));
    // The commission's cursor, replayed by a viewer, still shows the viewer's scope only.
    const next = await (
      await testApp.as(KG_VIEWER)
    ).get(`/joint-ventures?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body).toEqual({ items: [], nextCursor: null });
  });

  it('answers 404 for a JV outside the scope, on every read and on commands', async () => {
    const outsider = await testApp.as(KG_VIEWER);
    for (const path of ['', '/timeline', '/work-orders']) {
      const reply = await outsider.get(`/joint-ventures/${ruBy}${path}`);
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
      expect(reply.body.detail).toBe(`joint venture ${ruBy} does not exist`);
    }
    const auditor = await testApp.as(KG_AUDITOR);
    for (const path of ['/history', '/state', '/verification', '/export'])
      expect((await auditor.get(`/joint-ventures/${ruBy}${path}`)).status).toBe(404);
    const kzManager = await testApp.as(KZ_MANAGER);
    const command = await kzManager.post(`/joint-ventures/${ruBy}/development/milestones`, {
      name: 'Not ours',
      reachedOn: '2025-01-01',
    });
    expect(command.status).toBe(404);
    expect((await (await testApp.as(RU_MANAGER)).get(`/joint-ventures/${kzAm}`)).status).toBe(404);
  });

  it('shows operators no JV content', async () => {
    const operator = await testApp.as(OPERATOR);
    expect((await operator.get('/joint-ventures')).status).toBe(403);
    expect((await operator.get(`/joint-ventures/${ruBy}`)).status).toBe(403);
    expect((await operator.get(`/joint-ventures/${ruBy}/history`)).status).toBe(403);
  });

  it('lets a state that withdrew read the history up to its withdrawal, and nothing else', async () => {
    const auditor = await testApp.as(KZ_AUDITOR);
    const history = await auditor.get(`/joint-ventures/${ruBy}/history`);
    expect(history.status).toBe(200);
    const versions = history.body.items.map((e: { version: number }) => e.version);
    expect(versions[versions.length - 1]).toBe(withdrawnAt);
    expect(history.body.items[withdrawnAt].type).toBe('PartnerWithdrawn');
    expect(history.body.nextAfter).toBeNull();
    expect(
      (await auditor.get(`/joint-ventures/${ruBy}/history?after=${withdrawnAt}`)).body.items,
    ).toEqual([]);
    expect((await auditor.get(`/joint-ventures/${ruBy}/state`)).status).toBe(404);
    expect((await (await testApp.as(KZ_VIEWER)).get(`/joint-ventures/${ruBy}`)).status).toBe(404);
    // A current partner's auditor reads it all.
    const commission = await (await testApp.as(AUDITOR)).get(`/joint-ventures/${ruBy}/history`);
    expect(commission.body.items).toHaveLength(withdrawnAt + 2);
  });
});
