import type { JointVentureCommand } from '../joint-venture/commands';
import {
  command,
  fact,
  foldChecked,
  HISTORY,
  JV_ID,
  KZ_PARTNER,
  NOW,
  TODAY,
} from '../joint-venture/decider.fixtures';
import { IllegalTransitionError } from '../joint-venture/errors';
import type { JointVentureEvent } from '../joint-venture/events';
import type { ExistingJointVenture } from '../joint-venture/state';
import { DEFAULT_APPROVAL_RULES, parseApprovalRules } from './approval-rules';
import {
  DEFAULT_PROPOSAL_TTL_MS,
  decideProposal,
  isProposalEvent,
  type ApprovalSettings,
  type ProposalCommand,
} from './decide-proposals';
import {
  evolveProposals,
  ProposalNotFoundError,
  ProposalRefusedError,
  type ApprovingActor,
  type Proposals,
} from './proposals';

const ON = { rules: DEFAULT_APPROVAL_RULES, ttlMs: DEFAULT_PROPOSAL_TTL_MS } as const;
const OFF: ApprovalSettings = { rules: undefined, ttlMs: DEFAULT_PROPOSAL_TTL_MS };
const RU: ApprovingActor = { subject: 'alice', memberState: 'RU' };
const RU_2: ApprovingActor = { subject: 'anna', memberState: 'RU' };
const BY: ApprovingActor = { subject: 'boris', memberState: 'BY' };
const KZ: ApprovingActor = { subject: 'aigerim', memberState: 'KZ' };
const P = 'c8a1f7d2-5b3e-4f6a-9d0c-1e2b3a4f5d6e';
const LATER = '2025-03-05T10:00:00Z';
const EXPIRED = '2025-04-01T10:00:01Z';

const dissolve = command('DissolveJointVenture', { reason: 'programme cancelled' });
const propose = (change: JointVentureCommand, by = RU): ProposalCommand => ({
  type: 'ProposeChange',
  jointVentureId: JV_ID,
  proposalId: P,
  by,
  now: NOW,
  change,
});
const step = (
  type: 'ApproveProposal' | 'RejectProposal' | 'WithdrawProposal',
  by: ApprovingActor,
  now = LATER,
): ProposalCommand =>
  ({ type, jointVentureId: JV_ID, proposalId: P, by, now, reason: 'no' }) as ProposalCommand;

/** Given the JV's history and the proposal steps decided so far. */
function given(history: JointVentureEvent[], ...steps: ProposalCommand[]) {
  const jv = foldChecked(history);
  let proposals: Proposals = {};
  for (const past of steps) {
    const { events } = decideProposal(past, jv, proposals, ON);
    proposals = events.filter(isProposalEvent).reduce(evolveProposals, proposals);
  }
  return {
    jv: jv as ExistingJointVenture,
    when: (next: ProposalCommand, settings: ApprovalSettings = ON) =>
      decideProposal(next, jv, proposals, settings),
  };
}

const dissolved = fact('JointVentureDissolved', { reason: 'programme cancelled' });

