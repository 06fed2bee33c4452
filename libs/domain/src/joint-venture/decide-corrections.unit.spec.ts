import {
  batch,
  command,
  existing,
  fact,
  given,
  HISTORY,
  ON,
  stageEvent,
  TANK,
  TODAY,
} from './decider.fixtures';
import { decide } from './decide';
import { InvalidCommandError, InvariantViolationError } from './errors';
import type { JointVentureEvent, ReversibleEventType } from './events';
import { stateAsOf } from './time-travel';

const reversal = (
  reversedVersion: number,
  reversedType: ReversibleEventType,
  effectiveOn = ON,
  reason = 'entered twice',
) =>
  fact(
    'FactReversed',
    { reversedVersion, reversedEventId: null, reversedType, reason },
    effectiveOn,
  );
const correct = (
  reverses: number,
  replacement?: Record<string, unknown>,
  reason = 'entered twice',
) => command('CorrectFact', { reverses, reason, ...(replacement ? { replacement } : {}) });
const withIds = (events: JointVentureEvent[]) =>
  events.map((e, i) => ({ ...e, id: `event-${i}`, revision: i }));

describe('reversing a batch', () => {
  const twice = [...HISTORY.production, batch(10, TANK, { batchReference: 'B-2' })];

  it('records that it does not count: the units it produced are gone, the fact stays in the history', () => {
    const { state } = given(...twice)
      .when(correct(3))
      .then([reversal(3, 'BatchProduced')]);
    expect(state.units[TANK]).toMatchObject({ produced: 10, inService: 10 });
    expect(state.facts.find((f) => f.version === 3)).toMatchObject({ reversed: true });
    expect(state.version).toBe(4);
  });

  it('names the reversed event by its id when the events were folded with their ids', () => {
    const [reversed] = decide(correct(3), existing(...withIds(twice)));
    expect(reversed).toMatchObject({ data: { reversedVersion: 3, reversedEventId: 'event-3' } });
  });

  it('records the corrected replacement in the same append, under the freed reference', () => {
    const replacement = {
      productCode: TANK,
      quantity: 8,
      batchReference: 'B-2',
      producedOn: '2024-01-11',
    };
    const { state } = given(...twice)
      .when(correct(3, replacement, 'quantity was 8'))
      .then([
        reversal(3, 'BatchProduced', ON, 'quantity was 8'),
        fact('BatchProduced', { ...replacement, productVersion: null }, '2024-01-11'),
      ]);
    expect(state.units[TANK]).toMatchObject({ produced: 18, inService: 18 });
  });

  it('refuses a reversal that would leave later facts without their units', () => {
    // The 10 tanks of the first batch were all disposed of: they cannot have never existed.
    given(
      ...HISTORY.disposal,
      fact(
        'UnitsDisposed',
        { productCode: TANK, productVersion: null, quantity: 10, method: 'scrapping' },
        '2024-02-01',
      ),
    )
      .when(correct(2))
      .thenThrows(InvariantViolationError, {
        violations: [
          expect.objectContaining({
            field: 'reverses',
            message: expect.stringMatching(/^as of 2024-02-01, /),
          }),
        ],
      });
  });
});

describe('reversing other facts', () => {
  it('reverses a disposal lot: the units are back in service', () => {
    const lot = fact(
      'UnitsDisposed',
      { productCode: TANK, productVersion: null, quantity: 4, method: 'scrapping' },
      '2024-02-01',
    );
    const { state } = given(...HISTORY.disposal, lot)
      .when(correct(4))
      .then([reversal(4, 'UnitsDisposed', '2024-02-01')]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, disposed: 0 });
  });

  it('reverses a milestone and records its replacement', () => {
    const milestone = fact(
      'DevelopmentMilestoneReached',
      { name: 'Prototype', reachedOn: '2024-05-01' },
      '2024-05-01',
    );
    const { state } = given(...HISTORY.development, milestone)
      .when(correct(2, { name: 'Prototype', reachedOn: '2024-04-01' }, 'wrong date'))
      .then([
        reversal(2, 'DevelopmentMilestoneReached', '2024-05-01', 'wrong date'),
        fact(
          'DevelopmentMilestoneReached',
          { name: 'Prototype', reachedOn: '2024-04-01' },
          '2024-04-01',
        ),
      ]);
    expect(state.milestones).toEqual([{ name: 'Prototype', reachedOn: '2024-04-01', version: 4 }]);
  });

  it('reverses work-order progress while the order is open', () => {
    const order = fact(
      'WorkOrderOpened',
      {
        workOrderId: 'WO-1',
        kind: 'repair',
        units: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 4 },
      },
      ON,
    );
    const progress = fact(
      'WorkOrderProgressed',
      {
        workOrderId: 'WO-1',
        kind: 'repair',
        productCode: TANK,
        fromVersion: null,
        toVersion: null,
        upgraded: 0,
        repaired: 1,
        writtenOff: 3,
      },
      ON,
    );
    const { state } = given(...HISTORY.production, order, progress)
      .when(correct(4, { repaired: 3, writtenOff: 1 }, 'three were repaired'))
      .then([
        reversal(4, 'WorkOrderProgressed', ON, 'three were repaired'),
        fact('WorkOrderProgressed', {
          workOrderId: 'WO-1',
          kind: 'repair',
          productCode: TANK,
          fromVersion: null,
          toVersion: null,
          upgraded: 0,
          repaired: 3,
          writtenOff: 1,
        }),
      ]);
    expect(state.units[TANK]).toMatchObject({
      inService: 9,
      inRepair: 0,
      writtenOff: 1,
      repaired: 3,
    });
    expect(state.workOrders[0]).toMatchObject({ held: 0, repaired: 3, writtenOff: 1 });
  });
});

