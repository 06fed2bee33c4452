import {
  batch,
  CHASSIS,
  established,
  event,
  HISTORY,
  KZ_PARTNER,
  PARTNERS,
  phaseEvent,
  PRODUCT_LINES,
  TANK,
} from './decider.fixtures';
import type { JointVentureEvent } from './events';
import { evolve, foldEvents } from './evolve';
import { initialState, type ExistingJointVenture } from './state';

const zero = { produced: 0, modernized: 0, repaired: 0, disposed: 0, inService: 0 };

function existing(...events: JointVentureEvent[]): ExistingJointVenture {
  const state = foldEvents(events);
  if (state.status !== 'existing') throw new Error('expected an existing joint venture');
  return state;
}

describe('evolve', () => {
  it('starts from no joint venture', () => {
    expect(foldEvents([])).toEqual({ status: 'none' });
  });

  it('ignores events recorded before the establishment', () => {
    expect(evolve(initialState(), batch(5))).toEqual({ status: 'none' });
  });

  it('establishes the JV with a zero unit entry for every product line', () => {
    expect(existing(established())).toEqual({
      status: 'existing',
      phase: 'established',
      name: 'Heavy Armour JV',
      decision: { reference: 'IMEC-21/4', date: '2021-05-20' },
      purposes: ['development', 'production', 'modernization', 'repair', 'disposal'],
      partners: PARTNERS,
      productLines: PRODUCT_LINES,
      ipResults: [],
      milestones: [],
      units: { [TANK]: zero, [CHASSIS]: zero },
    });
  });

  it('keeps unit totals per product code: in service is produced minus disposed', () => {
    const state = existing(
      established(),
      phaseEvent('ProductionStarted'),
      batch(10),
      batch(5),
      batch(4, CHASSIS),
      phaseEvent('ModernizationStarted'),
      event('ModernizationCompleted', {
        productCode: TANK,
        fromVersion: 'B3',
        toVersion: 'B3M',
        quantity: 6,
      }),
      phaseEvent('RepairStarted'),
      event('RepairCompleted', { productCode: TANK, quantity: 2 }),
      phaseEvent('DisposalStarted'),
      event('UnitsDisposed', { productCode: TANK, quantity: 3, method: 'scrapping' }),
      event('UnitsDisposed', { productCode: TANK, quantity: 1, method: 'transfer' }),
      event('UnitsDisposed', { productCode: CHASSIS, quantity: 4, method: 'scrapping' }),
    );
    expect(state.units).toEqual({
      [TANK]: { produced: 15, modernized: 6, repaired: 2, disposed: 4, inService: 11 },
      [CHASSIS]: { produced: 4, modernized: 0, repaired: 0, disposed: 4, inService: 0 },
    });
    expect(state.phase).toBe('disposal');
  });

  it('returns to production when a modernization or a repair completes', () => {
    expect(
      existing(
        ...HISTORY.modernization,
        event('ModernizationCompleted', {
          productCode: TANK,
          fromVersion: 'a',
          toVersion: 'b',
          quantity: 1,
        }),
      ).phase,
    ).toBe('production');
    expect(
      existing(...HISTORY.repair, event('RepairCompleted', { productCode: TANK, quantity: 1 }))
        .phase,
    ).toBe('production');
  });

  it('closes on completed disposal and dissolves on dissolution', () => {
    expect(existing(...HISTORY.closed).phase).toBe('closed');
    expect(existing(...HISTORY.dissolved).phase).toBe('dissolved');
  });

  it('gives an added product line its own zero totals, then counts its batches', () => {
    const line = { productCode: 'BMPT', name: 'Tank support fighting vehicle' };
    const added = existing(...HISTORY.production, event('ProductLineAdded', line));
    expect(added.productLines).toEqual([...PRODUCT_LINES, line]);
    expect(added.units.BMPT).toEqual(zero);
    expect(evolve(added, batch(2, 'BMPT'))).toMatchObject({
      units: { BMPT: { produced: 2, inService: 2 }, [TANK]: { produced: 10, inService: 10 } },
    });
  });

  it('applies admissions, withdrawals and reallocations to the partners and their shares', () => {
    const share = (enterpriseCode: string, shareBasisPoints: number) => ({
      enterpriseCode,
      shareBasisPoints,
    });
    const admitted = existing(
      established(),
      event('PartnerAdmitted', {
        partner: KZ_PARTNER,
        allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('KZ-SEMEY', 2000)],
      }),
    );
    expect(admitted.partners).toEqual([
      { ...PARTNERS[0], shareBasisPoints: 5000 },
      { ...PARTNERS[1], shareBasisPoints: 3000 },
      { ...KZ_PARTNER, shareBasisPoints: 2000 },
    ]);
    const withdrawn = evolve(
      admitted,
      event('PartnerWithdrawn', {
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
      event('SharesReallocated', { allocation: [share('KZ-SEMEY', 5000), share('BY-MZKT', 5000)] }),
    );
    expect(reallocated).toMatchObject({
      partners: [
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
        { enterpriseCode: 'KZ-SEMEY', shareBasisPoints: 5000 },
      ],
    });
  });

  it('keeps milestones and IP results in the order they were recorded', () => {
    const ip = {
      ipResultId: 'ip-1',
      title: 'Armour composition',
      kind: 'know-how',
      rightsHolders: [{ enterpriseCode: 'RU-UVZ', shareBasisPoints: 10000 }],
    };
    const state = existing(
      ...HISTORY.development,
      event('DevelopmentMilestoneReached', { name: 'Design review', reachedOn: '2024-02-01' }),
      event('IntellectualPropertyRegistered', ip),
      event('DevelopmentMilestoneReached', { name: 'Prototype', reachedOn: '2024-09-01' }),
    );
    expect(state.milestones).toEqual([
      { name: 'Design review', reachedOn: '2024-02-01' },
      { name: 'Prototype', reachedOn: '2024-09-01' },
    ]);
    expect(state.ipResults).toEqual([ip]);
  });

  it('does not mutate the state it is given', () => {
    const before = existing(...HISTORY.production);
    const snapshot = JSON.parse(JSON.stringify(before));
    evolve(before, batch(3));
    evolve(before, event('ProductLineAdded', { productCode: 'X', name: 'x' }));
    expect(before).toEqual(snapshot);
  });
});
