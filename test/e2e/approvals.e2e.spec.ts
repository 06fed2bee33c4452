/**
 * Shared control end to end (issue 10 §2): with APPROVALS=on the actions of the rule table are
 * proposed (202), approved or rejected by the other partner states' programme managers, and
 * applied with the last approval, decided against the JV as it is then.
 */
import type { Actor } from '@app/domain';
import { shares } from '@app/domain/testing';
import {
  AUDITOR,
  BY_MANAGER,
  establishBody,
  eventually,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Client,
  type TestApp,
} from './support/test-app';

const RU_DEPUTY: Actor = { subject: 'anna', role: 'program-manager', memberState: 'RU' };
const BY_DEPUTY: Actor = { subject: 'bogdan', role: 'program-manager', memberState: 'BY' };
const PROBLEMS = 'https://jv-ledger.example/problems/';

describe('proposals and approvals (APPROVALS=on)', () => {
  let testApp: TestApp;
  let ru: Client;
  let by: Client;
  let names = 0;

  beforeAll(async () => {
    testApp = await startTestApp({ APPROVALS: 'on' });
    ru = await testApp.as(RU_MANAGER);
    by = await testApp.as(BY_MANAGER);
  });
  afterAll(() => testApp.close());

  async function newJv(): Promise<string> {
    names += 1;
    const reply = await ru.post('/joint-ventures', establishBody({ name: `Shared JV ${names}` }));
    expect(reply.status).toBe(201);
    return reply.body.id;
  }
  const step = (client: Client, jv: string, proposal: string, action: string, reason?: string) =>
    client.post(
      `/joint-ventures/${jv}/proposals/${proposal}/${action}`,
      reason === undefined ? {} : { reason },
    );

  it('dissolves a JV proposed by RU only when BY approves, in history, proposals and pending approvals', async () => {
    const jv = await newJv();
    const proposed = await ru.post(`/joint-ventures/${jv}/dissolve`, {
      reason: 'programme cancelled',
    });
    expect(proposed.status).toBe(202);
    expect(proposed.body).toMatchObject({
      id: jv,
      version: 1,
      status: 'pending',
      required: ['BY', 'RU'],
      approved: ['RU'],
      awaiting: ['BY'],
      change: { type: 'DissolveJointVenture', data: { reason: 'programme cancelled' } },
    });
    const { proposalId } = proposed.body;

    // Not applied yet; the read model of pending approvals shows it to BY, not to RU.
    const auditor = await testApp.as(AUDITOR);
    await eventually(async () => {
      const waiting = await by.get('/proposals?awaiting=me&limit=10');
      expect(waiting.body.items.map((p: { proposalId: string }) => p.proposalId)).toContain(
        proposalId,
      );
      expect(waiting.body.nextCursor).toBeNull();
      const badCursor = await by.get('/proposals?awaiting=me&cursor=not-one-we-issued');
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });
    const forRu = await ru.get('/proposals?awaiting=me');
    expect(forRu.body.items.map((p: { proposalId: string }) => p.proposalId)).not.toContain(
      proposalId,
    );
    expect((await auditor.get(`/joint-ventures/${jv}`)).body.stage).toBe('established');

    const approved = await step(by, jv, proposalId, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ version: 3, status: 'applied', awaiting: [] });
    await eventually(async () =>
      expect((await auditor.get(`/joint-ventures/${jv}`)).body.stage).toBe('dissolved'),
    );
    const history = await auditor.get(`/joint-ventures/${jv}/history`);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'JointVentureEstablished',
      'ChangeProposed',
      'ChangeApproved',
      'JointVentureDissolved',
    ]);
    const viewer = await testApp.as(VIEWER);
    const listed = await viewer.get(`/joint-ventures/${jv}/proposals?status=applied`);
    expect(listed.body.items).toEqual([expect.objectContaining({ proposalId, status: 'applied' })]);
    await eventually(async () => {
      const waiting = await by.get('/proposals?awaiting=me');
      expect(waiting.body.items.map((p: { proposalId: string }) => p.proposalId)).not.toContain(
        proposalId,
      );
    });
  });

  it("asks BY to agree to a reallocation that cuts BY's share, and no one to one that cuts RU's own", async () => {
    const jv = await newJv();
    const cut = await ru.put(`/joint-ventures/${jv}/shares`, {
      allocation: shares({ 'RU-UVZ': 9999, 'BY-MZKT': 1 }),
    });
    expect(cut.status).toBe(202);
    expect(cut.body).toMatchObject({ required: ['BY', 'RU'], awaiting: ['BY'] });
    const own = await ru.put(`/joint-ventures/${jv}/shares`, {
      allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 5000 }),
    });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ id: jv, version: 2 });
  });

  it('is closed by a rejection, which needs a reason, and refuses steps after it', async () => {
    const jv = await newJv();
    const { proposalId } = (await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' })).body;
    const noReason = await step(by, jv, proposalId, 'reject');
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const rejected = await step(by, jv, proposalId, 'reject', 'the programme continues');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      closedBecause: 'the programme continues',
    });
    const late = await step(await testApp.as(BY_DEPUTY), jv, proposalId, 'approve');
    expect(late.status).toBe(409);
    expect(late.body.type).toBe(`${PROBLEMS}proposal-not-pending`);
  });

  it('can be withdrawn by its proposer only', async () => {
    const jv = await newJv();
    const { proposalId } = (await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' })).body;
    const deputy = await testApp.as(RU_DEPUTY);
    const notTheirs = await step(deputy, jv, proposalId, 'withdraw', 'mine now');
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.type).toBe(`${PROBLEMS}not-the-proposer`);
    const withdrawn = await step(ru, jv, proposalId, 'withdraw', 'superseded');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('lets a state approve once: the proposer’s state, a second manager of it, or one outside the JV cannot', async () => {
    const jv = await newJv();
    const { proposalId } = (await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' })).body;
    const again = await step(await testApp.as(RU_DEPUTY), jv, proposalId, 'approve');
    expect(again.status).toBe(409);
    expect(again.body.type).toBe(`${PROBLEMS}proposal-already-approved`);
    const outsider = await testApp.as({ subject: 'k', role: 'program-manager', memberState: 'KG' });
    expect((await step(outsider, jv, proposalId, 'approve')).status).toBe(404);
    const viewer = await testApp.as(VIEWER);
    expect((await step(viewer, jv, proposalId, 'approve')).status).toBe(403);
    const unknown = await step(by, jv, '5d1e1f9a-6c38-4a4e-9a43-7d3c8b2a1f00', 'approve');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe(`${PROBLEMS}proposal-not-found`);
  });

  it('refuses and closes a proposal that no longer applies when the last state agrees (the JV was dissolved meanwhile)', async () => {
    const jv = await newJv();
    expect((await ru.post(`/joint-ventures/${jv}/production/start`, {})).status).toBe(200);
    const disposal = await ru.post(`/joint-ventures/${jv}/disposal/start`, {});
    expect(disposal.status).toBe(202);
    const dissolve = await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' });
    expect((await step(by, jv, dissolve.body.proposalId, 'approve')).body.status).toBe('applied');

    const late = await step(by, jv, disposal.body.proposalId, 'approve');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      type: `${PROBLEMS}proposal-no-longer-applies`,
      proposalId: disposal.body.proposalId,
      detail: expect.stringContaining('dissolved'),
    });
    const listed = await ru.get(`/joint-ventures/${jv}/proposals?status=closed`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ proposalId: disposal.body.proposalId, status: 'closed' }),
    ]);
  });

  it('answers a retried proposal or approval (same Idempotency-Key) with the same proposal, recording nothing new', async () => {
    const jv = await newJv();
    const headers = { 'idempotency-key': 'dissolve-once' };
    const first = await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' }, headers);
    const retry = await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' }, headers);
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);

    const approveOnce = { 'idempotency-key': 'approve-once' };
    const url = `/joint-ventures/${jv}/proposals/${first.body.proposalId}/approve`;
    const approved = await by.post(url, {}, approveOnce);
    const again = await by.post(url, {}, approveOnce);
    expect(approved.body).toMatchObject({ version: 3, status: 'applied' });
    expect({ status: again.status, body: again.body }).toEqual({
      status: 200,
      body: approved.body,
    });
    const history = await (await testApp.as(AUDITOR)).get(`/joint-ventures/${jv}/history`);
    expect(history.body.items).toHaveLength(4);
  });
});

