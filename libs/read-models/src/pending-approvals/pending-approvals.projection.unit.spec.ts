import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import {
  openTestReadModels,
  project,
  snapshot,
  type TestReadModels,
} from '../testing/read-model-test-db';
import { jointVenturePendingApprovals } from './pending-approvals.projection';
import { InvalidCursorError } from '../queries/cursor';
import { PendingApprovalsQueries } from './pending-approvals.queries';

const only = [jointVenturePendingApprovals];
const NOW = '2024-02-01T00:00:00.000Z';
const RU = { subject: 'alice', memberState: 'RU' };
const BY = { subject: 'boris', memberState: 'BY' };
const KZ = { subject: 'aigerim', memberState: 'KZ' };
const id = (n: number) => `7c0e7a52-0b1d-4c2e-9f3a-00000000000${n}`;
const proposed = (n: number, required = ['BY', 'RU'], expiresAt = '2099-01-01T00:00:00.000Z') => ({
  proposalId: id(n),
  change: { type: 'DissolveJointVenture' as const, data: { reason: 'cancelled' } },
  proposedBy: RU,
  required,
  expiresAt,
});

describe('JointVenturePendingApprovals projection', () => {
  let readModels: TestReadModels;
  let pending: PendingApprovalsQueries;
  const awaitingOf = async (state: string) =>
    (await pending.awaiting(state, NOW, 10)).items.map((p) => [p.proposalId, p.awaiting]);

  beforeEach(async () => {
    readModels = await openTestReadModels();
    pending = new PendingApprovalsQueries(readModels.db);
  });
  afterEach(() => readModels.close());

  it('lists a proposal for each state still to agree until it agrees, and none once it ends', async () => {
    const jv = new JointVentureHistory()
      .established()
      .record('ChangeProposed', proposed(1, ['BY', 'KZ', 'RU']))
      .record('ChangeApproved', { proposalId: id(1), by: KZ })
      .record('ChangeProposed', proposed(2))
      .record('ChangeProposed', proposed(3))
      .record('ProposalWithdrawn', { proposalId: id(3), reason: 'superseded' })
      .record('ChangeProposed', proposed(4, ['BY', 'RU'], '2024-01-15T00:00:00.000Z'));
    await project(readModels.db, recorded(jv.events), only);

    expect(await awaitingOf('BY')).toEqual([
      [id(1), ['BY']],
      [id(2), ['BY']],
    ]);
    expect(await awaitingOf('KZ')).toEqual([]);
    expect(await awaitingOf('RU')).toEqual([]);

    jv.record('ChangeApproved', { proposalId: id(1), by: BY }).record('ChangeRejected', {
      proposalId: id(2),
      by: BY,
      reason: 'no',
    });
    await project(readModels.db, recorded(jv.events).slice(7), only);
    expect(await awaitingOf('BY')).toEqual([]);
  });

  it('changes nothing when events are replayed', async () => {
    const jv = new JointVentureHistory()
      .established()
      .record('ChangeProposed', proposed(1))
      .record('ChangeApproved', { proposalId: id(1), by: BY })
      .record('ChangeProposed', proposed(2));
    const events = recorded(jv.events);
    await project(readModels.db, events, only);
    const once = await snapshot(readModels.db);
    await project(readModels.db, events, only);
    expect(await snapshot(readModels.db)).toEqual(once);
  });

  it('pages through the proposals waiting for a state, oldest first, with nextCursor', async () => {
    const jv = new JointVentureHistory().established();
    for (let n = 1; n <= 5; n++) jv.record('ChangeProposed', proposed(n));
    await project(readModels.db, recorded(jv.events), only);

    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | undefined;
    do {
      const page = await pending.awaiting('BY', NOW, 2, cursor);
      seen.push(...page.items.map((item) => item.proposalId));
      cursors.push(page.nextCursor);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual([1, 2, 3, 4, 5].map(id));
    expect(cursors.map((c) => c !== null)).toEqual([true, true, false]);
    await expect(pending.awaiting('BY', NOW, 2, 'not a cursor!')).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});
