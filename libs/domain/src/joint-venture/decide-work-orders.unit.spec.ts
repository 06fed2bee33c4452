import {
  batch,
  CHASSIS,
  command,
  established,
  fact,
  given,
  HISTORY,
  ON,
  stageEvent,
  TANK,
  TODAY,
} from './decider.fixtures';
import { IllegalTransitionError, InvalidCommandError, InvariantViolationError } from './errors';
import type { WorkOrderUnits } from './events';
import type { WorkOrderKind } from './values';

const units = (quantity: number, extra: Partial<WorkOrderUnits> = {}): WorkOrderUnits => ({
  productCode: TANK,
  fromVersion: null,
  toVersion: null,
  quantity,
  ...extra,
});
const opened = (
  workOrderId: string,
  kind: WorkOrderKind,
  scope: WorkOrderUnits | null,
  on = TODAY,
) => fact('WorkOrderOpened', { workOrderId, kind, units: scope }, on);
const modernization = (workOrderId: string, quantity: number, on = TODAY) =>
  opened(workOrderId, 'modernization', units(quantity, { toVersion: 'B3M' }), on);
const repair = (workOrderId: string, quantity: number, on = TODAY) =>
  opened(workOrderId, 'repair', units(quantity), on);
const open = (data: object) =>
  command('OpenWorkOrder', {
    workOrderId: 'WO-1',
    kind: 'modernization',
    productCode: TANK,
    quantity: 4,
    toVersion: 'B3M',
    ...data,
  } as never);
const progress = (workOrderId: string, counts: object, effectiveOn?: string) =>
  command('RecordWorkOrderProgress', {
    workOrderId,
    ...counts,
    ...(effectiveOn ? { effectiveOn } : {}),
  });
const progressed = (
  workOrderId: string,
  kind: WorkOrderKind,
  counts: Partial<Record<'upgraded' | 'repaired' | 'writtenOff', number>>,
  on = TODAY,
) =>
  fact(
    'WorkOrderProgressed',
    {
      workOrderId,
      kind,
      productCode: TANK,
      fromVersion: null,
      toVersion: kind === 'modernization' ? 'B3M' : null,
      upgraded: 0,
      repaired: 0,
      writtenOff: 0,
      ...counts,
    },
    on,
  );
const versions = (state: {
  units: Record<
    string,
    { versions: readonly { version: string | null; inService: number; inModernization: number }[] }
  >;
}) => state.units[TANK].versions.map((v) => [v.version, v.inService, v.inModernization]);