describe('expired proposals', () => {
  let testApp: TestApp;
  afterAll(() => testApp.close());

  it('cannot be approved after PROPOSAL_TTL: the approval closes it as expired', async () => {
    testApp = await startTestApp({ APPROVALS: 'on', PROPOSAL_TTL: '1s' });
    const ru = await testApp.as(RU_MANAGER);
    const by = await testApp.as(BY_MANAGER);
    const jv = (await ru.post('/joint-ventures', establishBody())).body.id;
    const { proposalId } = (await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' })).body;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const late = await by.post(`/joint-ventures/${jv}/proposals/${proposalId}/approve`, {});
    expect(late.status).toBe(409);
    expect(late.body.type).toBe(`${PROBLEMS}proposal-expired`);
    const listed = await ru.get(`/joint-ventures/${jv}/proposals`);
    expect(listed.body.items[0]).toMatchObject({ status: 'closed' });
    expect((await by.get('/proposals?awaiting=me')).body.items).toEqual([]);
  });
});

describe('APPROVALS=off (the default)', () => {
  let testApp: TestApp;
  afterAll(() => testApp.close());

  it('applies a dissolution at once, as before', async () => {
    testApp = await startTestApp();
    const ru = await testApp.as(RU_MANAGER);
    const jv = (await ru.post('/joint-ventures', establishBody())).body.id;
    const dissolved = await ru.post(`/joint-ventures/${jv}/dissolve`, { reason: 'x' });
    expect(dissolved.status).toBe(200);
    expect(dissolved.body).toEqual({ id: jv, version: 1 });
  });
});
