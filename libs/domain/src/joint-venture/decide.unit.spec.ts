import type { JointVentureCommand } from './commands';
import {
  ALL_PURPOSES,
  command,
  establishData,
  established,
  event,
  given,
  HISTORY,
  KZ_PARTNER,
  phaseEvent,
  TANK,
} from './decider.fixtures';
import {
  IllegalTransitionError,
  InvalidCommandError,
  JointVentureAlreadyExistsError,
  JointVentureNotFoundError,
} from './errors';
import type { JointVentureEvent } from './events';
import type { Phase } from './phases';
import type { Purpose } from './values';

const COMMON = [
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
];

const startDevelopment = command('StartDevelopment', {});
const startProduction = command('StartProduction', {});
const startModernization = command('StartModernization', {});
const startRepair = command('StartRepair', {});
const startDisposal = command('StartDisposal', {});
const completeDisposal = command('CompleteDisposal', {});
const dissolve = command('DissolveJointVenture', { reason: 'programme cancelled' });
const recordBatch = command('RecordBatch', {
  productCode: TANK,
  quantity: 5,
  batchReference: 'B-7',
  producedOn: '2025-02-01',
});
const admitPartner = command('AdmitPartner', {
  partner: KZ_PARTNER,
  allocation: [
    { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
    { enterpriseCode: 'BY-MZKT', shareBasisPoints: 3000 },
    { enterpriseCode: 'KZ-SEMEY', shareBasisPoints: 2000 },
  ],
});

describe('establishing a joint venture', () => {
  it('records the establishment with the decision, purposes, partners and product lines', () => {
    const { state } = given()
      .when(command('EstablishJointVenture', establishData()))
      .then([established()]);
    expect(state).toMatchObject({ status: 'existing', phase: 'established' });
  });

  it('refuses to establish a joint venture that already exists', () => {
    given(established())
      .when(command('EstablishJointVenture', establishData()))
      .thenThrows(JointVentureAlreadyExistsError);
  });

  it('refuses any other command before the joint venture exists', () => {
    given().when(startDevelopment).thenThrows(JointVentureNotFoundError);
  });
});

describe('allowed lifecycle transitions', () => {
  type Case = {
    from: keyof typeof HISTORY;
    cmd: JointVentureCommand;
    expected: JointVentureEvent[];
    to: Phase;
  };
  const modernized = { productCode: TANK, fromVersion: 'B3', toVersion: 'B3M', quantity: 4 };
  const cases: Case[] = [
    {
      from: 'established',
      cmd: startDevelopment,
      expected: [phaseEvent('DevelopmentStarted')],
      to: 'development',
    },
    {
      from: 'established',
      cmd: startProduction,
      expected: [phaseEvent('ProductionStarted')],
      to: 'production',
    },
    {
      from: 'development',
      cmd: startProduction,
      expected: [phaseEvent('ProductionStarted')],
      to: 'production',
    },
    {
      from: 'production',
      cmd: startModernization,
      expected: [phaseEvent('ModernizationStarted')],
      to: 'modernization',
    },
    { from: 'production', cmd: startRepair, expected: [phaseEvent('RepairStarted')], to: 'repair' },
    {
      from: 'production',
      cmd: startDisposal,
      expected: [phaseEvent('DisposalStarted')],
      to: 'disposal',
    },
    {
      from: 'modernization',
      cmd: command('CompleteModernization', modernized),
      expected: [event('ModernizationCompleted', modernized)],
      to: 'production',
    },
    {
      from: 'repair',
      cmd: command('CompleteRepair', { productCode: TANK, quantity: 3 }),
      expected: [event('RepairCompleted', { productCode: TANK, quantity: 3 })],
      to: 'production',
    },
    {
      from: 'disposal',
      cmd: completeDisposal,
      expected: [phaseEvent('DisposalCompleted')],
      to: 'closed',
    },
  ];

  it.each(cases)('$from: $cmd.type leads to $to', ({ from, cmd, expected, to }) => {
    const { state } = given(...HISTORY[from])
      .when(cmd)
      .then(expected);
    expect(state.status === 'existing' && state.phase).toBe(to);
  });

  it.each([
    'established',
    'development',
    'production',
    'modernization',
    'repair',
    'disposal',
  ] as const)('dissolves from %s', (phase) => {
    const { state } = given(...HISTORY[phase])
      .when(dissolve)
      .then([event('JointVentureDissolved', { reason: 'programme cancelled' })]);
    expect(state.status === 'existing' && state.phase).toBe('dissolved');
  });

  it('refuses to dissolve without a reason', () => {
    given(...HISTORY.production)
      .when(command('DissolveJointVenture', { reason: '  ' }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'reason' }] });
  });
});

