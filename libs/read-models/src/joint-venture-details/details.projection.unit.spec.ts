import { NO_UNITS } from '@app/domain';
import { JointVentureQueries } from '../queries/joint-venture.queries';
import { JointVentureHistory, recorded, TANK } from '@test/support/joint-venture-history';
import { projectionSpec } from '../testing/projection-spec';
import { openTestReadModels, project, type TestReadModels } from '../testing/read-model-test-db';
import { jointVentureDetails } from './details.projection';

const only = [jointVentureDetails];
/** Given / when / then on a database of its own per scenario. */
const details = projectionSpec(only);
const { versions: _, ...none } = NO_UNITS;
const version = (name: string | null, counts: object = {}) => ({
  version: name,
  produced: 0,
  upgradedIn: 0,
  upgradedOut: 0,
  inService: 0,
  inRepair: 0,
  inModernization: 0,
  writtenOff: 0,
  disposed: 0,
  ...counts,
});

describe('JointVentureDetails projection', () => {
  let readModels: TestReadModels;
  let queries: JointVentureQueries;

  beforeEach(async () => {
    readModels = await openTestReadModels();
    queries = new JointVentureQueries(readModels.db);
  });
  afterEach(() => readModels.close());

  /** Given the events, when projected, then the read model answers. */
  const given = async (jv: JointVentureHistory) => {
    await project(readModels.db, recorded(jv.events), only);
    return jv;
  };

  it('shows the whole lifecycle: partners and shares, product lines with units per version, IP, milestones', async () => {
    const jv = await given(new JointVentureHistory().fullLifecycle());

    expect(await queries.get(jv.id)).toEqual({
      id: jv.id,
      name: 'Heavy Armour JV',
      stage: 'closed',
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
          ...{ ...none, produced: 10, inService: 6, disposed: 4, upgraded: 3, repaired: 2 },
          versions: [
            version(null, { produced: 10, upgradedOut: 3, inService: 3, disposed: 4 }),
            version('B3M', { upgradedIn: 3, inService: 3 }),
          ],
        },
        {
          productCode: 'MZKT-7930',
          name: 'Heavy wheeled chassis',
          standard: null,
          ...{ ...none, produced: 4, inService: 4 },
          versions: [version(null, { produced: 4, inService: 4 })],
        },
        {
          productCode: 'ORLAN-30',
          name: 'Reconnaissance drone',
          standard: null,
          ...none,
          versions: [],
        },
      ],
      openWorkOrders: 0,
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
      milestones: [{ name: 'Prototype accepted', reachedOn: '2024-01-03', version: 2 }],
      establishedAt: '2024-01-01T08:00:00.000Z',
      updatedAt: '2024-01-19T08:00:00.000Z',
      version: 18,
    });
  });

  it('answers the unit totals as of a date, by when each fact took effect', async () => {
    const jv = await given(
      new JointVentureHistory()
        .established()
        .record('ProductionStarted', {})
        .record('BatchProduced', {
          productCode: TANK,
          productVersion: null,
          quantity: 10,
          batchReference: 'B-1',
          producedOn: '2024-03-01',
        })
        // Recorded later, produced earlier.
        .record('BatchProduced', {
          productCode: TANK,
          productVersion: null,
          quantity: 4,
          batchReference: 'B-2',
          producedOn: '2024-02-01',
        })
        .record('WorkOrderOpened', {
          workOrderId: 'R-1',
          kind: 'repair',
          units: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 3 },
          effectiveOn: '2024-04-01',
        }),
    );
    const tanksOn = async (asOf: string) => {
      const detail = await queries.get(jv.id, { asOf });
      return detail?.productLines.find((line) => line.productCode === TANK);
    };
    expect(await tanksOn('2024-01-31')).toEqual({
      productCode: TANK,
      name: 'Main battle tank',
      standard: 'GOST RV 15.203',
      ...none,
    });
    expect(await tanksOn('2024-02-01')).toMatchObject({ produced: 4, inService: 4 });
    expect(await tanksOn('2024-03-31')).toMatchObject({ produced: 14, inService: 14, inRepair: 0 });
    expect(await tanksOn('2024-04-01')).toMatchObject({ produced: 14, inService: 11, inRepair: 3 });
    expect((await queries.get(jv.id, { asOf: '2024-02-01' }))?.asOf).toBe('2024-02-01');
  });

  it('takes a reversed fact out of the totals as of every date it counted on', async () => {
    const jv = new JointVentureHistory()
      .established()
      .record('ProductionStarted', {})
      .record('BatchProduced', {
        productCode: TANK,
        productVersion: null,
        quantity: 10,
        batchReference: 'B-1',
        producedOn: '2024-03-01',
      });
    jv.record('FactReversed', {
      reversedVersion: 2,
      reversedEventId: jv.events[2].id,
      reversedType: 'BatchProduced',
      reason: 'entered in the wrong JV',
      effectiveOn: '2024-03-01',
    });
    await given(jv);
    for (const asOf of ['2024-03-01', '2025-01-01'])
      expect((await queries.get(jv.id, { asOf }))?.productLines[0]).toMatchObject({
        produced: 0,
        inService: 0,
      });
    expect((await queries.get(jv.id))?.productLines[0]).toMatchObject({
      produced: 0,
      versions: [],
    });
    // The facts are rows of their own, read back for the reversal; the document stays small.
    const facts = await readModels.db
      .selectFrom('jv_facts')
      .select(['version', 'reversed'])
      .execute();
    expect(facts).toEqual([{ version: 2, reversed: 1 }]);
    const { state } = await readModels.db
      .selectFrom('jv_details')
      .select('state')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(state)).not.toHaveProperty('facts');
  });

  it('lists the work orders with their units, optionally by status', async () => {
    const jv = await given(
      new JointVentureHistory()
        .established()
        .record('ProductionStarted', {})
        .record('BatchProduced', {
          productCode: TANK,
          productVersion: null,
          quantity: 10,
          batchReference: 'B-1',
          producedOn: '2024-01-02',
        })
        .record('WorkOrderOpened', {
          workOrderId: 'M-1',
          kind: 'modernization',
          units: { productCode: TANK, fromVersion: null, toVersion: 'B3M', quantity: 4 },
        })
        .record('WorkOrderOpened', {
          workOrderId: 'R-1',
          kind: 'repair',
          units: { productCode: TANK, fromVersion: null, toVersion: null, quantity: 2 },
        })
        .record('WorkOrderCancelled', {
          workOrderId: 'R-1',
          kind: 'repair',
          productCode: TANK,
          fromVersion: null,
          returned: 2,
          reason: 'not needed',
        }),
    );
    expect(
      (await queries.workOrders(jv.id))?.map((o) => [o.workOrderId, o.status, o.held]),
    ).toEqual([
      ['M-1', 'open', 4],
      ['R-1', 'cancelled', 0],
    ]);
    expect(await queries.workOrders(jv.id, { status: 'open' })).toEqual([
      {
        workOrderId: 'M-1',
        kind: 'modernization',
        status: 'open',
        openedOn: '2024-01-04',
        closedOn: null,
        units: { productCode: TANK, fromVersion: null, toVersion: 'B3M', quantity: 4 },
        held: 4,
        upgraded: 0,
        repaired: 0,
        writtenOff: 0,
        returned: 0,
        handled: null,
      },
    ]);
    expect((await queries.get(jv.id))?.openWorkOrders).toBe(1);
    expect(await queries.workOrders('5b0c6f0e-2a4b-4d7c-9f3e-1a2b3c4d5e6f')).toBeUndefined();
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
