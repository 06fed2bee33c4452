import {
  batch,
  established,
  existing,
  fact,
  HISTORY,
  ON,
  stageEvent,
  TANK,
} from './decider.fixtures';
import { inEffectBy, stateAsOf } from './time-travel';

describe('a joint venture as of a date', () => {
  const history = [
    established(),
    stageEvent('ProductionStarted', '2024-01-05'),
    batch(10, TANK, { producedOn: '2024-02-01' }),
    // Recorded after the next batch was produced, but effective before it.
    batch(4, TANK, { batchReference: 'B-2', producedOn: '2024-01-20' }),
    stageEvent('DisposalStarted', '2024-06-01'),
  ];

  it('counts the facts effective by the end of that day, whenever they were recorded', () => {
    const on = (date: string) => existing(...stateAsOfEvents(date)).units[TANK].produced;
    const stateAsOfEvents = (date: string) => history.filter((e) => inEffectBy(e, date));
    expect(['2024-01-19', '2024-01-20', '2024-02-01', '2024-12-31'].map(on)).toEqual([
      0, 4, 14, 14,
    ]);
  });

  it('shows a proposal from the day it was made, and its outcome from the day it was decided', () => {
    const proposalId = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
    const withProposal = [
      ...history,
      fact(
        'ChangeProposed',
        {
          proposalId,
          change: { type: 'DissolveJointVenture', data: { reason: 'cancelled' } },
          proposedBy: { subject: 'alice', memberState: 'RU' },
          required: ['BY', 'RU'],
          expiresAt: '2024-08-01T00:00:00.000Z',
        },
        '2024-07-01',
      ),
      fact(
        'ChangeRejected',
        { proposalId, by: { subject: 'boris', memberState: 'BY' }, reason: 'no' },
        '2024-07-03',
      ),
    ];
    const status = (date: string) => {
      const state = stateAsOf(withProposal, date);
      return state.status === 'existing' ? state.proposals[proposalId]?.status : state.status;
    };
    expect(['2024-06-30', '2024-07-01', '2024-07-03'].map(status)).toEqual([
      undefined,
      'pending',
      'rejected',
    ]);
  });

  it('is in the stage it had entered by then', () => {
    const stage = (date: string) => {
      const state = stateAsOf(history, date);
      return state.status === 'existing' ? state.stage : state.status;
    };
    expect(['2024-01-04', '2024-01-05', '2024-05-31', '2024-06-01'].map(stage)).toEqual([
      'established',
      'production',
      'production',
      'disposal',
    ]);
  });

  it('always counts the establishment: it bounds every effective date', () => {
    expect(stateAsOf(history, '2021-05-20')).toMatchObject({
      status: 'existing',
      stage: 'established',
    });
  });

  it('is the current state without a date', () => {
    expect(stateAsOf(history)).toEqual(existing(...history));
  });

  it('keeps the versions of facts it skips, so a later reversal still finds its fact', () => {
    const withRevisions = [
      ...HISTORY.production,
      batch(5, TANK, { batchReference: 'B-2', producedOn: '2024-03-01' }),
      fact(
        'FactReversed',
        { reversedVersion: 2, reversedEventId: null, reversedType: 'BatchProduced', reason: 'x' },
        ON,
      ),
    ].map((event, revision) => ({ ...event, revision }));
    const asOf = stateAsOf(withRevisions, '2024-02-01');
    expect(asOf.status === 'existing' && [asOf.units[TANK].produced, asOf.version]).toEqual([0, 4]);
  });
});
