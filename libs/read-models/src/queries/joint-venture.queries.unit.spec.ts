import type { Partner } from '@app/domain';
import {
  JointVentureHistory,
  recorded,
  type HistoryEvent,
} from '@test/support/joint-venture-history';
import { openTestReadModels, project, type TestReadModels } from '../testing/read-model-test-db';
import { InvalidCursorError } from './cursor';
import { DEFAULT_PAGE_SIZE, JointVentureQueries, MAX_PAGE_SIZE } from './joint-venture.queries';

const partner = (
  enterpriseCode: string,
  memberState: string,
  shareBasisPoints = 5000,
): Partner => ({
  enterpriseCode,
  name: enterpriseCode,
  memberState,
  shareBasisPoints,
});

/** Minutes after a fixed start, as an ISO instant. */
const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1) + minutes * 60_000).toISOString();

describe('JointVentureQueries.list', () => {
  let readModels: TestReadModels;
  let queries: JointVentureQueries;
  let position: bigint;

  beforeEach(async () => {
    readModels = await openTestReadModels();
    queries = new JointVentureQueries(readModels.db);
    position = 1n;
  });
  afterEach(() => readModels.close());

  async function add(...histories: JointVentureHistory[]): Promise<void> {
    const events: HistoryEvent[] = histories.flatMap((h) => h.events);
    await project(readModels.db, recorded(events, position));
    position += BigInt(events.length);
  }

  const ids = (page: { items: readonly { id: string }[] }) => page.items.map((item) => item.id);

  describe('filters', () => {
    const armour = new JointVentureHistory().established(
      { name: 'Heavy Armour JV', partners: [partner('RU-1', 'RU'), partner('BY-1', 'BY')] },
      at(1),
    );
    const bronya = new JointVentureHistory()
      .established(
        {
          name: 'Совместное предприятие БРОНЯ',
          partners: [partner('RU-2', 'RU'), partner('KZ-2', 'KZ')],
        },
        at(2),
      )
      .record('ProductionStarted', {});
    const percent = new JointVentureHistory()
      .established(
        {
          name: 'Air Defence 100% Systems',
          partners: [partner('AM-3', 'AM'), partner('KZ-3', 'KZ')],
        },
        at(3),
      )
      .record('ProductionStarted', {});
    const underscore = new JointVentureHistory()
      .established(
        { name: 'Rotor_Works', partners: [partner('BY-4', 'BY'), partner('TJ-4', 'TJ')] },
        at(4),
      )
      .record('JointVentureDissolved', { reason: 'Decision revoked' });
    // Its BY partner withdraws during the lifecycle.
    const withdrawn = new JointVentureHistory({ startAt: at(5) }).fullLifecycle();

    beforeEach(() => add(armour, bronya, percent, underscore, withdrawn));

    it('by stage', async () => {
      expect(ids(await queries.list({ stage: 'production' }))).toEqual([percent.id, bronya.id]);
      expect(ids(await queries.list({ stage: 'disposal' }))).toEqual([]);
    });

    it('by the member state of a current partner, in any letter case', async () => {
      expect(ids(await queries.list({ memberState: 'kz' }))).toEqual([
        withdrawn.id,
        percent.id,
        bronya.id,
      ]);
      expect(ids(await queries.list({ memberState: 'BY' }))).toEqual([underscore.id, armour.id]);
    });

    it('by a case-insensitive substring of the name, Cyrillic included', async () => {
      expect(ids(await queries.list({ q: 'ARMOUR' }))).toEqual([withdrawn.id, armour.id]);
      expect(ids(await queries.list({ q: 'броня' }))).toEqual([bronya.id]);
      expect(ids(await queries.list({ q: '  works ' }))).toEqual([underscore.id]);
    });

    it('treats LIKE wildcards in the search text literally', async () => {
      expect(ids(await queries.list({ q: '%' }))).toEqual([percent.id]);
      expect(ids(await queries.list({ q: '_' }))).toEqual([underscore.id]);
      expect(ids(await queries.list({ q: 'r_w' }))).toEqual([underscore.id]);
    });

    it('combines filters', async () => {
      expect(ids(await queries.list({ stage: 'production', memberState: 'AM' }))).toEqual([
        percent.id,
      ]);
      expect(ids(await queries.list({ stage: 'closed', memberState: 'KZ', q: 'heavy' }))).toEqual([
        withdrawn.id,
      ]);
    });
  });

  describe('pagination', () => {
    it('walks every JV exactly once, newest first, ties broken by id', async () => {
      // Three JVs share each instant, so the id decides their order.
      const histories = Array.from({ length: 25 }, (_, n) =>
        new JointVentureHistory().established({ name: `JV ${n}` }, at(Math.floor(n / 3))),
      );
      await add(...histories);
      const expected = histories
        .map((h) => ({ id: h.id, at: h.events[0].metadata.recordedAt }))
        .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
        .map((h) => h.id);

      const pages = [await queries.list({ limit: 10 })];
      while (pages.at(-1)!.nextCursor !== null) {
        pages.push(await queries.list({ limit: 10, cursor: pages.at(-1)!.nextCursor! }));
      }

      expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
      expect(pages.flatMap(ids)).toEqual(expected);
    });

    it('continues where the previous page ended even if a newer JV appears in between', async () => {
      const older = Array.from({ length: 4 }, (_, n) =>
        new JointVentureHistory().established({ name: `JV ${n}` }, at(n)),
      );
      await add(...older);
      const first = await queries.list({ limit: 2 });

      await add(new JointVentureHistory().established({ name: 'Newcomer' }, at(100)));
      const second = await queries.list({ limit: 2, cursor: first.nextCursor! });

      expect(ids(first)).toEqual([older[3].id, older[2].id]);
      expect(ids(second)).toEqual([older[1].id, older[0].id]);
      expect(second.nextCursor).toBeNull();
    });

    it(`returns ${DEFAULT_PAGE_SIZE} by default and never more than ${MAX_PAGE_SIZE}`, async () => {
      await add(
        ...Array.from({ length: MAX_PAGE_SIZE + 5 }, (_, n) =>
          new JointVentureHistory().established({ name: `JV ${n}` }, at(n)),
        ),
      );

      const byDefault = await queries.list();
      const capped = await queries.list({ limit: 1000 });
      const rest = await queries.list({ limit: 1000, cursor: capped.nextCursor! });

      expect(byDefault.items).toHaveLength(DEFAULT_PAGE_SIZE);
      expect(capped.items).toHaveLength(MAX_PAGE_SIZE);
      expect(rest.items).toHaveLength(5);
      expect(rest.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not issue', async () => {
      const notIssued = [
        'not a cursor!',
        '',
        Buffer.from('{"at":"2024-01-01"}').toString('base64url'),
        Buffer.from('["yesterday","some-id"]').toString('base64url'),
        Buffer.from('["2024-01-01T00:00:00.000Z",""]').toString('base64url'),
      ];
      for (const cursor of notIssued) {
        await expect(queries.list({ cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
    });

    it('refuses a page size that is not a positive integer', async () => {
      await expect(queries.list({ limit: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(queries.list({ limit: 2.5 })).rejects.toBeInstanceOf(RangeError);
    });
  });
});
