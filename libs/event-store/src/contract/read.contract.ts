import type { EventStore, RecordedEvent } from '../event-store.port';
import { type ContractContext, idsOf, newEvents, newStreamId } from './fixtures';

const revisions = (events: readonly RecordedEvent[]) => events.map((event) => event.revision);

/** Reading one stream, and the global log across streams. */
export function readContract({ store }: ContractContext): void {
  describe('readStream', () => {
    let streamId: string;
    beforeEach(async () => {
      streamId = newStreamId();
      await store().appendToStream(streamId, newEvents(5));
    });

    it('reads forwards from revision 0 by default', async () => {
      expect(revisions(await store().readStream(streamId))).toEqual([0, 1, 2, 3, 4]);
    });

    it('reads backwards from the last event', async () => {
      const read = await store().readStream(streamId, { direction: 'backwards' });
      expect(revisions(read)).toEqual([4, 3, 2, 1, 0]);
    });

    it('starts at fromRevision, inclusive, in either direction', async () => {
      expect(revisions(await store().readStream(streamId, { fromRevision: 3 }))).toEqual([3, 4]);
      const backwards = await store().readStream(streamId, {
        direction: 'backwards',
        fromRevision: 1,
      });
      expect(revisions(backwards)).toEqual([1, 0]);
    });

    it('returns at most maxCount events', async () => {
      expect(revisions(await store().readStream(streamId, { maxCount: 2 }))).toEqual([0, 1]);
      const last = await store().readStream(streamId, { direction: 'backwards', maxCount: 1 });
      expect(revisions(last)).toEqual([4]);
      expect(await store().readStream(streamId, { fromRevision: 1, maxCount: 0 })).toEqual([]);
    });

    it('returns an empty array for a stream that does not exist', async () => {
      expect(await store().readStream(newStreamId())).toEqual([]);
      expect(await store().readStream(newStreamId(), { direction: 'backwards' })).toEqual([]);
    });
  });

  describe('readAll', () => {
    // Streams of one test share a unique prefix, so reads by prefix see only this test's events.
    let prefix: string;
    let appended: string[];
    beforeEach(async () => {
      prefix = `${newStreamId('all')}-`;
      appended = [];
      for (const stream of ['a', 'b', 'a', 'c', 'b']) {
        const events = newEvents(2);
        await store().appendToStream(prefix + stream, events);
        appended.push(...idsOf(events));
      }
    });

    it('returns the events of all streams in the order they were appended', async () => {
      const read = await store().readAll({ streamPrefix: prefix });

      expect(idsOf(read)).toEqual(appended);
      expectStrictlyIncreasing(read);
    });

    it('includes every stream when no prefix is given', async () => {
      const read = await store().readAll();

      // A shared backend may hold other events too: ours must all be there, in order.
      expect(idsOf(read).filter((id) => appended.includes(id))).toEqual(appended);
      expectStrictlyIncreasing(read);
    });

    it('reads strictly after the given position, at most maxCount events', async () => {
      const all = await store().readAll({ streamPrefix: prefix });

      const page = await store().readAll({
        streamPrefix: prefix,
        after: all[3].position,
        maxCount: 4,
      });

      expect(idsOf(page)).toEqual(appended.slice(4, 8));
      expect(await store().readAll({ streamPrefix: prefix, after: all[9].position })).toEqual([]);
    });

    it('pages through the whole log without gaps or repeats', async () => {
      expect(idsOf(await readInPages(store(), prefix, 3))).toEqual(appended);
    });

    it('filters by stream prefix', async () => {
      const read = await store().readAll({ streamPrefix: `${prefix}b` });

      expect(read.map((event) => event.streamId)).toEqual(Array(4).fill(`${prefix}b`));
      expect(idsOf(read)).toEqual([...appended.slice(2, 4), ...appended.slice(8, 10)]);
    });

    it('takes the prefix literally, not as a pattern', async () => {
      const wild = `${newStreamId('wild')}-`;
      const literal = ['*x', '?x', '[x]', '%x', '_x', '\\x'];
      for (const suffix of [...literal, 'ax', 'bx']) {
        await store().appendToStream(wild + suffix, newEvents(1));
      }

      for (const suffix of literal) {
        const read = await store().readAll({ streamPrefix: wild + suffix.slice(0, -1) });
        expect(read.map((event) => event.streamId)).toEqual([wild + suffix]);
      }
    });
  });
}

function expectStrictlyIncreasing(events: readonly RecordedEvent[]): void {
  events.slice(1).forEach((event, i) => expect(event.position > events[i].position).toBe(true));
}

async function readInPages(store: EventStore, streamPrefix: string, maxCount: number) {
  const read: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ streamPrefix, maxCount, after: read.at(-1)?.position });
    read.push(...page);
    if (page.length < maxCount) return read;
  }
}