describe('proposals of shared-control changes', () => {
  it('applies the change at once with APPROVALS=off, as before', () => {
    const decision = given(HISTORY.production).when(propose(dissolve), OFF);
    expect(decision).toEqual({ events: [dissolved], outcome: 'applied' });
  });

  it('applies at once a change no rule names', () => {
    const batch = command('RecordMilestone', { name: 'Trials', reachedOn: TODAY });
    expect(given(HISTORY.development).when(propose(batch)).outcome).toBe('applied');
  });

  it('records a dissolution as proposed, the proposer’s state counting as approved', () => {
    const decision = given(HISTORY.production).when(propose(dissolve));
    expect(decision.events).toEqual([
      {
        type: 'ChangeProposed',
        data: {
          proposalId: P,
          change: { type: 'DissolveJointVenture', data: { reason: 'programme cancelled' } },
          proposedBy: RU,
          required: ['BY', 'RU'],
          expiresAt: '2025-03-31T10:00:00.000Z',
          effectiveOn: TODAY,
        },
      },
    ]);
    expect(decision.proposal).toMatchObject({ status: 'pending', approved: [RU] });
  });

  it('appends the change with the last required approval', () => {
    const decision = given(HISTORY.production, propose(dissolve)).when(step('ApproveProposal', BY));
    expect(decision.events).toEqual([
      { type: 'ChangeApproved', data: { proposalId: P, by: BY, effectiveOn: '2025-03-05' } },
      // Decided when the last state agreed: it takes effect that day.
      fact('JointVentureDissolved', { reason: 'programme cancelled' }, '2025-03-05'),
    ]);
    expect(decision.outcome).toBe('applied');
  });

  it('lets a state approve once, and the same manager never twice', () => {
    const pending = given(HISTORY.production, propose(dissolve));
    expect(() => pending.when(step('ApproveProposal', RU))).toThrow(ProposalRefusedError);
    expect(() => pending.when(step('ApproveProposal', RU_2))).toThrow(/RU has approved/);
    expect(() => pending.when(step('ApproveProposal', KZ))).toThrow(/KZ is not one of/);
  });

  it('is closed by a rejection, after which nothing more is decided on it', () => {
    const rejected = given(HISTORY.production, propose(dissolve)).when(step('RejectProposal', BY));
    expect(rejected.events).toEqual([
      {
        type: 'ChangeRejected',
        data: { proposalId: P, by: BY, reason: 'no', effectiveOn: '2025-03-05' },
      },
    ]);
    const after = given(HISTORY.production, propose(dissolve), step('RejectProposal', BY));
    expect(() => after.when(step('ApproveProposal', BY))).toThrow(/is rejected/);
  });

  it('can be withdrawn by its proposer only', () => {
    const pending = given(HISTORY.production, propose(dissolve));
    expect(() => pending.when(step('WithdrawProposal', RU_2))).toThrow(/only its proposer/);
    expect(pending.when(step('WithdrawProposal', RU)).outcome).toBe('withdrawn');
  });

  it('expires after PROPOSAL_TTL: an approval then closes it instead', () => {
    const decision = given(HISTORY.production, propose(dissolve)).when(
      step('ApproveProposal', BY, EXPIRED),
    );
    expect(decision.events).toEqual([
      {
        type: 'ProposalClosed',
        data: {
          proposalId: P,
          reason: 'expired',
          detail: 'the proposal expired at 2025-03-31T10:00:00.000Z',
          effectiveOn: '2025-04-01',
        },
      },
    ]);
    expect(decision.outcome).toBe('closed');
  });

  it('decides the change against the JV as it is at the last approval, closing it if it no longer applies', () => {
    const startDisposal = command('StartDisposal', {});
    const proposals = given(HISTORY.production).when(propose(startDisposal)).events;
    const now = foldChecked(HISTORY.disposal);
    const state = proposals.filter(isProposalEvent).reduce(evolveProposals, {});
    const decision = decideProposal(step('ApproveProposal', BY), now, state, ON);
    expect(decision.outcome).toBe('closed');
    expect(decision.events[1]).toMatchObject({
      type: 'ProposalClosed',
      data: { reason: 'no-longer-applies', detail: expect.stringContaining("stage 'disposal'") },
    });
  });

  it('refuses to propose a change that does not apply now, and steps of an unknown proposal', () => {
    expect(() => given(HISTORY.dissolved).when(propose(dissolve))).toThrow(IllegalTransitionError);
    expect(() => given(HISTORY.production).when(step('ApproveProposal', BY))).toThrow(
      ProposalNotFoundError,
    );
  });
});

describe('the approval rules', () => {
  const reallocate = (ru: number, by: number) =>
    command('ReallocateShares', {
      allocation: [
        { enterpriseCode: 'RU-UVZ', shareBasisPoints: ru },
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: by },
      ],
    });

  it('asks the states whose share decreases, so cutting one’s own share needs no one', () => {
    expect(
      given(HISTORY.production).when(propose(reallocate(5000, 5000), BY)).proposal,
    ).toMatchObject({
      required: ['BY', 'RU'],
    });
    expect(given(HISTORY.production).when(propose(reallocate(5000, 5000), RU)).outcome).toBe(
      'applied',
    );
  });

  it('asks every current partner state to admit a partner', () => {
    const admit = command('AdmitPartner', {
      partner: KZ_PARTNER,
      allocation: [
        { enterpriseCode: 'RU-UVZ', shareBasisPoints: 6000 },
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: 3000 },
        { enterpriseCode: 'KZ-SEMEY', shareBasisPoints: 1000 },
      ],
    });
    expect(given(HISTORY.production).when(propose(admit)).proposal?.required).toEqual(['BY', 'RU']);
  });

  it('asks the rights holders’ states to register an IP result', () => {
    const register = (holders: string[]) =>
      command('RegisterIpResult', {
        ipResultId: 'd1f2e3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6',
        title: 'Damping',
        kind: 'patent',
        rightsHolders: holders.map((enterpriseCode) => ({
          enterpriseCode,
          shareBasisPoints: 10000 / holders.length,
        })),
      });
    expect(given(HISTORY.production).when(propose(register(['RU-UVZ']))).outcome).toBe('applied');
    expect(
      given(HISTORY.production).when(propose(register(['RU-UVZ', 'BY-MZKT']))).proposal?.required,
    ).toEqual(['BY', 'RU']);
  });

  it('reads the table from configuration, naming an entry it cannot read', () => {
    expect(
      parseApprovalRules(
        'DissolveJointVenture:every-partner, ReallocateShares:whose-share-decreases',
        ['DissolveJointVenture', 'ReallocateShares'],
      ),
    ).toEqual({ DissolveJointVenture: 'every-partner', ReallocateShares: 'whose-share-decreases' });
    expect(() => parseApprovalRules('Dissolve:every-partner', ['DissolveJointVenture'])).toThrow(
      /'Dissolve:every-partner'/,
    );
    expect(() =>
      parseApprovalRules('DissolveJointVenture:everyone', ['DissolveJointVenture']),
    ).toThrow(/the rule must be one of/);
  });
});
