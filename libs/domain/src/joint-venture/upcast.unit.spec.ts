import { establishData, existing, foldChecked, TANK } from './decider.fixtures';
import { PROPOSAL_EVENT_TYPES } from '../approvals/proposals';
import { EVENT_SCHEMA_VERSIONS, JOINT_VENTURE_EVENT_TYPES } from './events';
import { fromStored, upcast, UPCASTERS } from './upcast';
import { RETIRED_EVENT_TYPES } from './upcasters';

const context = {
  eventId: '9b2f1c1e-0000-4000-8000-000000000001',
  recordedAt: '2024-03-05T23:30:00.000-02:00',
};
const RECORDED_ON = '2024-03-06'; // the UTC day of that instant

/** A stored event of release 0.1.0: schema version 1, recorded at `recordedAt`. */
const v1 = (
  type: string,
  data: object,
  recordedAt = '2024-03-06T09:00:00.000Z',
  id = `id-${type}`,
) => ({
  id,
  type,
  data,
  metadata: { schemaVersion: 1, recordedAt },
});

describe('upcasters of release 0.1.0', () => {
  it('has one for every type 0.1.0 wrote, each at version 1', () => {
    const types = [
      ...JOINT_VENTURE_EVENT_TYPES.filter(
        (t) =>
          !t.startsWith('WorkOrder') &&
          t !== 'FactReversed' &&
          !(PROPOSAL_EVENT_TYPES as readonly string[]).includes(t),
      ),
      ...RETIRED_EVENT_TYPES,
    ];
    expect(Object.keys(UPCASTERS).sort()).toEqual(types.map((t) => `${t}@1`).sort());
  });

  it.each([
    ['DevelopmentStarted', {}],
    ['ProductionStarted', {}],
    ['DisposalStarted', {}],
    ['DisposalCompleted', {}],
    ['JointVentureDissolved', { reason: 'discontinued' }],
    ['SharesReallocated', { allocation: [] }],
    ['ProductLineAdded', { productCode: 'X', name: 'x' }],
  ])('dates %s on the UTC day it was recorded', (type, data) => {
    expect(UPCASTERS[`${type}@1`](data, context)).toEqual({
      type,
      schemaVersion: 2,
      data: { ...data, effectiveOn: RECORDED_ON },
    });
  });

  it('dates the establishment on its decision date', () => {
    const data = establishData();
    expect(UPCASTERS['JointVentureEstablished@1'](data, context).data).toEqual({
      ...data,
      effectiveOn: '2021-05-20',
    });
  });

  it('dates a batch on its production day and a milestone on the day it was reached', () => {
    const batch = { productCode: TANK, quantity: 3, batchReference: 'B', producedOn: '2024-02-01' };
    expect(UPCASTERS['BatchProduced@1'](batch, context).data).toEqual({
      ...batch,
      productVersion: null,
      effectiveOn: '2024-02-01',
    });
    const milestone = { name: 'Trials', reachedOn: '2024-02-10T12:00:00Z' };
    expect(UPCASTERS['DevelopmentMilestoneReached@1'](milestone, context).data).toEqual({
      ...milestone,
      effectiveOn: '2024-02-10',
    });
  });

  it('gives a disposal lot no version: 0.1.0 recorded none', () => {
    const lot = { productCode: TANK, quantity: 3, method: 'scrapping' };
    expect(UPCASTERS['UnitsDisposed@1'](lot, context).data).toEqual({
      ...lot,
      productVersion: null,
      effectiveOn: RECORDED_ON,
    });
  });

  it.each([
    ['ModernizationStarted', 'modernization'],
    ['RepairStarted', 'repair'],
  ])('turns %s into an open-ended work order named by the event id', (type, kind) => {
    expect(UPCASTERS[`${type}@1`]({}, context)).toEqual({
      type: 'WorkOrderOpened',
      schemaVersion: 1,
      data: { workOrderId: context.eventId, kind, units: null, effectiveOn: RECORDED_ON },
    });
  });

  it('turns the completions into completions of the open-ended order, naming the units handled', () => {
    const upgraded = { productCode: TANK, fromVersion: 'v1', toVersion: 'v2', quantity: 4 };
    const closing = {
      workOrderId: null,
      productCode: null,
      fromVersion: null,
      returned: 0,
      effectiveOn: RECORDED_ON,
    };
    expect(UPCASTERS['ModernizationCompleted@1'](upgraded, context)).toEqual({
      type: 'WorkOrderCompleted',
      schemaVersion: 1,
      data: { ...closing, kind: 'modernization', handled: upgraded },
    });
    expect(
      UPCASTERS['RepairCompleted@1']({ productCode: TANK, quantity: 2 }, context).data,
    ).toEqual({
      ...closing,
      kind: 'repair',
      handled: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 2 },
    });
  });
});

