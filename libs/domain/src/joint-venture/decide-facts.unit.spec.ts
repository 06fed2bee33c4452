import {
  batch,
  CHASSIS,
  command,
  fact,
  given,
  HISTORY,
  ON,
  stageEvent,
  TANK,
  TODAY,
  established,
} from './decider.fixtures';
import { InvalidCommandError, InvariantViolationError } from './errors';

const fields = (error: InvalidCommandError) => error.violations.map((v) => v.field);
const holder = (enterpriseCode: string, shareBasisPoints: number) => ({
  enterpriseCode,
  shareBasisPoints,
});

describe('recording a milestone', () => {
  it('records it during development, effective the day it was reached', () => {
    const data = { name: 'Prototype ready', reachedOn: '2024-11-30' };
    const { state } = given(...HISTORY.development)
      .when(command('RecordMilestone', data))
      .then([fact('DevelopmentMilestoneReached', data, '2024-11-30')]);
    expect(state.milestones).toEqual([{ ...data, version: 2 }]);
  });

  it('refuses an unnamed milestone and a date that is not a date', () => {
    const error = given(...HISTORY.development)
      .when(command('RecordMilestone', { name: '', reachedOn: '2024-13-45' }))
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['name', 'reachedOn']);
  });

  it.each([
    ['1900-01-01', 'must not lie before the decision date 2021-05-20'],
    ['2099-01-01', 'must not lie in the future (today is 2025-03-01)'],
  ])('refuses a milestone reached on %s', (reachedOn, message) => {
    given(...HISTORY.development)
      .when(command('RecordMilestone', { name: 'Trials', reachedOn }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'reachedOn', message }] });
  });
});

