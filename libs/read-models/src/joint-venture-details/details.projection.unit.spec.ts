import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import { projectionSpec } from '../testing/projection-spec';
import { jointVentureDetails } from './details.projection';

const details = projectionSpec([jointVentureDetails]);

describe('JointVentureDetails projection', () => {
  it('shows the whole lifecycle: partners and shares, product lines with totals, IP, milestones', async () => {
    const jv = new JointVentureHistory().fullLifecycle();

    const detail = await details.given(...recorded(jv.events)).then((q) => q.get(jv.id));

    expect(detail).toEqual({
      id: jv.id,
      name: 'Heavy Armour JV',
      phase: 'closed',
      purposes: ['development', 'production', 'modernization', 'repair', 'disposal'],
      decision: { reference: 'IMEC-21/4', date: '2021-05-20' },
      memberStates: ['KZ', 'RU'],
      partners: [
        {
          enterpriseCode: 'RU-UVZ',
          name: 'Uralvagonzavod',
          memberState: 'RU',
          shareBasisPoints: 6000,
        },
        {
          enterpriseCode: 'KZ-SEMEY',
          name: 'Semey Engineering',
          memberState: 'KZ',
          shareBasisPoints: 4000,
        },
      ],
      productLines: [
        {
          productCode: 'T-72B3',
          name: 'Main battle tank',
          standard: 'GOST RV 15.203',
          ...{ produced: 10, modernized: 3, repaired: 2, disposed: 4, inService: 6 },
        },
        {
          productCode: 'MZKT-7930',
          name: 'Heavy wheeled chassis',
          standard: null,
          ...{ produced: 4, modernized: 0, repaired: 0, disposed: 0, inService: 4 },
        },
        {
          productCode: 'ORLAN-30',
          name: 'Reconnaissance drone',
          standard: null,
          ...{ produced: 0, modernized: 0, repaired: 0, disposed: 0, inService: 0 },
        },
      ],
      ipResults: [
        {
          ipResultId: 'IP-1',
          title: 'Active protection control unit',
          kind: 'patent',
          rightsHolders: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 7000 },
            { enterpriseCode: 'KZ-SEMEY', shareBasisPoints: 3000 },
          ],
        },
      ],
      milestones: [{ name: 'Prototype accepted', reachedOn: '2024-01-03' }],
      establishedAt: '2024-01-01T08:00:00.000Z',
      updatedAt: '2024-01-17T08:00:00.000Z',
      version: 16,
    });
  });

  it('is undefined for a joint venture it does not know', async () => {
    const jv = new JointVentureHistory().fullLifecycle();
    const unknown = await details
      .given(...recorded(jv.events))
      .then((q) => q.get('5b0c6f0e-2a4b-4d7c-9f3e-1a2b3c4d5e6f'));
    expect(unknown).toBeUndefined();
  });

  it('changes nothing when the same batch is delivered twice', async () => {
    const events = recorded(new JointVentureHistory().fullLifecycle().events);
    const once = await details.given(...events).thenTables();

    const again = await details
      .given(...events)
      .when(events, events.slice(4, 6))
      .thenTables();

    expect(again).toEqual(once);
  });
});
