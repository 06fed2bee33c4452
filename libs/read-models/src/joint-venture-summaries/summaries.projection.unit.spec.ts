import { foldEvents, NO_UNITS, type JointVentureEvent } from '@app/domain';
import { JointVentureQueries } from '../queries/joint-venture.queries';
import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import {
  openTestReadModels,
  project,
  snapshot,
  type TestReadModels,
} from '../testing/read-model-test-db';
import { jointVentureDetails } from '../joint-venture-details/details.projection';
import { jointVentureSummaries } from './summaries.projection';

const only = [jointVentureSummaries];
/** The list's totals are summed from the details' unit changes. */
const withTotals = [jointVentureSummaries, jointVentureDetails];

describe('JointVentureSummaries projection', () => {
  let readModels: TestReadModels;
  let queries: JointVentureQueries;

  beforeEach(async () => {
    readModels = await openTestReadModels();
    queries = new JointVentureQueries(readModels.db);
  });
  afterEach(() => readModels.close());

  it('summarises a whole lifecycle: stage, current member states, totals per product code', async () => {
    const jv = new JointVentureHistory().fullLifecycle();

    await project(readModels.db, recorded(jv.events), withTotals);

    const { items } = await queries.list();
    expect(items).toEqual([
      {
        id: jv.id,
        name: 'Heavy Armour JV',
        stage: 'closed',
        purposes: ['development', 'production', 'modernization', 'repair', 'disposal'],
        decision: { reference: 'IMEC-21/4', date: '2021-05-20' },
        memberStates: ['KZ', 'RU'],
        establishedAt: '2024-01-01T08:00:00.000Z',
        updatedAt: '2024-01-19T08:00:00.000Z',
        version: 18,
        totals: [
          {
            productCode: 'MZKT-7930',
            name: 'Heavy wheeled chassis',
            ...units({ produced: 4, inService: 4 }),
          },
          { productCode: 'ORLAN-30', name: 'Reconnaissance drone', ...units({}) },
          {
            productCode: 'T-72B3',
            name: 'Main battle tank',
            ...units({ produced: 10, inService: 6, disposed: 4, upgraded: 3, repaired: 2 }),
          },
        ],
      },
    ]);
  });

  it('lists a JV of release 0.1.0 with the totals 0.1.0 counted', async () => {
    const jv = new JointVentureHistory().release010Lifecycle();

    await project(readModels.db, recorded(jv.events), withTotals);

    const [item] = (await queries.list()).items;
    expect(item.stage).toBe('closed');
    expect(item.totals.find((t) => t.productCode === 'T-72B3')).toEqual({
      productCode: 'T-72B3',
      name: 'Main battle tank',
      ...units({ produced: 10, inService: 6, disposed: 4, upgraded: 3, repaired: 2 }),
    });
  });

  it("agrees with the domain's evolve on the stage after every event", async () => {
    const jv = new JointVentureHistory().fullLifecycle();
    const events = recorded(jv.events);

    for (let n = 1; n <= events.length; n++) {
      await project(readModels.db, events.slice(n - 1, n), only);
      const state = foldEvents(jv.events.slice(0, n) as unknown as JointVentureEvent[]);
      const [summary] = (await queries.list()).items;
      expect({ version: summary.version, stage: summary.stage }).toEqual({
        version: n - 1,
        stage: state.status === 'existing' ? state.stage : undefined,
      });
    }
  });

  it('changes nothing when the same batch is delivered twice', async () => {
    const events = recorded(new JointVentureHistory().fullLifecycle().events);
    await project(readModels.db, events, only);
    const once = await snapshot(readModels.db, only);

    await project(readModels.db, events, only);

    expect(await snapshot(readModels.db, only)).toEqual(once);
  });

  it('changes nothing when an old event is redelivered after newer ones', async () => {
    const events = recorded(new JointVentureHistory().fullLifecycle().events);
    await project(readModels.db, events, only);
    const before = await snapshot(readModels.db, only);
    const batchProduced = events.find((e) => e.type === 'BatchProduced')!;

    await project(readModels.db, [batchProduced], only);

    expect(await snapshot(readModels.db, only)).toEqual(before);
  });

  it('ignores events of a joint venture whose establishment it never saw', async () => {
    const events = recorded(new JointVentureHistory().fullLifecycle().events);

    await project(readModels.db, events.slice(1), only);

    expect(await queries.list()).toEqual({ items: [], nextCursor: null });
  });
});

function units(counts: Partial<Record<string, number>>) {
  const { versions: _, ...none } = NO_UNITS;
  return { ...none, ...counts };
}