describe('upcast', () => {
  it('reads every event type at its current version as the typed event', () => {
    for (const type of JOINT_VENTURE_EVENT_TYPES)
      expect(upcast(type, EVENT_SCHEMA_VERSIONS[type], { any: 'payload' })).toEqual({
        type,
        data: { any: 'payload' },
      });
  });

  it('chains upcasters until the current shape, renaming retired types', () => {
    expect(upcast('RepairStarted', 1, {}, context)).toEqual({
      type: 'WorkOrderOpened',
      data: { workOrderId: context.eventId, kind: 'repair', units: null, effectiveOn: RECORDED_ON },
    });
  });

  it('refuses an unknown type, a version newer than supported, and a retired type at a version never written', () => {
    expect(() => upcast('JointVentureRenamed', 1, {})).toThrow(
      "unknown event type 'JointVentureRenamed'",
    );
    expect(() => upcast('BatchProduced', 3, {})).toThrow(
      'BatchProduced@3 is newer than supported version 2',
    );
    expect(() => upcast('RepairStarted', 2, {})).toThrow("unknown event type 'RepairStarted'");
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses schema version %p', (version) => {
    expect(() => upcast('BatchProduced', version, {})).toThrow('invalid schema version');
  });

  it.each([null, 'text', [1, 2]])('refuses a payload that is not an object: %p', (data) => {
    expect(() => upcast('BatchProduced', 1, data)).toThrow('payload is not an object');
  });

  it('counts a stored event without a schema version as version 1, and keeps its id and revision', () => {
    const stored = {
      id: 'e-1',
      revision: 4,
      type: 'ProductionStarted',
      data: {},
      metadata: { recordedAt: '2024-01-02T03:04:05Z' },
    };
    expect(fromStored(stored)).toEqual({
      type: 'ProductionStarted',
      data: { effectiveOn: '2024-01-02' },
      id: 'e-1',
      revision: 4,
    });
  });
});

describe('a history of release 0.1.0, read today', () => {
  // A round trip as 0.1.0 allowed it: 12 units, v1 -> v2 (8), 6 more, repair (3), v2 -> v3 (10, more than were v2).
  const history = [
    v1('JointVentureEstablished', establishData(), '2024-01-01T09:00:00Z'),
    v1('ProductionStarted', {}, '2024-01-02T09:00:00Z'),
    v1('BatchProduced', {
      productCode: TANK,
      quantity: 12,
      batchReference: 'B-1',
      producedOn: '2024-01-03',
    }),
    v1('ModernizationStarted', {}, '2024-02-01T09:00:00Z', 'start-1'),
    v1('ModernizationCompleted', {
      productCode: TANK,
      fromVersion: 'v1',
      toVersion: 'v2',
      quantity: 8,
    }),
    v1('BatchProduced', {
      productCode: TANK,
      quantity: 6,
      batchReference: 'B-2',
      producedOn: '2024-04-01',
    }),
    v1('RepairStarted', {}, '2024-05-01T09:00:00Z', 'start-2'),
    v1('RepairCompleted', { productCode: TANK, quantity: 3 }),
    v1('ModernizationStarted', {}, '2024-06-01T09:00:00Z', 'start-3'),
    v1('ModernizationCompleted', {
      productCode: TANK,
      fromVersion: 'v2',
      toVersion: 'v3',
      quantity: 10,
    }),
    v1('DisposalStarted', {}),
    v1('UnitsDisposed', { productCode: TANK, quantity: 5, method: 'scrapping' }),
    v1('RepairStarted', {}, '2024-08-01T09:00:00Z', 'start-4'),
  ].map((event, revision) => ({ ...event, revision }));

  it('folds to the totals 0.1.0 counted, the invariant holding after every event', () => {
    // Upgrades take the version they name first, then units of unrecorded version.
    const state = existing(...history.map(fromStored));
    expect(state.units[TANK]).toMatchObject({
      produced: 18,
      upgraded: 18,
      repaired: 3,
      disposed: 5,
      inService: 13,
    });
    expect(state.units[TANK].versions.map((v) => [v.version, v.inService])).toEqual([
      [null, 3],
      ['v2', 0],
      ['v3', 10],
    ]);
  });

  it('reads its phases as work orders: three finished, the last still open', () => {
    const state = existing(...history.map(fromStored));
    expect(state.stage).toBe('disposal');
    expect(state.workOrders.map((o) => [o.workOrderId, o.kind, o.status])).toEqual([
      ['start-1', 'modernization', 'completed'],
      ['start-2', 'repair', 'completed'],
      ['start-3', 'modernization', 'completed'],
      ['start-4', 'repair', 'open'],
    ]);
    expect(foldChecked(history.map(fromStored))).toEqual(state);
  });
});
