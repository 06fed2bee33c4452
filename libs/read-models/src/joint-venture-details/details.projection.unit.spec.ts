import { JointVentureQueries } from '../queries/joint-venture.queries';
import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import {
  openTestReadModels,
  project,
  snapshot,
  type TestReadModels,
} from '../testing/read-model-test-db';
import { jointVentureDetails } from './details.projection';

const only = [jointVentureDetails];

describe('JointVentureDetails projection', () => {
  let readModels: TestReadModels;
  let queries: JointVentureQueries;

  beforeEach(async () => {
    readModels = await openTestReadModels();
    queries = new JointVentureQueries(readModels.db);
  });
  afterEach(() => readModels.close());

  it('shows the whole lifecycle: partners and shares, product lines with totals, IP, milestones', async () => {
    const jv = new JointVentureHistory().fullLifecycle();

    await project(readModels.db, recorded(jv.events), only);

    expect(await queries.get(jv.id)).toEqual({
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
    expect(await queries.get('5b0c6f0e-2a4b-4d7c-9f3e-1a2b3c4d5e6f')).toBeUndefined();
  });

  it('changes nothing when the same batch is delivered twice', async () => {
    const events = recorded(new JointVentureHistory().fullLifecycle().events);
    await project(readModels.db, events, only);
    const once = await snapshot(readModels.db, only);

    await project(readModels.db, events, only);
    await project(readModels.db, events.slice(4, 6), only);

    expect(await snapshot(readModels.db, only)).toEqual(once);
  });
});
