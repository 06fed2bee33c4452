import type { JointVentureCommand } from './commands';
import {
  ALL_PURPOSES,
  command,
  establishData,
  established,
  fact,
  given,
  HISTORY,
  KZ_PARTNER,
  ON,
  stageEvent,
  TANK,
  TODAY,
} from './decider.fixtures';
import {
  IllegalTransitionError,
  InvalidCommandError,
  InvariantViolationError,
  JointVentureAlreadyExistsError,
  JointVentureNotFoundError,
} from './errors';
import type { JointVentureEvent } from './events';
import type { Stage } from './stages';
import type { Purpose } from './values';

const COMMON = [
  'correct-fact',
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
];
const UPKEEP = ['record-work-order-progress', 'complete-work-order', 'cancel-work-order'];
const PRODUCTION = [
  'record-batch',
  'open-modernization-order',
  'open-repair-order',
  ...UPKEEP,
  ...COMMON,
];

const startDevelopment = command('StartDevelopment', {});
const startProduction = command('StartProduction', {});
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
  it('records the establishment, effective on its decision date', () => {
    const { state } = given()
      .when(command('EstablishJointVenture', establishData()))
      .then([established()]);
    expect(state).toMatchObject({
      status: 'existing',
      stage: 'established',
      stageSince: '2021-05-20',
      version: 0,
    });
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

describe('allowed stage transitions', () => {
  type Case = {
    from: keyof typeof HISTORY;
    cmd: JointVentureCommand;
    expected: JointVentureEvent[];
    to: Stage;
  };
  const cases: Case[] = [
    {
      from: 'established',
      cmd: startDevelopment,
      expected: [stageEvent('DevelopmentStarted', TODAY)],
      to: 'development',
    },
    {
      from: 'established',
      cmd: startProduction,
      expected: [stageEvent('ProductionStarted', TODAY)],
      to: 'production',
    },
    {
      from: 'development',
      cmd: startProduction,
      expected: [stageEvent('ProductionStarted', TODAY)],
      to: 'production',
    },
    {
      from: 'production',
      cmd: startDisposal,
      expected: [stageEvent('DisposalStarted', TODAY)],
      to: 'disposal',
    },
    {
      from: 'disposal',
      cmd: completeDisposal,
      expected: [stageEvent('DisposalCompleted', TODAY)],
      to: 'closed',
    },
  ];

  it.each(cases)(
    '$from: $cmd.type leads to $to, effective today',
    ({ from, cmd, expected, to }) => {
      const { state } = given(...HISTORY[from])
        .when(cmd)
        .then(expected);
      expect([state.stage, state.stageSince]).toEqual([to, TODAY]);
    },
  );

  it('takes effect on the date the command names', () => {
    const { state } = given(...HISTORY.production)
      .when(command('StartDisposal', { effectiveOn: '2024-06-30' }))
      .then([stageEvent('DisposalStarted', '2024-06-30')]);
    expect(state.stageSince).toBe('2024-06-30');
  });

  it('refuses a transition dated before the stage it leaves began', () => {
    given(...HISTORY.production)
      .when(command('StartDisposal', { effectiveOn: '2024-01-09' }))
      .thenThrows(InvalidCommandError, {
        violations: [
          {
            field: 'effectiveOn',
            message: 'must not lie before 2024-01-10, when the production stage began',
          },
        ],
      });
  });

  it.each([
    [
      'a date before the decision',
      '2021-05-19',
      'must not lie before the decision date 2021-05-20',
    ],
    ['a date after tomorrow', '2025-03-03', 'must not lie in the future (today is 2025-03-01)'],
    ['a day that does not exist', '2025-02-29', 'must be a date as YYYY-MM-DD'],
    ['an instant', '2025-02-01T10:00:00Z', 'must be a date as YYYY-MM-DD'],
  ])('refuses %s as the effective date', (_, effectiveOn, message) => {
    given(...HISTORY.established)
      .when(command('StartDevelopment', { effectiveOn }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'effectiveOn', message }] });
  });

  it('accepts tomorrow, for time zones ahead of UTC', () => {
    given(...HISTORY.established)
      .when(command('StartDevelopment', { effectiveOn: '2025-03-02' }))
      .then([stageEvent('DevelopmentStarted', '2025-03-02')]);
  });

  it('refuses to close while a work order is open', () => {
    const open = fact('WorkOrderOpened', { workOrderId: 'WO-1', kind: 'repair', units: null }, ON);
    given(...HISTORY.disposal, open)
      .when(completeDisposal)
      .thenThrows(InvariantViolationError, {
        violations: [{ field: 'workOrders', message: 'cannot close with open work orders: WO-1' }],
      });
  });

  it.each(['established', 'development', 'production', 'disposal'] as const)(
    'dissolves from %s',
    (stage) => {
      const { state } = given(...HISTORY[stage])
        .when(dissolve)
        .then([fact('JointVentureDissolved', { reason: 'programme cancelled' })]);
      expect(state.stage).toBe('dissolved');
    },
  );

  it('refuses to dissolve without a reason', () => {
    given(...HISTORY.production)
      .when(command('DissolveJointVenture', { reason: '  ' }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'reason' }] });
  });
});

