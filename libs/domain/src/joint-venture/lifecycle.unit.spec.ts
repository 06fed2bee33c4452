import { established, existing, HISTORY } from './decider.fixtures';
import { allowedInStageActions, allowedTransitions, actionOf, TRANSITIONS } from './lifecycle';
import { STAGES } from './stages';

const COMMON = [
  'correct-fact',
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
];
const UPKEEP = ['record-work-order-progress', 'complete-work-order', 'cancel-work-order'];

describe('lifecycle table', () => {
  it.each([
    ['established', ['start-development', 'start-production', 'dissolve']],
    ['development', ['start-production', 'dissolve']],
    ['production', ['start-disposal', 'dissolve']],
    ['disposal', ['complete-disposal', 'dissolve']],
    ['closed', []],
    ['dissolved', []],
  ] as const)('from %s a fully-purposed JV may %p', (stage, expected) => {
    expect(allowedTransitions(existing(...HISTORY[stage]))).toEqual(expected);
  });

  it('drops transitions into stages the JV has no purpose for', () => {
    expect(allowedTransitions(existing(established(['development'])))).toEqual([
      'start-development',
      'dissolve',
    ]);
    expect(allowedTransitions(existing(established(['production', 'repair'])))).toEqual([
      'start-production',
      'dissolve',
    ]);
  });

  it.each([
    ['established', COMMON],
    ['development', ['record-milestone', ...COMMON]],
    [
      'production',
      ['record-batch', 'open-modernization-order', 'open-repair-order', ...UPKEEP, ...COMMON],
    ],
    ['disposal', ['record-disposal-lot', ...UPKEEP, ...COMMON]],
    ['closed', []],
    ['dissolved', []],
  ] as const)('in %s the in-stage actions allowed are %p', (stage, expected) => {
    expect(allowedInStageActions(stage)).toEqual(expected);
  });

  it('offers only the work orders the JV has a purpose for', () => {
    const jv = existing(established(['production', 'repair']));
    expect(allowedInStageActions('production', jv)).toEqual([
      'record-batch',
      'open-repair-order',
      ...UPKEEP,
      ...COMMON,
    ]);
  });

  it('gives every stage a row, and only terminal stages an empty one', () => {
    const empty = STAGES.filter((stage) => TRANSITIONS[stage].length === 0);
    expect(empty).toEqual(['closed', 'dissolved']);
  });

  it('names each command by its action, a work order by its kind', () => {
    const base = { jointVentureId: 'x', now: '2025-01-01T00:00:00Z' };
    expect(actionOf({ ...base, type: 'StartDevelopment', data: {} })).toBe('start-development');
    expect(actionOf({ ...base, type: 'CorrectFact', data: { reverses: 1, reason: 'x' } })).toBe(
      'correct-fact',
    );
    const order = { workOrderId: 'w', kind: 'repair' as const };
    expect(actionOf({ ...base, type: 'StartOpenEndedWorkOrder', data: order })).toBe(
      'open-repair-order',
    );
    expect(
      actionOf({
        ...base,
        type: 'OpenWorkOrder',
        data: { ...order, kind: 'modernization', productCode: 'T', quantity: 1 },
      }),
    ).toBe('open-modernization-order');
  });
});
