import {
  batch,
  CHASSIS,
  command,
  established,
  event,
  given,
  HISTORY,
  phaseEvent,
  TANK,
} from './decider.fixtures';
import { InvalidCommandError, InvariantViolationError } from './errors';

const fields = (error: InvalidCommandError) => error.violations.map((v) => v.field);
const holder = (enterpriseCode: string, shareBasisPoints: number) => ({
  enterpriseCode,
  shareBasisPoints,
});

describe('recording a milestone', () => {
  it('records it during development', () => {
    const data = { name: 'Prototype ready', reachedOn: '2024-11-30' };
    given(...HISTORY.development)
      .when(command('RecordMilestone', data))
      .then([event('DevelopmentMilestoneReached', data)]);
  });

  it('refuses an unnamed milestone and a date that is not a date', () => {
    const error = given(...HISTORY.development)
      .when(command('RecordMilestone', { name: '', reachedOn: '2024-13-45' }))
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['name', 'reachedOn']);
  });
});

describe('recording a batch', () => {
  const data = { productCode: TANK, quantity: 12, batchReference: 'B-2', producedOn: '2025-02-01' };

  it('records a batch of a known product line', () => {
    given(...HISTORY.production)
      .when(command('RecordBatch', data))
      .then([event('BatchProduced', data)]);
  });

  it('refuses a product code that is not one of the lines', () => {
    given(...HISTORY.production)
      .when(command('RecordBatch', { ...data, productCode: 'SU-30' }))
      .thenThrows(InvalidCommandError, {
        violations: [
          { field: 'productCode', message: 'SU-30 is not a product line of this joint venture' },
        ],
      });
  });

  it('keeps batches of one line apart from another', () => {
    const { state } = given(...HISTORY.production, batch(3, CHASSIS))
      .when(
        command('RecordBatch', {
          productCode: CHASSIS,
          quantity: 2,
          batchReference: 'C-2',
          producedOn: '2025-02-02',
        }),
      )
      .then([
        event('BatchProduced', {
          productCode: CHASSIS,
          quantity: 2,
          batchReference: 'C-2',
          producedOn: '2025-02-02',
        }),
      ]);
    expect(
      state.status === 'existing' && [state.units[TANK].inService, state.units[CHASSIS].inService],
    ).toEqual([10, 5]);
  });

  it.each([0, -3, 2.5])('refuses a quantity of %p', (quantity) => {
    given(...HISTORY.production)
      .when(command('RecordBatch', { ...data, quantity }))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'quantity', message: 'must be a positive integer' }],
      });
  });
});

describe('units in service bound modernization, repair and disposal', () => {
  const upgrade = (quantity: number, productCode = TANK) =>
    command('CompleteModernization', {
      productCode,
      fromVersion: 'B3',
      toVersion: 'B3M',
      quantity,
    });

  it('modernizes every unit in service, but not one more', () => {
    given(...HISTORY.modernization)
      .when(upgrade(10))
      .then([
        event('ModernizationCompleted', {
          productCode: TANK,
          fromVersion: 'B3',
          toVersion: 'B3M',
          quantity: 10,
        }),
      ]);
    given(...HISTORY.modernization)
      .when(upgrade(11))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot modernize 11 units of T-72B3: 10 in service' },
        ],
      });
  });

  it('refuses to start a modernization or a repair with no unit in service', () => {
    for (const type of ['StartModernization', 'StartRepair'] as const)
      given(established(), phaseEvent('ProductionStarted'))
        .when(command(type, {}))
        .thenThrows(InvariantViolationError, { violations: [{ field: 'units' }] });
  });

  it('refuses a product line without units in service', () => {
    given(...HISTORY.modernization)
      .when(upgrade(1, CHASSIS))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot modernize 1 units of MZKT-7930: 0 in service' },
        ],
      });
  });

  it('refuses an unknown product, equal versions and a non-positive quantity together', () => {
    const error = given(...HISTORY.modernization)
      .when(
        command('CompleteModernization', {
          productCode: 'SU-30',
          fromVersion: 'M',
          toVersion: 'M',
          quantity: 0,
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['quantity', 'productCode', 'toVersion']);
  });

  it('refuses empty versions', () => {
    const error = given(...HISTORY.modernization)
      .when(
        command('CompleteModernization', {
          productCode: TANK,
          fromVersion: '',
          toVersion: '',
          quantity: 1,
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['fromVersion', 'toVersion']);
  });

  it('repairs at most the units in service', () => {
    given(...HISTORY.repair)
      .when(command('CompleteRepair', { productCode: TANK, quantity: 10 }))
      .then([event('RepairCompleted', { productCode: TANK, quantity: 10 })]);
    given(...HISTORY.repair)
      .when(command('CompleteRepair', { productCode: TANK, quantity: 11 }))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot repair 11 units of T-72B3: 10 in service' },
        ],
      });
  });

  it('refuses to repair an unknown product', () => {
    given(...HISTORY.repair)
      .when(command('CompleteRepair', { productCode: 'SU-30', quantity: 1 }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'productCode' }] });
  });

  it('disposes of lots cumulatively, never beyond the units in service', () => {
    const lot = (quantity: number) =>
      command('RecordDisposalLot', { productCode: TANK, quantity, method: 'scrapping' });
    const firstLot = event('UnitsDisposed', {
      productCode: TANK,
      quantity: 6,
      method: 'scrapping',
    });
    given(...HISTORY.disposal)
      .when(lot(6))
      .then([firstLot]);
    given(...HISTORY.disposal, firstLot)
      .when(lot(5))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot dispose of 5 units of T-72B3: 4 in service' },
        ],
      });
    given(...HISTORY.disposal, firstLot)
      .when(lot(4))
      .then([event('UnitsDisposed', { productCode: TANK, quantity: 4, method: 'scrapping' })]);
  });

  it('refuses a disposal lot without a method or of an unknown product', () => {
    const error = given(...HISTORY.disposal)
      .when(command('RecordDisposalLot', { productCode: 'SU-30', quantity: 1, method: '' }))
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['method', 'productCode']);
  });
});