describe('opening a work order', () => {
  it('takes the units of a modernization programme out of service', () => {
    const { state } = given(...HISTORY.production)
      .when(open({}))
      .then([modernization('WO-1', 4)]);
    expect(state.units[TANK]).toMatchObject({ produced: 10, inService: 6, inModernization: 4 });
    expect(state.workOrders).toEqual([
      expect.objectContaining({ workOrderId: 'WO-1', status: 'open', openedOn: TODAY, held: 4 }),
    ]);
  });

  it('takes the units of a repair order out of service, of the version it names', () => {
    const history = [
      ...HISTORY.production,
      batch(5, TANK, { batchReference: 'B-2', productVersion: 'B3M' }),
    ];
    const { state } = given(...history)
      .when(open({ kind: 'repair', fromVersion: 'B3M', toVersion: undefined, quantity: 2 }))
      .then([opened('WO-1', 'repair', units(2, { fromVersion: 'B3M' }))]);
    expect(state.units[TANK]).toMatchObject({ inService: 13, inRepair: 2 });
  });

  it('runs several orders at once, on the same and on other product lines, within the units available', () => {
    const history = [
      ...HISTORY.production,
      batch(3, CHASSIS, { batchReference: 'C-1' }),
      modernization('WO-1', 4),
    ];
    const { state } = given(...history)
      .when(open({ workOrderId: 'WO-2', kind: 'repair', toVersion: undefined, quantity: 6 }))
      .then([repair('WO-2', 6)]);
    expect(state.units[TANK]).toMatchObject({ inService: 0, inModernization: 4, inRepair: 6 });
    given(...history, repair('WO-2', 6))
      .when(
        open({
          workOrderId: 'WO-3',
          kind: 'repair',
          toVersion: undefined,
          productCode: CHASSIS,
          quantity: 3,
        }),
      )
      .then([opened('WO-3', 'repair', units(3, { productCode: CHASSIS }))]);
    given(...history, repair('WO-2', 6))
      .when(open({ workOrderId: 'WO-3', kind: 'repair', toVersion: undefined, quantity: 1 }))
      .thenThrows(InvariantViolationError, {
        violations: [
          {
            field: 'quantity',
            message: 'cannot repair 1 units of T-72B3 of unrecorded version: 0 in service',
          },
        ],
      });
  });

  it('refuses more units than are in service at the version it names', () => {
    given(...HISTORY.production)
      .when(open({ quantity: 11 }))
      .thenThrows(InvariantViolationError, {
        violations: [
          {
            field: 'quantity',
            message: 'cannot modernize 11 units of T-72B3 of unrecorded version: 10 in service',
          },
        ],
      });
    given(...HISTORY.production)
      .when(open({ fromVersion: 'B3', quantity: 1 }))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot modernize 1 units of T-72B3 B3: 0 in service' },
        ],
      });
  });

  it('refuses an id in use, an unknown product, a missing or equal target version, and no quantity, together', () => {
    const error = given(...HISTORY.production, modernization('WO-1', 1))
      .when(open({ productCode: 'SU-30', fromVersion: 'M', toVersion: 'M', quantity: 0 }))
      .thenThrows(InvalidCommandError);
    expect(error.violations.map((v) => v.field)).toEqual([
      'workOrderId',
      'productCode',
      'quantity',
      'toVersion',
    ]);
    given(...HISTORY.production)
      .when(open({ toVersion: undefined }))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'toVersion', message: 'must not be empty' }],
      });
  });

  it('refuses a target version for a repair', () => {
    given(...HISTORY.production)
      .when(open({ kind: 'repair' }))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'toVersion', message: 'a repair keeps the version: give none' }],
      });
  });

  it('opens only during production', () => {
    given(...HISTORY.disposal)
      .when(open({}))
      .thenThrows(IllegalTransitionError, {
        command: 'open-modernization-order',
        stage: 'disposal',
      });
  });

  it('refuses a backdated order that takes units a later fact had already used', () => {
    // Opened in production, back on 2024-03-01: by 2024-06-01 the 8 units disposed of would be missing.
    given(
      ...HISTORY.production,
      fact(
        'UnitsDisposed',
        { productCode: TANK, productVersion: null, quantity: 8, method: 'scrapping' },
        '2024-06-01',
      ),
    )
      .when(open({ quantity: 4, effectiveOn: '2024-03-01' }))
      .thenThrows(InvariantViolationError, {
        violations: [
          expect.objectContaining({
            message: expect.stringMatching(
              /^as of 2024-06-01, T-72B3 of unrecorded version: inService is -2/,
            ),
          }),
        ],
      });
  });
});

