import { JointVentureQueries } from '../queries/joint-venture.queries';
import { JointVentureHistory, recorded } from '@test/support/joint-venture-history';
import {
  openTestReadModels,
  project,
  snapshot,
  type TestReadModels,
} from '../testing/read-model-test-db';
import { jointVentureTimeline } from './timeline.projection';

const only = [jointVentureTimeline];
const DAY = 86_400;

/** 08:00 UTC on the n-th day of January 2024, the history builder's default clock. */
const jan = (n: number) => `2024-01-${String(n).padStart(2, '0')}T08:00:00.000Z`;

describe('JointVentureTimeline projection', () => {
  let readModels: TestReadModels;
  let queries: JointVentureQueries;

  beforeEach(async () => {
    readModels = await openTestReadModels();
    queries = new JointVentureQueries(readModels.db);
  });
  afterEach(() => readModels.close());

  it('records one period per phase entered, closed when the next begins', async () => {
    const jv = new JointVentureHistory().fullLifecycle();

    await project(readModels.db, recorded(jv.events), only);

    expect(await queries.timeline(jv.id)).toEqual([
      period('established', 0, jan(1), jan(2), DAY),
      period('development', 1, jan(2), jan(4), 2 * DAY),
      period('production', 3, jan(4), jan(11), 7 * DAY),
      period('modernization', 10, jan(11), jan(12), DAY),
      period('production', 11, jan(12), jan(13), DAY),
      period('repair', 12, jan(13), jan(14), DAY),
      period('production', 13, jan(14), jan(15), DAY),
      period('disposal', 14, jan(15), jan(17), 2 * DAY),
      period('closed', 16, jan(17), null, null),
    ]);
  });

  it('keeps the current phase open and ends in dissolved when a JV is dissolved', async () => {
    const jv = new JointVentureHistory()
      .established({}, '2024-03-01T10:00:00.000Z')
      .record('ProductionStarted', {}, '2024-03-01T10:30:00.500Z');
    await project(readModels.db, recorded(jv.events), only);
    const open = await queries.timeline(jv.id);

    jv.record('JointVentureDissolved', { reason: 'Decision revoked' }, '2024-03-02T10:30:00.500Z');
    await project(readModels.db, recorded(jv.events.slice(2), 3n), only);

    expect(open?.at(-1)).toEqual(period('production', 1, '2024-03-01T10:30:00.500Z', null, null));
    expect(await queries.timeline(jv.id)).toEqual([
      period('established', 0, '2024-03-01T10:00:00.000Z', '2024-03-01T10:30:00.500Z', 1800.5),
      period('production', 1, '2024-03-01T10:30:00.500Z', '2024-03-02T10:30:00.500Z', DAY),
      period('dissolved', 2, '2024-03-02T10:30:00.500Z', null, null),
    ]);
  });

  it('is undefined for a joint venture it does not know', async () => {
    expect(await queries.timeline('5b0c6f0e-2a4b-4d7c-9f3e-1a2b3c4d5e6f')).toBeUndefined();
  });

  it('changes nothing when events are delivered again, in a batch or one by one', async () => {
    const events = recorded(new JointVentureHistory().fullLifecycle().events);
    await project(readModels.db, events, only);
    const once = await snapshot(readModels.db, only);

    await project(readModels.db, events, only);
    for (const event of events) await project(readModels.db, [event], only);

    expect(await snapshot(readModels.db, only)).toEqual(once);
  });
});

function period(
  phase: string,
  enteredAtVersion: number,
  enteredAt: string,
  leftAt: string | null,
  durationSeconds: number | null,
) {
  return { phase, enteredAt, leftAt, durationSeconds, enteredAtVersion };
}