describe('adding a product line', () => {
  it('adds a new line in any non-terminal phase', () => {
    const line = { productCode: 'BMPT', name: 'Tank support fighting vehicle' };
    const { state } = given(...HISTORY.repair)
      .when(command('AddProductLine', line))
      .then([event('ProductLineAdded', line)]);
    expect(state.status === 'existing' && state.units.BMPT).toEqual({
      produced: 0,
      modernized: 0,
      repaired: 0,
      disposed: 0,
      inService: 0,
    });
  });

  it('refuses a product code the JV already has', () => {
    given(...HISTORY.development)
      .when(command('AddProductLine', { productCode: TANK, name: 'Another tank' }))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'productCode', message: 'T-72B3 is already a product line' }],
      });
  });
});

describe('registering an intellectual-property result', () => {
  const ip = {
    ipResultId: '5f0c6d8e-3b1a-4d8e-9a53-0f1f4c2d7e11',
    title: 'Active protection system control software',
    kind: 'software',
    rightsHolders: [holder('RU-UVZ', 7000), holder('BY-MZKT', 3000)],
  };

  it('records the result with its rights holders', () => {
    const { state } = given(...HISTORY.development)
      .when(command('RegisterIpResult', ip))
      .then([event('IntellectualPropertyRegistered', ip)]);
    expect(state.status === 'existing' && state.ipResults).toEqual([ip]);
  });

  it('refuses an id already registered in this JV', () => {
    given(...HISTORY.development, event('IntellectualPropertyRegistered', ip))
      .when(command('RegisterIpResult', { ...ip, title: 'Another' }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'ipResultId' }] });
  });

  it('refuses a rights holder who is not a partner, and shares not adding up', () => {
    const error = given(...HISTORY.development)
      .when(
        command('RegisterIpResult', {
          ...ip,
          rightsHolders: [holder('RU-UVZ', 7000), holder('AM-X', 2000)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(error.violations).toEqual([
      {
        field: 'rightsHolders[1].enterpriseCode',
        message: 'is not a partner of the joint venture',
      },
      { field: 'rightsHolders', message: 'shares must add up to 10000 basis points, not 9000' },
    ]);
  });

  it('refuses a rights holder named twice, a non-positive share, no title and an unknown kind', () => {
    const error = given(...HISTORY.development)
      .when(
        command('RegisterIpResult', {
          ...ip,
          title: '',
          kind: 'trade secret',
          rightsHolders: [holder('RU-UVZ', 10000), holder('RU-UVZ', 0)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual([
      'title',
      'kind',
      'rightsHolders[1].enterpriseCode',
      'rightsHolders[1].shareBasisPoints',
    ]);
  });

  it('refuses no rights holders', () => {
    given(...HISTORY.development)
      .when(command('RegisterIpResult', { ...ip, rightsHolders: [] }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'rightsHolders' }] });
  });
});