describe('what cannot be reversed', () => {
  it.each([
    [
      'a stage transition',
      1,
      'version 1 is not a batch, a disposal lot, a milestone or work-order progress: only those can be reversed',
    ],
    [
      'the establishment',
      0,
      'version 0 is not a batch, a disposal lot, a milestone or work-order progress: only those can be reversed',
    ],
    ['a version the JV does not have', 9, 'must be a version of this joint venture, 0 to 2'],
  ])('refuses %s', (_, reverses, message) => {
    given(...HISTORY.production)
      .when(correct(reverses))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'reverses', message }] });
  });

  it('refuses a fact already reversed, and a reversal without a reason', () => {
    given(...HISTORY.production, reversal(2, 'BatchProduced'))
      .when(correct(2))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'reverses', message: 'version 2 is already reversed' }],
      });
    given(...HISTORY.production)
      .when(correct(2, undefined, ' '))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'reason' }] });
  });

  it('refuses to reverse the progress of an order that is finished', () => {
    const order = fact(
      'WorkOrderOpened',
      {
        workOrderId: 'WO-1',
        kind: 'repair',
        units: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 4 },
      },
      ON,
    );
    const progress = fact(
      'WorkOrderProgressed',
      {
        workOrderId: 'WO-1',
        kind: 'repair',
        productCode: TANK,
        fromVersion: null,
        toVersion: null,
        upgraded: 0,
        repaired: 4,
        writtenOff: 0,
      },
      ON,
    );
    const done = fact(
      'WorkOrderCompleted',
      {
        workOrderId: 'WO-1',
        kind: 'repair',
        productCode: TANK,
        fromVersion: null,
        returned: 0,
        handled: null,
      },
      ON,
    );
    given(...HISTORY.production, order, progress, done)
      .when(correct(4))
      .thenThrows(InvalidCommandError, {
        violations: [
          { field: 'reverses', message: 'work order WO-1 is completed: its progress stands' },
        ],
      });
  });

  it('checks the replacement as its own command would, naming its fields', () => {
    given(...HISTORY.production)
      .when(
        correct(2, {
          productCode: TANK,
          quantity: 0,
          batchReference: 'B-1',
          producedOn: '2099-01-01',
          method: 'x',
        }),
      )
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'replacement.method', message: 'is not a field of RecordBatch' }],
      });
    const error = given(...HISTORY.production)
      .when(
        correct(2, {
          productCode: TANK,
          quantity: 0,
          batchReference: 'B-1',
          producedOn: '2099-01-01',
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(error.violations.map((v) => v.field)).toEqual([
      'replacement.quantity',
      'replacement.producedOn',
    ]);
  });

  it('corrects in any non-terminal stage, even a batch once production is over', () => {
    given(...HISTORY.disposal)
      .when(
        correct(
          2,
          { productCode: TANK, quantity: 9, batchReference: 'B-1', producedOn: ON },
          'one was a prototype',
        ),
      )
      .then([
        reversal(2, 'BatchProduced', ON, 'one was a prototype'),
        fact(
          'BatchProduced',
          {
            productCode: TANK,
            productVersion: null,
            quantity: 9,
            batchReference: 'B-1',
            producedOn: ON,
          },
          ON,
        ),
      ]);
    given(...HISTORY.closed)
      .when(correct(1))
      .thenThrows(Error);
  });
});

describe('a reversal seen through time', () => {
  const history = [
    ...HISTORY.production,
    batch(5, TANK, { batchReference: 'B-2', producedOn: '2024-03-01' }),
    stageEvent('DisposalStarted', TODAY),
    reversal(3, 'BatchProduced', '2024-03-01'),
  ];
  const producedAsOf = (events: JointVentureEvent[], date: string) => {
    const state = stateAsOf(events, date);
    return state.status === 'existing' ? state.units[TANK].produced : undefined;
  };

  it('takes the reversed fact out of every date on which it counted', () => {
    expect(['2024-02-01', '2024-03-01', TODAY].map((d) => producedAsOf(history, d))).toEqual([
      10, 10, 10,
    ]);
  });

  it('leaves what the ledger knew before the reversal as it was', () => {
    const knownBefore = history.slice(0, 5);
    expect(['2024-02-01', '2024-03-01', TODAY].map((d) => producedAsOf(knownBefore, d))).toEqual([
      10, 15, 15,
    ]);
  });
});