describe('refused stage transitions', () => {
  const cases: [Stage, JointVentureCommand, string[]][] = [
    [
      'established',
      startDisposal,
      ['start-development', 'start-production', 'dissolve', ...COMMON],
    ],
    ['established', recordBatch, ['start-development', 'start-production', 'dissolve', ...COMMON]],
    ['development', startDisposal, ['start-production', 'dissolve', 'record-milestone', ...COMMON]],
    ['development', recordBatch, ['start-production', 'dissolve', 'record-milestone', ...COMMON]],
    ['production', startDevelopment, ['start-disposal', 'dissolve', ...PRODUCTION]],
    [
      'production',
      command('RecordMilestone', { name: 'Prototype', reachedOn: '2025-01-01' }),
      ['start-disposal', 'dissolve', ...PRODUCTION],
    ],
    [
      'disposal',
      recordBatch,
      ['complete-disposal', 'dissolve', 'record-disposal-lot', ...UPKEEP, ...COMMON],
    ],
    [
      'disposal',
      startProduction,
      ['complete-disposal', 'dissolve', 'record-disposal-lot', ...UPKEEP, ...COMMON],
    ],
    ['closed', admitPartner, []],
    ['closed', dissolve, []],
    ['dissolved', dissolve, []],
    ['dissolved', startProduction, []],
  ];

  const titled = cases.map(([stage, cmd, allowed]) => [stage, cmd.type, cmd, allowed] as const);
  it.each(titled)('in %s refuses %s', (stage, _type, cmd, allowed) => {
    const error = given(...HISTORY[stage])
      .when(cmd)
      .thenThrows(IllegalTransitionError, { stage, allowed });
    expect(error.message).toContain(`in stage '${stage}'`);
  });

  it('says a terminal stage allows nothing', () => {
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
        stage: 'established',
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
    given(established(purposes), stageEvent('DevelopmentStarted'))
      .when(startProduction)
      .thenThrows(IllegalTransitionError, { allowed: ['dissolve', 'record-milestone', ...COMMON] });
  });

  it('needs the disposal purpose to start disposal', () => {
    given(established(without('disposal')), stageEvent('ProductionStarted'))
      .when(startDisposal)
      .thenThrows(IllegalTransitionError, {
        stage: 'production',
        allowed: ['dissolve', ...PRODUCTION],
      });
  });

  it.each([
    ['modernization', 'open-repair-order'],
    ['repair', 'open-modernization-order'],
  ] as const)('needs the %s purpose to open such a work order', (kind, other) => {
    const open = command('OpenWorkOrder', {
      workOrderId: 'WO-1',
      kind,
      productCode: TANK,
      quantity: 1,
      toVersion: kind === 'modernization' ? 'M' : undefined,
    });
    given(
      established(without(kind)),
      stageEvent('ProductionStarted'),
      fact(
        'BatchProduced',
        {
          productCode: TANK,
          productVersion: null,
          quantity: 2,
          batchReference: 'B',
          producedOn: ON,
        },
        ON,
      ),
    )
      .when(open)
      .thenThrows(IllegalTransitionError, {
        command: `open-${kind}-order`,
        allowed: ['start-disposal', 'dissolve', 'record-batch', other, ...UPKEEP, ...COMMON],
      });
  });

  it('lets a JV with only the production purpose produce and dissolve', () => {
    given(established(['production']))
      .when(startProduction)
      .then([stageEvent('ProductionStarted', TODAY)]);
    given(established(['production']), stageEvent('ProductionStarted'))
      .when(command('StartOpenEndedWorkOrder', { workOrderId: 'WO-1', kind: 'repair' }))
      .thenThrows(IllegalTransitionError, {
        allowed: ['dissolve', 'record-batch', ...UPKEEP, ...COMMON],
      });
  });

  it('refuses a work-order kind it does not know, naming the field', () => {
    given(...HISTORY.production)
      .when(
        command('OpenWorkOrder', {
          workOrderId: 'WO-1',
          kind: 'overhaul' as never,
          productCode: TANK,
          quantity: 1,
        }),
      )
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'kind', message: 'must be one of modernization, repair' }],
      });
  });
});
