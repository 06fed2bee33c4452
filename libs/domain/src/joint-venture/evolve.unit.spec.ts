import {
  batch,
  CHASSIS,
  established,
  existing,
  fact,
  HISTORY,
  KZ_PARTNER,
  ON,
  PARTNERS,
  PRODUCT_LINES,
  stageEvent,
  TANK,
} from './decider.fixtures';
import type { JointVentureEvent } from './events';
import { evolve, foldEvents } from './evolve';
import { initialState } from './state';
import { NO_UNITS } from './units';

const share = (enterpriseCode: string, shareBasisPoints: number) => ({
  enterpriseCode,
  shareBasisPoints,
});
const scoped = (
  quantity: number,
  toVersion: string | null = 'B3M',
  fromVersion: string | null = null,
) => ({
  productCode: TANK,
  fromVersion,
  toVersion,
  quantity,
});

describe('evolve', () => {
  it('starts from no joint venture, and ignores events recorded before the establishment', () => {
    expect(foldEvents([])).toEqual({ status: 'none' });
    expect(evolve(initialState(), batch(5))).toEqual({ status: 'none' });
  });

  it('establishes the JV in its first stage, effective on the decision date, a zero entry per product line', () => {
    expect(existing(established())).toEqual({
      status: 'existing',
      stage: 'established',
      stageSince: '2021-05-20',
      name: 'Heavy Armour JV',
      decision: { reference: 'IMEC-21/4', date: '2021-05-20' },
      purposes: ['development', 'production', 'modernization', 'repair', 'disposal'],
      partners: PARTNERS,
      productLines: PRODUCT_LINES,
      ipResults: [],
      milestones: [],
      units: { [TANK]: NO_UNITS, [CHASSIS]: NO_UNITS },
      workOrders: [],
      facts: [],
      proposals: {},
      version: 0,
    });
  });

  it('folds proposals into the state, each event a version of the stream like any other', () => {
    const proposal = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
    const by = { subject: 'alice', memberState: 'RU' };
    const state = existing(
      established(),
      fact('ChangeProposed', {
        proposalId: proposal,
        change: { type: 'DissolveJointVenture', data: { reason: 'cancelled' } },
        proposedBy: by,
        required: ['BY', 'RU'],
        expiresAt: '2025-04-01T00:00:00.000Z',
      }),
    );
    expect(state.version).toBe(1);
    expect(state.stage).toBe('established');
    expect(state.proposals[proposal]).toMatchObject({ status: 'pending', approved: [by] });
  });

  it('counts units per product code and version: produced, in service, in modernization, in repair, written off, disposed', () => {
    const state = existing(
      established(),
      stageEvent('ProductionStarted'),
      batch(10),
      batch(5, TANK, { batchReference: 'B-2', productVersion: 'B3M' }),
      batch(4, CHASSIS, { batchReference: 'C-1' }),
      fact('WorkOrderOpened', { workOrderId: 'M', kind: 'modernization', units: scoped(6) }, ON),
      fact(
        'WorkOrderOpened',
        { workOrderId: 'R', kind: 'repair', units: scoped(2, null, 'B3M') },
        ON,
      ),
      fact(
        'WorkOrderProgressed',
        {
          workOrderId: 'M',
          kind: 'modernization',
          productCode: TANK,
          fromVersion: null,
          toVersion: 'B3M',
          upgraded: 4,
          repaired: 0,
          writtenOff: 1,
        },
        ON,
      ),
      fact(
        'WorkOrderProgressed',
        {
          workOrderId: 'R',
          kind: 'repair',
          productCode: TANK,
          fromVersion: 'B3M',
          toVersion: null,
          upgraded: 0,
          repaired: 1,
          writtenOff: 0,
        },
        ON,
      ),
      stageEvent('DisposalStarted'),
      fact(
        'UnitsDisposed',
        { productCode: CHASSIS, productVersion: null, quantity: 4, method: 'scrapping' },
        ON,
      ),
    );
    expect(state.units[TANK]).toEqual({
      produced: 15,
      inService: 12,
      inRepair: 1,
      inModernization: 1,
      writtenOff: 1,
      disposed: 0,
      upgraded: 4,
      repaired: 1,
      versions: [
        {
          version: null,
          produced: 10,
          upgradedIn: 0,
          upgradedOut: 4,
          inService: 4,
          inRepair: 0,
          inModernization: 1,
          writtenOff: 1,
          disposed: 0,
        },
        {
          version: 'B3M',
          produced: 5,
          upgradedIn: 4,
          upgradedOut: 0,
          inService: 8,
          inRepair: 1,
          inModernization: 0,
          writtenOff: 0,
          disposed: 0,
        },
      ],
    });
    expect(state.units[CHASSIS]).toMatchObject({ produced: 4, inService: 0, disposed: 4 });
    expect(state.workOrders.map((o) => [o.workOrderId, o.status, o.held])).toEqual([
      ['M', 'open', 1],
      ['R', 'open', 1],
    ]);
    expect(state.stage).toBe('disposal');
  });

  it('completes the open-ended order of its kind when a completion names no order (release 0.1.0)', () => {
    const state = existing(
      ...HISTORY.production,
      fact('WorkOrderOpened', { workOrderId: 'legacy-1', kind: 'repair', units: null }, ON),
      fact(
        'WorkOrderCompleted',
        {
          workOrderId: null,
          kind: 'repair',
          productCode: null,
          fromVersion: null,
          returned: 0,
          handled: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 3 },
        },
        ON,
      ),
    );
    expect(state.workOrders).toEqual([
      expect.objectContaining({ workOrderId: 'legacy-1', status: 'completed', closedOn: ON }),
    ]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, repaired: 3 });
  });

  it('applies the units of a completion whose order it never saw, and records no order', () => {
    const state = existing(
      ...HISTORY.production,
      fact(
        'WorkOrderCompleted',
        {
          workOrderId: null,
          kind: 'modernization',
          productCode: null,
          fromVersion: null,
          returned: 0,
          handled: { productCode: TANK, fromVersion: 'v1', toVersion: 'v2', quantity: 3 },
        },
        ON,
      ),
    );
    expect(state.workOrders).toEqual([]);
    expect(state.units[TANK]).toMatchObject({ inService: 10, upgraded: 3 });
  });

  it('counts the units after a reversal as if the reversed fact had never been recorded', () => {
    const first = batch(6);
    const second = batch(5, TANK, { batchReference: 'B-2', productVersion: 'B3M' });
    // Names no version: takes 5 of the 6 of unrecorded version; without the first batch, 5 of B3M.
    const lot = fact(
      'UnitsDisposed',
      { productCode: TANK, productVersion: null, quantity: 5, method: 'x' },
      '2024-02-01',
    );
    const reversed = existing(
      established(),
      stageEvent('ProductionStarted'),
      first,
      second,
      lot,
      fact(
        'FactReversed',
        { reversedVersion: 2, reversedEventId: null, reversedType: 'BatchProduced', reason: 'x' },
        ON,
      ),
    );
    const neverRecorded = existing(established(), stageEvent('ProductionStarted'), second, lot);
    expect(reversed.units).toEqual(neverRecorded.units);
    expect(reversed.units[TANK].versions.map((v) => [v.version, v.inService])).toEqual([
      ['B3M', 0],
    ]);
  });

  it('keeps every fact with its version, and its id when the events come with one', () => {
    const withIds = [...HISTORY.production, batch(1, TANK, { batchReference: 'B-2' })].map(
      (event, i) => ({ ...event, id: `id-${i}`, revision: i + 10 }),
    );
    const state = existing(...withIds);
    expect(state.facts.map((f) => [f.version, f.eventId, f.event.type])).toEqual([
      [12, 'id-2', 'BatchProduced'],
      [13, 'id-3', 'BatchProduced'],
    ]);
    expect(state.version).toBe(13);
    expect(state.facts[0].event).toEqual(batch(10));
  });

  it('applies admissions, withdrawals and reallocations to the partners and their shares', () => {
    const admitted = existing(
      established(),
      fact('PartnerAdmitted', {
        partner: KZ_PARTNER,
        allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('KZ-SEMEY', 2000)],
      }),
    );
    expect(admitted.partners.map((p) => [p.enterpriseCode, p.shareBasisPoints])).toEqual([
      ['RU-UVZ', 5000],
      ['BY-MZKT', 3000],
      ['KZ-SEMEY', 2000],
    ]);
    const withdrawn = evolve(
      admitted,
      fact('PartnerWithdrawn', {
        enterpriseCode: 'RU-UVZ',
        allocation: [share('BY-MZKT', 5500), share('KZ-SEMEY', 4500)],
      }),
    );
    expect(withdrawn).toMatchObject({
      partners: [
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5500 },
        { enterpriseCode: 'KZ-SEMEY', shareBasisPoints: 4500 },
      ],
    });
    const reallocated = evolve(
      withdrawn,
      fact('SharesReallocated', { allocation: [share('KZ-SEMEY', 5000), share('BY-MZKT', 5000)] }),
    );
    expect(reallocated).toMatchObject({
      partners: [{ shareBasisPoints: 5000 }, { shareBasisPoints: 5000 }],
    });
  });

  it('keeps milestones and IP results in the order they were recorded, without their dates of effect', () => {
    const ip = {
      ipResultId: 'ip-1',
      title: 'Armour composition',
      kind: 'know-how',
      rightsHolders: [share('RU-UVZ', 10000)],
    };
    const state = existing(
      ...HISTORY.development,
      fact(
        'DevelopmentMilestoneReached',
        { name: 'Design review', reachedOn: '2024-02-01' },
        '2024-02-01',
      ),
      fact('IntellectualPropertyRegistered', ip),
      fact(
        'DevelopmentMilestoneReached',
        { name: 'Prototype', reachedOn: '2024-09-01' },
        '2024-09-01',
      ),
      fact('ProductLineAdded', { productCode: 'BMPT', name: 'Support vehicle' }),
    );
    expect(state.milestones).toEqual([
      { name: 'Design review', reachedOn: '2024-02-01', version: 2 },
      { name: 'Prototype', reachedOn: '2024-09-01', version: 4 },
    ]);
    expect(state.ipResults).toEqual([ip]);
    expect(state.productLines.at(-1)).toEqual({ productCode: 'BMPT', name: 'Support vehicle' });
  });

  it('does not mutate the state it is given', () => {
    const before = existing(...HISTORY.production);
    const snapshot = JSON.parse(JSON.stringify(before));
    const events: JointVentureEvent[] = [
      batch(3, TANK, { batchReference: 'B-9' }),
      fact('ProductLineAdded', { productCode: 'X', name: 'x' }),
      fact('WorkOrderOpened', { workOrderId: 'W', kind: 'repair', units: scoped(2, null) }),
      fact(
        'FactReversed',
        { reversedVersion: 2, reversedEventId: null, reversedType: 'BatchProduced', reason: 'x' },
        ON,
      ),
    ];
    for (const event of events) evolve(before, event);
    expect(before).toEqual(snapshot);
  });
});
