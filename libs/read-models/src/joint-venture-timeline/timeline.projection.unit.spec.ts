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

  it('records one period per stage entered, closed when the next begins', async () => {
    const jv = new JointVentureHistory().fullLifecycle();

    await project(readModels.db, recorded(jv.events), only);

    expect(await queries.timeline(jv.id)).toEqual([
      period('established', 0, jan(1), jan(2), DAY, '2021-05-20'),
      period('development', 1, jan(2), jan(4), 2 * DAY),
      period('production', 3, jan(4), jan(17), 13 * DAY),
      period('disposal', 16, jan(17), jan(19), 2 * DAY),
      period('closed', 18, jan(19), null, null),
    ]);
  });

  it('reads the phases of release 0.1.0 as stages: a modernization or a repair stays in production', async () => {
    const jv = new JointVentureHistory().release010Lifecycle();

    await project(readModels.db, recorded(jv.events), only);

    expect((await queries.timeline(jv.id))?.map((p) => [p.stage, p.enteredAtVersion])).toEqual([
      ['established', 0],
      ['development', 1],
      ['production', 3],
      ['disposal', 14],
      ['closed', 16],
    ]);
  });

  it('says when a stage took effect, beside when it was recorded', async () => {
    const jv = new JointVentureHistory()
      .established({}, '2024-03-01T10:00:00.000Z')
      .record('ProductionStarted', { effectiveOn: '2023-12-01' }, '2024-03-01T10:30:00.000Z');
    await project(readModels.db, recorded(jv.events), only);
    expect((await queries.timeline(jv.id))?.[1]).toMatchObject({
      stage: 'production',
      enteredOn: '2023-12-01',
      enteredAt: '2024-03-01T10:30:00.000Z',
    });
  });

  it('keeps the current stage open and ends in dissolved when a JV is dissolved', async () => {
    const jv = new JointVentureHistory()
      .established({}, '2024-03-01T10:00:00.000Z')
      .record('ProductionStarted', {}, '2024-03-01T10:30:00.500Z');
    await project(readModels.db, recorded(jv.events), only);
    const open = await queries.timeline(jv.id);

    jv.record('JointVentureDissolved', { reason: 'Decision revoked' }, '2024-03-02T10:30:00.500Z');
    await project(readModels.db, recorded(jv.events.slice(2), 3n), only);

    expect(open?.at(-1)).toEqual(period('production', 1, '2024-03-01T10:30:00.500Z', null, null));
    expect(await queries.timeline(jv.id)).toEqual([
      period(
        'established',
        0,
        '2024-03-01T10:00:00.000Z',
        '2024-03-01T10:30:00.500Z',
        1800.5,
        '2021-05-20',
      ),
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
  stage: string,
  enteredAtVersion: number,
  enteredAt: string,
  leftAt: string | null,
  durationSeconds: number | null,
  enteredOn = enteredAt.slice(0, 10),
) {
  return { stage, enteredOn, enteredAt, leftAt, durationSeconds, enteredAtVersion };
}