describe('recording work-order progress', () => {
  const withModernization = [...HISTORY.production, modernization('WO-1', 4, ON)];
  const withRepair = [...HISTORY.production, repair('WO-2', 3, ON)];

  it('returns upgraded units to service at the target version', () => {
    const { state } = given(...withModernization)
      .when(progress('WO-1', { upgraded: 3 }))
      .then([progressed('WO-1', 'modernization', { upgraded: 3 })]);
    expect(versions(state)).toEqual([
      [null, 6, 1],
      ['B3M', 3, 0],
    ]);
    expect(state.units[TANK]).toMatchObject({ inService: 9, inModernization: 1, upgraded: 3 });
    expect(state.workOrders[0]).toMatchObject({ held: 1, upgraded: 3 });
  });

  it('writes off units of a modernization', () => {
    const { state } = given(...withModernization)
      .when(progress('WO-1', { upgraded: 2, writtenOff: 2 }))
      .then([progressed('WO-1', 'modernization', { upgraded: 2, writtenOff: 2 })]);
    expect(state.units[TANK]).toMatchObject({
      produced: 10,
      inService: 8,
      writtenOff: 2,
      inModernization: 0,
    });
  });

  it('returns repaired units to service and writes off the rest', () => {
    const { state } = given(...withRepair)
      .when(progress('WO-2', { repaired: 2, writtenOff: 1 }))
      .then([progressed('WO-2', 'repair', { repaired: 2, writtenOff: 1 })]);
    expect(state.units[TANK]).toMatchObject({
      inService: 9,
      inRepair: 0,
      writtenOff: 1,
      repaired: 2,
    });
  });

  it('refuses more units than the order holds', () => {
    given(...withModernization, progressed('WO-1', 'modernization', { upgraded: 3 }, ON))
      .when(progress('WO-1', { upgraded: 2 }))
      .thenThrows(InvariantViolationError, {
        violations: [{ field: 'upgraded', message: 'work order WO-1 holds 1 units, not 2' }],
      });
  });

  it('refuses what the kind of order does not do, and progress of nothing', () => {
    given(...withModernization)
      .when(progress('WO-1', { repaired: 1 }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'repaired' }] });
    given(...withRepair)
      .when(progress('WO-2', { upgraded: 1 }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'upgraded' }] });
    given(...withRepair)
      .when(progress('WO-2', { repaired: 0 }))
      .thenThrows(InvalidCommandError, {
        violations: [
          {
            field: 'upgraded',
            message: 'name at least one unit upgraded, repaired or written off',
          },
        ],
      });
    given(...withRepair)
      .when(progress('WO-2', { repaired: -1, writtenOff: 1.5 }))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'repaired' }, { field: 'writtenOff' }],
      });
  });

  it('refuses an unknown order, a closed one and an open-ended one', () => {
    given(...withRepair)
      .when(progress('WO-9', { repaired: 1 }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'workOrderId' }] });
    given(
      ...withRepair,
      fact(
        'WorkOrderCancelled',
        {
          workOrderId: 'WO-2',
          kind: 'repair',
          productCode: TANK,
          fromVersion: null,
          returned: 3,
          reason: null,
        },
        ON,
      ),
    )
      .when(progress('WO-2', { repaired: 1 }))
      .thenThrows(InvariantViolationError, {
        violations: [{ field: 'workOrderId', message: 'work order WO-2 is cancelled' }],
      });
    given(...HISTORY.production, opened('WO-3', 'repair', null, ON))
      .when(progress('WO-3', { repaired: 1 }))
      .thenThrows(InvalidCommandError, {
        violations: [
          {
            field: 'workOrderId',
            message: 'an open-ended work order names its units when it completes',
          },
        ],
      });
  });

  it('refuses progress dated before the order opened', () => {
    given(...withRepair)
      .when(progress('WO-2', { repaired: 1 }, '2024-01-09'))
      .thenThrows(InvalidCommandError, {
        violations: [
          {
            field: 'effectiveOn',
            message: "must not lie before 2024-01-10, the work order's last recorded activity",
          },
        ],
      });
  });

  it('goes on during the wind-down', () => {
    given(...withRepair, stageEvent('DisposalStarted'))
      .when(progress('WO-2', { repaired: 3 }))
      .then([progressed('WO-2', 'repair', { repaired: 3 })]);
  });
});

describe('completing and cancelling a work order', () => {
  const withModernization = [
    ...HISTORY.production,
    modernization('WO-1', 4, ON),
    progressed('WO-1', 'modernization', { upgraded: 3 }, ON),
  ];
  const closing = {
    workOrderId: 'WO-1',
    kind: 'modernization' as const,
    productCode: TANK,
    fromVersion: null,
  };

  it('completes, returning the units it still held unchanged', () => {
    const { state } = given(...withModernization)
      .when(command('CompleteWorkOrder', { workOrderId: 'WO-1' }))
      .then([fact('WorkOrderCompleted', { ...closing, returned: 1, handled: null })]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, inModernization: 0, upgraded: 3 });
    expect(state.workOrders[0]).toMatchObject({
      status: 'completed',
      closedOn: TODAY,
      held: 0,
      returned: 1,
    });
  });

  it('cancels, returning every unit it held, with a reason', () => {
    const { state } = given(...HISTORY.production, modernization('WO-1', 4, ON))
      .when(command('CancelWorkOrder', { workOrderId: 'WO-1', reason: 'budget withdrawn' }))
      .then([fact('WorkOrderCancelled', { ...closing, returned: 4, reason: 'budget withdrawn' })]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, inModernization: 0 });
    expect(state.workOrders[0].status).toBe('cancelled');
  });

  it('refuses to close an order twice, or before its last progress', () => {
    const done = fact('WorkOrderCompleted', { ...closing, returned: 1, handled: null }, ON);
    given(...withModernization, done)
      .when(command('CancelWorkOrder', { workOrderId: 'WO-1' }))
      .thenThrows(InvariantViolationError, {
        violations: [{ message: 'work order WO-1 is completed' }],
      });
    given(
      ...HISTORY.production,
      modernization('WO-1', 4, ON),
      progressed('WO-1', 'modernization', { upgraded: 3 }, '2024-02-01'),
    )
      .when(command('CompleteWorkOrder', { workOrderId: 'WO-1', effectiveOn: '2024-01-31' }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'effectiveOn' }] });
  });

  it('lets the JV close once its last order is finished', () => {
    const wound = [...withModernization, stageEvent('DisposalStarted')];
    given(...wound)
      .when(command('CompleteDisposal', {}))
      .thenThrows(InvariantViolationError);
    given(...wound, fact('WorkOrderCompleted', { ...closing, returned: 1, handled: null }, ON))
      .when(command('CompleteDisposal', {}))
      .then([stageEvent('DisposalCompleted', TODAY)]);
  });
});

