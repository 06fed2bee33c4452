import { batch, established, existing, fact, ON, stageEvent, TANK } from './decider.fixtures';
import { NO_UNITS, takeFromService, unitProblems, type ProductUnits } from './units';

const product = (rows: [string | null, number][]): ProductUnits =>
  existing(
    established(),
    stageEvent('ProductionStarted'),
    ...rows.map(([productVersion, quantity], i) =>
      batch(quantity, TANK, { batchReference: `B-${i}`, productVersion }),
    ),
  ).units[TANK];

describe('taking units from service without an exact version', () => {
  it('takes the preferred version first, then units of unrecorded version, then the others in order', () => {
    const units = product([
      ['B3', 2],
      [null, 3],
      ['B3M', 4],
      ['B3M2', 5],
    ]);
    expect(takeFromService(units, 8, 'B3M')).toEqual([
      { version: 'B3M', quantity: 4 },
      { version: null, quantity: 3 },
      { version: 'B3', quantity: 1 },
    ]);
    expect(takeFromService(units, 6)).toEqual([
      { version: null, quantity: 3 },
      { version: 'B3', quantity: 2 },
      { version: 'B3M', quantity: 1 },
    ]);
  });

  it('never takes the version being upgraded to', () => {
    const units = product([
      [null, 1],
      ['v2', 5],
    ]);
    expect(takeFromService(units, 3, 'v1', 'v2')).toEqual([
      { version: null, quantity: 1 },
      { version: 'v1', quantity: 2 },
    ]);
  });

  it('takes what is missing from the preferred version, where the invariant shows it', () => {
    expect(takeFromService(product([[null, 2]]), 5)).toEqual([
      { version: null, quantity: 2 },
      { version: null, quantity: 3 },
    ]);
  });
});

describe('the unit invariant', () => {
  it('holds for units counted by evolve', () => {
    const state = existing(
      established(),
      stageEvent('ProductionStarted'),
      batch(10),
      fact(
        'WorkOrderOpened',
        {
          workOrderId: 'W',
          kind: 'modernization',
          units: { productCode: TANK, fromVersion: null, toVersion: 'M', quantity: 5 },
        },
        ON,
      ),
      fact(
        'WorkOrderProgressed',
        {
          workOrderId: 'W',
          kind: 'modernization',
          productCode: TANK,
          fromVersion: null,
          toVersion: 'M',
          upgraded: 3,
          repaired: 0,
          writtenOff: 1,
        },
        ON,
      ),
    );
    expect(unitProblems(state.units)).toEqual([]);
  });

  it('names negative counts, versions that do not add up, and totals that are not their sums', () => {
    const row = {
      version: 'M',
      produced: 1,
      upgradedIn: 0,
      upgradedOut: 0,
      inService: 3,
      inRepair: -1,
      inModernization: 0,
      writtenOff: 0,
      disposed: 0,
    };
    const units = {
      [TANK]: { ...NO_UNITS, produced: 1, inService: 4, inRepair: -1, versions: [row] },
    };
    expect(unitProblems(units)).toEqual([
      'T-72B3 M: inRepair is -1',
      'T-72B3 M: units do not add up',
      'T-72B3: inService is 4, its versions add up to 3',
    ]);
    const uneven = { ...row, inService: 1, inRepair: 0, produced: 0, upgradedIn: 1 };
    // Adds up per version, but a unit arrived by modernization that no version gave up.
    expect(
      unitProblems({ [TANK]: { ...NO_UNITS, inService: 1, upgraded: 1, versions: [uneven] } }),
    ).toEqual(['T-72B3: 1 units upgraded in, 0 out']);
  });
});