describe('refused lifecycle transitions', () => {
  const cases: [Phase, JointVentureCommand, string[]][] = [
    [
      'established',
      startModernization,
      ['start-development', 'start-production', 'dissolve', ...COMMON],
    ],
    ['established', recordBatch, ['start-development', 'start-production', 'dissolve', ...COMMON]],
    ['development', startDisposal, ['start-production', 'dissolve', 'record-milestone', ...COMMON]],
    ['development', recordBatch, ['start-production', 'dissolve', 'record-milestone', ...COMMON]],
    [
      'production',
      startDevelopment,
      [
        'start-modernization',
        'start-repair',
        'start-disposal',
        'dissolve',
        'record-batch',
        ...COMMON,
      ],
    ],
    [
      'production',
      command('RecordMilestone', { name: 'Prototype', reachedOn: '2025-01-01' }),
      [
        'start-modernization',
        'start-repair',
        'start-disposal',
        'dissolve',
        'record-batch',
        ...COMMON,
      ],
    ],
    ['modernization', recordBatch, ['complete-modernization', 'dissolve', ...COMMON]],
    ['modernization', startRepair, ['complete-modernization', 'dissolve', ...COMMON]],
    ['repair', startDisposal, ['complete-repair', 'dissolve', ...COMMON]],
    [
      'repair',
      command('CompleteModernization', {
        productCode: TANK,
        fromVersion: 'a',
        toVersion: 'b',
        quantity: 1,
      }),
      ['complete-repair', 'dissolve', ...COMMON],
    ],
    ['disposal', recordBatch, ['complete-disposal', 'dissolve', 'record-disposal-lot', ...COMMON]],
    [
      'disposal',
      startProduction,
      ['complete-disposal', 'dissolve', 'record-disposal-lot', ...COMMON],
    ],
    ['closed', admitPartner, []],
    ['closed', dissolve, []],
    ['dissolved', dissolve, []],
    ['dissolved', startProduction, []],
  ];

  const titled = cases.map(([phase, cmd, allowed]) => [phase, cmd.type, cmd, allowed] as const);
  it.each(titled)('in %s refuses %s', (phase, _type, cmd, allowed) => {
    const error = given(...HISTORY[phase])
      .when(cmd)
      .thenThrows(IllegalTransitionError, { phase, allowed });
    expect(error.message).toContain(`in phase '${phase}'`);
  });

  it('says a terminal phase allows nothing', () => {
    const error = given(...HISTORY.closed)
      .when(recordBatch)
      .thenThrows(IllegalTransitionError);
    expect(error.message).toContain('none (terminal)');
  });
});

describe('purpose gates', () => {
  const without = (purpose: Purpose) => ALL_PURPOSES.filter((p) => p !== purpose);

  it('needs the development purpose to start development', () => {
    given(established(without('development')))
      .when(startDevelopment)
      .thenThrows(IllegalTransitionError, {
        command: 'start-development',
        phase: 'established',
        allowed: ['start-production', 'dissolve', ...COMMON],
      });
  });

  it('needs the production purpose to start production, from established or development', () => {
    const purposes = without('production');
    given(established(purposes))
      .when(startProduction)
      .thenThrows(IllegalTransitionError, {
        allowed: ['start-development', 'dissolve', ...COMMON],
      });
    given(established(purposes), phaseEvent('DevelopmentStarted'))
      .when(startProduction)
      .thenThrows(IllegalTransitionError, { allowed: ['dissolve', 'record-milestone', ...COMMON] });
  });

  it.each([
    ['modernization', startModernization, ['start-repair', 'start-disposal']],
    ['repair', startRepair, ['start-modernization', 'start-disposal']],
    ['disposal', startDisposal, ['start-modernization', 'start-repair']],
  ] as const)('needs the %s purpose to enter it from production', (purpose, cmd, others) => {
    given(established(without(purpose)), phaseEvent('ProductionStarted'))
      .when(cmd)
      .thenThrows(IllegalTransitionError, {
        phase: 'production',
        allowed: [...others, 'dissolve', 'record-batch', ...COMMON],
      });
  });

  it('lets a JV with only the production purpose produce and dissolve', () => {
    given(established(['production']))
      .when(startProduction)
      .then([phaseEvent('ProductionStarted')]);
    given(established(['production']), phaseEvent('ProductionStarted'))
      .when(startRepair)
      .thenThrows(IllegalTransitionError, { allowed: ['dissolve', 'record-batch', ...COMMON] });
  });
});