describe('open-ended work orders (the deprecated modernization/* and repair/* routes)', () => {
  const start = (kind: WorkOrderKind) =>
    command('StartOpenEndedWorkOrder', { workOrderId: 'WO-1', kind });
  const finish = (data: object) =>
    command('CompleteOpenEndedWorkOrder', {
      kind: 'modernization',
      productCode: TANK,
      fromVersion: 'v1',
      toVersion: 'v2',
      quantity: 4,
      ...data,
    } as never);
  const handled = (quantity: number) => ({
    productCode: TANK,
    fromVersion: 'v1',
    toVersion: 'v2',
    quantity,
  });
  const completion = (quantity: number) =>
    fact('WorkOrderCompleted', {
      workOrderId: 'WO-1',
      kind: 'modernization',
      productCode: null,
      fromVersion: null,
      returned: 0,
      handled: handled(quantity),
    });

  it('starts one without taking units out of service', () => {
    const { state } = given(...HISTORY.production)
      .when(start('modernization'))
      .then([opened('WO-1', 'modernization', null)]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, inModernization: 0 });
  });

  it('allows one of each kind at a time', () => {
    given(...HISTORY.production, opened('WO-1', 'modernization', null))
      .when(command('StartOpenEndedWorkOrder', { workOrderId: 'WO-2', kind: 'modernization' }))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'kind', message: 'modernization is already under way (work order WO-1)' },
        ],
      });
    given(...HISTORY.production, opened('WO-1', 'modernization', null))
      .when(command('StartOpenEndedWorkOrder', { workOrderId: 'WO-2', kind: 'repair' }))
      .then([opened('WO-2', 'repair', null)]);
  });

  it('completes by upgrading units that stayed in service, of whatever version they were', () => {
    const { state } = given(...HISTORY.production, opened('WO-1', 'modernization', null, ON))
      .when(finish({}))
      .then([completion(4)]);
    expect(versions(state)).toEqual([
      [null, 6, 0],
      ['v2', 4, 0],
    ]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, upgraded: 4 });
    expect(state.workOrders[0]).toMatchObject({ status: 'completed', handled: handled(4) });
  });

  it('completes a repair by counting the units repaired in service', () => {
    const { state } = given(...HISTORY.production, opened('WO-1', 'repair', null, ON))
      .when(
        command('CompleteOpenEndedWorkOrder', { kind: 'repair', productCode: TANK, quantity: 3 }),
      )
      .then([
        fact('WorkOrderCompleted', {
          workOrderId: 'WO-1',
          kind: 'repair',
          productCode: null,
          fromVersion: null,
          returned: 0,
          handled: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 3 },
        }),
      ]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, repaired: 3 });
  });

  it('refuses a completion with nothing under way, more units than in service, and equal versions', () => {
    given(...HISTORY.production)
      .when(finish({}))
      .thenThrows(InvariantViolationError, { violations: [{ field: 'kind' }] });
    given(...HISTORY.production, opened('WO-1', 'modernization', null, ON))
      .when(finish({ quantity: 11 }))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot modernize 11 units of T-72B3: 10 in service' },
        ],
      });
    const error = given(...HISTORY.production, opened('WO-1', 'modernization', null, ON))
      .when(finish({ fromVersion: '', toVersion: '', quantity: 0, productCode: 'SU-30' }))
      .thenThrows(InvalidCommandError);
    expect(error.violations.map((v) => v.field)).toEqual([
      'fromVersion',
      'toVersion',
      'quantity',
      'productCode',
    ]);
  });

  it('runs beside orders with units', () => {
    const { state } = given(
      ...HISTORY.production,
      modernization('WO-2', 4, ON),
      opened('WO-1', 'modernization', null, ON),
    )
      .when(finish({ quantity: 6 }))
      .then([completion(6)]);
    expect(state.units[TANK]).toMatchObject({ inService: 6, inModernization: 4 });
  });

  it('needs the purpose, as the old phase did', () => {
    given(established(['production']), stageEvent('ProductionStarted'))
      .when(start('modernization'))
      .thenThrows(IllegalTransitionError);
  });
});