describe('recording a batch', () => {
  const data = { productCode: TANK, quantity: 12, batchReference: 'B-2', producedOn: '2025-02-01' };

  it('records a batch of a known product line, effective the day it was produced', () => {
    given(...HISTORY.production)
      .when(command('RecordBatch', data))
      .then([fact('BatchProduced', { ...data, productVersion: null }, '2025-02-01')]);
  });

  it('puts the units in service at the version the batch names', () => {
    const { state } = given(...HISTORY.production)
      .when(command('RecordBatch', { ...data, productVersion: 'B3M' }))
      .then([fact('BatchProduced', { ...data, productVersion: 'B3M' }, '2025-02-01')]);
    expect(state.units[TANK].versions.map((v) => [v.version, v.inService])).toEqual([
      [null, 10],
      ['B3M', 12],
    ]);
    expect(state.units[TANK]).toMatchObject({ produced: 22, inService: 22 });
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

  it('refuses a batch reference the JV has already used', () => {
    given(...HISTORY.production)
      .when(command('RecordBatch', { ...data, batchReference: 'B-1' }))
      .thenThrows(InvalidCommandError, {
        violations: [
          {
            field: 'batchReference',
            message: 'B-1 is already the reference of a batch of this joint venture',
          },
        ],
      });
  });

  it('accepts the reference of a batch that was reversed', () => {
    const reversal = fact(
      'FactReversed',
      { reversedVersion: 2, reversedEventId: null, reversedType: 'BatchProduced', reason: 'twice' },
      ON,
    );
    given(...HISTORY.production, reversal)
      .when(command('RecordBatch', { ...data, batchReference: 'B-1' }))
      .then([
        fact(
          'BatchProduced',
          { ...data, batchReference: 'B-1', productVersion: null },
          '2025-02-01',
        ),
      ]);
  });

  it.each([
    ['1900-01-01', 'must not lie before the decision date 2021-05-20'],
    ['2099-12-31', 'must not lie in the future (today is 2025-03-01)'],
  ])('refuses a batch produced on %s', (producedOn, message) => {
    given(...HISTORY.production)
      .when(command('RecordBatch', { ...data, producedOn }))
      .thenThrows(InvalidCommandError, { violations: [{ field: 'producedOn', message }] });
  });

  it('keeps batches of one line apart from another', () => {
    const chassis = {
      productCode: CHASSIS,
      quantity: 2,
      batchReference: 'C-2',
      producedOn: '2025-02-02',
    };
    const { state } = given(...HISTORY.production, batch(3, CHASSIS, { batchReference: 'C-1' }))
      .when(command('RecordBatch', chassis))
      .then([fact('BatchProduced', { ...chassis, productVersion: null }, '2025-02-02')]);
    expect([state.units[TANK].inService, state.units[CHASSIS].inService]).toEqual([10, 5]);
  });

  it.each([0, -3, 2.5])('refuses a quantity of %p', (quantity) => {
    given(...HISTORY.production)
      .when(command('RecordBatch', { ...data, quantity }))
      .thenThrows(InvalidCommandError, {
        violations: [{ field: 'quantity', message: 'must be a positive integer' }],
      });
  });

  it('goes on while work orders are open', () => {
    const open = fact(
      'WorkOrderOpened',
      {
        workOrderId: 'WO-1',
        kind: 'repair',
        units: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 4 },
      },
      ON,
    );
    const { state } = given(...HISTORY.production, open)
      .when(command('RecordBatch', data))
      .then([fact('BatchProduced', { ...data, productVersion: null }, '2025-02-01')]);
    expect(state.units[TANK]).toMatchObject({ produced: 22, inService: 18, inRepair: 4 });
  });
});

describe('recording a disposal lot', () => {
  const lot = (quantity: number, extra: object = {}) =>
    command('RecordDisposalLot', { productCode: TANK, quantity, method: 'scrapping', ...extra });
  const disposed = (quantity: number, productVersion: string | null = null, effectiveOn = TODAY) =>
    fact(
      'UnitsDisposed',
      { productCode: TANK, productVersion, quantity, method: 'scrapping' },
      effectiveOn,
    );

  it('disposes of lots cumulatively, never beyond the units in service', () => {
    given(...HISTORY.disposal)
      .when(lot(6))
      .then([disposed(6)]);
    given(...HISTORY.disposal, disposed(6))
      .when(lot(5))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot dispose of 5 units of T-72B3: 4 in service' },
        ],
      });
    const { state } = given(...HISTORY.disposal, disposed(6))
      .when(lot(4))
      .then([disposed(4)]);
    expect(state.units[TANK]).toMatchObject({ produced: 10, inService: 0, disposed: 10 });
  });

  it('takes units of unrecorded version first, then the recorded versions, when it names none', () => {
    const { state } = given(
      established(),
      stageEvent('ProductionStarted'),
      batch(3),
      batch(5, TANK, { batchReference: 'B-2', productVersion: 'B3M' }),
      stageEvent('DisposalStarted'),
    )
      .when(lot(4))
      .then([disposed(4)]);
    expect(state.units[TANK].versions.map((v) => [v.version, v.inService, v.disposed])).toEqual([
      [null, 0, 3],
      ['B3M', 4, 1],
    ]);
  });

  it('disposes of the version it names, and only of that one', () => {
    const history = [
      established(),
      stageEvent('ProductionStarted'),
      batch(3),
      batch(5, TANK, { batchReference: 'B-2', productVersion: 'B3M' }),
      stageEvent('DisposalStarted'),
    ];
    given(...history)
      .when(lot(6, { productVersion: 'B3M' }))
      .thenThrows(InvariantViolationError, {
        violations: [
          { field: 'quantity', message: 'cannot dispose of 6 units of T-72B3 B3M: 5 in service' },
        ],
      });
    given(...history)
      .when(lot(5, { productVersion: 'B3M' }))
      .then([disposed(5, 'B3M')]);
  });

  it('checks the units as they stood on its effective date', () => {
    const lateBatch = batch(10, TANK, { batchReference: 'B-2', producedOn: '2024-06-01' });
    given(...HISTORY.disposal, lateBatch)
      .when(lot(15, { effectiveOn: '2024-05-31' }))
      .thenThrows(InvariantViolationError, {
        violations: [
          {
            field: 'quantity',
            message: 'cannot dispose of 15 units of T-72B3: 10 in service on 2024-05-31',
          },
        ],
      });
    given(...HISTORY.disposal, lateBatch)
      .when(lot(15, { effectiveOn: '2024-06-01' }))
      .then([disposed(15, null, '2024-06-01')]);
  });

  it('refuses a backdated lot that takes units later facts had already used', () => {
    // 10 tanks; 8 disposed of on 2024-06-01. Disposing of 5 more on 2024-03-01 leaves 2024-06-01 short.
    given(...HISTORY.disposal, disposed(8, null, '2024-06-01'))
      .when(lot(5, { effectiveOn: '2024-03-01' }))
      .thenThrows(InvariantViolationError, {
        violations: [
          expect.objectContaining({
            field: 'quantity',
            message: expect.stringMatching(/^as of 2024-06-01, /),
          }),
        ],
      });
  });

  it('refuses a disposal lot without a method or of an unknown product', () => {
    const error = given(...HISTORY.disposal)
      .when(command('RecordDisposalLot', { productCode: 'SU-30', quantity: 1, method: '' }))
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['method', 'productCode']);
  });
});

describe('adding a product line', () => {
  it('adds a new line in any non-terminal stage, with zero units', () => {
    const line = { productCode: 'BMPT', name: 'Tank support fighting vehicle' };
    const { state } = given(...HISTORY.disposal)
      .when(command('AddProductLine', line))
      .then([fact('ProductLineAdded', line)]);
    expect(state.units.BMPT).toEqual({
      produced: 0,
      inService: 0,
      inRepair: 0,
      inModernization: 0,
      writtenOff: 0,
      disposed: 0,
      upgraded: 0,
      repaired: 0,
      versions: [],
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
      .then([fact('IntellectualPropertyRegistered', ip)]);
    expect(state.ipResults).toEqual([ip]);
  });

  it('refuses an id already registered in this JV', () => {
    given(...HISTORY.development, fact('IntellectualPropertyRegistered', ip))
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
