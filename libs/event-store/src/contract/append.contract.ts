import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import type { ExpectedRevision } from '../event-store.port';
import { captureError, type ContractContext, idsOf, newEvents, newStreamId } from './fixtures';

/** Appending: order, revisions, expected revisions, atomicity and idempotency by event id. */
export function appendContract({ store, options }: ContractContext): void {
  describe('append', () => {
    it('records events in order with revisions from 0 and returns the last revision and position', async () => {
      const streamId = newStreamId();
      const first = newEvents(3);
      const second = newEvents(2);

      const r1 = await store().appendToStream(streamId, first);
      const r2 = await store().appendToStream(streamId, second);

      const read = await store().readStream(streamId);
      expect(read).toMatchObject(
        [...first, ...second].map((event, revision) => ({ ...event, streamId, revision })),
      );
      expect(r1).toEqual({ nextExpectedRevision: 2, position: read[2].position });
      expect(r2).toEqual({ nextExpectedRevision: 4, position: read[4].position });
      for (const event of read) {
        expect(new Date(event.committedAt).toISOString()).toBe(event.committedAt);
      }
    });

    it('gives every event a greater global position than the one appended before it', async () => {
      const streamId = newStreamId();
      await store().appendToStream(streamId, newEvents(2));
      await store().appendToStream(newStreamId(), newEvents(1));
      await store().appendToStream(streamId, newEvents(2));

      const positions = (await store().readStream(streamId)).map((event) => event.position);
      expect(typeof positions[0]).toBe('bigint');
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
    });

    it('refuses an empty append', async () => {
      const streamId = newStreamId();
      expect(await captureError(store().appendToStream(streamId, []))).toBeInstanceOf(RangeError);
      expect(await store().readStream(streamId)).toEqual([]);
    });
  });

  describe('expected revision', () => {
    // Each case starts from a stream with `existing` events (0 means no stream).
    const accepted: [string, number, ExpectedRevision | undefined][] = [
      ['no option (any) on a new stream', 0, undefined],
      ['any on a new stream', 0, 'any'],
      ['any on an existing stream', 2, 'any'],
      ['no_stream on a new stream', 0, 'no_stream'],
      ['stream_exists on an existing stream', 2, 'stream_exists'],
      ['the exact last revision', 2, 1],
    ];
    it.each(accepted)('accepts %s', async (_case, existing, expectedRevision) => {
      const streamId = newStreamId();
      if (existing > 0) await store().appendToStream(streamId, newEvents(existing));

      const result = await store().appendToStream(streamId, newEvents(1), { expectedRevision });

      expect(result.nextExpectedRevision).toBe(existing);
      expect(await store().readStream(streamId)).toHaveLength(existing + 1);
    });

    const refused: [string, number, ExpectedRevision, number | undefined][] = [
      ['no_stream on an existing stream', 2, 'no_stream', 1],
      ['stream_exists on a new stream', 0, 'stream_exists', undefined],
      ['an older revision', 2, 0, 1],
      ['a revision not reached yet', 2, 5, 1],
      ['a revision on a new stream', 0, 0, undefined],
    ];
    it.each(refused)(
      'refuses %s, naming the expected and actual revision and writing nothing',
      async (_case, existing, expectedRevision, actual) => {
        const streamId = newStreamId();
        if (existing > 0) await store().appendToStream(streamId, newEvents(existing));

        const error = await captureError(
          store().appendToStream(streamId, newEvents(2), { expectedRevision }),
        );

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId, expected: expectedRevision, actual });
        expect(await store().readStream(streamId)).toHaveLength(existing);
      },
    );
  });

  describe('atomicity', () => {
    it('writes none of the events when one payload cannot be stored', async () => {
      const streamId = newStreamId();
      await store().appendToStream(streamId, newEvents(1));
      const [good, bad] = newEvents(2);
      const unserialisable = { ...bad, data: { amount: 10n } };

      const error = await captureError(store().appendToStream(streamId, [good, unserialisable]));

      expect(error).toBeInstanceOf(TypeError);

      expect(await store().readStream(streamId)).toHaveLength(1);
      expect(idsOf(await store().readAll())).not.toContain(good.id);
    });

    it('refuses a batch that repeats an event id, writing nothing', async () => {
      const streamId = newStreamId();
      const [a, b] = newEvents(2);

      const error = await captureError(store().appendToStream(streamId, [a, b, { ...a }]));

      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(await store().readStream(streamId)).toEqual([]);
    });
  });

  describe('idempotent append by event id', () => {
    it('records a retried append once and answers it with the original result', async () => {
      const streamId = newStreamId();
      const events = newEvents(2);
      const original = await store().appendToStream(streamId, events, {
        expectedRevision: 'no_stream',
      });

      const retried = await store().appendToStream(streamId, events, {
        expectedRevision: 'no_stream',
      });

      expect(retried).toEqual(original);
      expect(idsOf(await store().readStream(streamId))).toEqual(idsOf(events));
    });

    it('recognises a retry after the stream has moved on, whatever it expected', async () => {
      const streamId = newStreamId();
      const events = newEvents(2);
      const original = await store().appendToStream(streamId, events);
      await store().appendToStream(streamId, newEvents(3));

      const retried = await store().appendToStream(streamId, events, { expectedRevision: 1 });

      expect(retried).toEqual(original);
      expect(await store().readStream(streamId)).toHaveLength(5);
    });

    it('refuses a batch whose ids are only partly recorded, writing nothing', async () => {
      const streamId = newStreamId();
      const [a, b, c] = newEvents(3);
      await store().appendToStream(streamId, [a, b]);

      const error = await captureError(store().appendToStream(streamId, [b, c]));

      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(error).toMatchObject({ eventId: b.id });
      expect(idsOf(await store().readStream(streamId))).toEqual([a.id, b.id]);
    });

    if (options.eventIdsUniqueAcrossStreams) {
      it('refuses ids recorded in another stream', async () => {
        const events = newEvents(2);
        await store().appendToStream(newStreamId(), events);
        const other = newStreamId();

        const error = await captureError(store().appendToStream(other, events));

        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(await store().readStream(other)).toEqual([]);
      });
    } else {
      it('records ids already used in another stream as new events of this stream', async () => {
        const events = newEvents(2);
        const first = newStreamId();
        await store().appendToStream(first, events);
        const other = newStreamId();

        const result = await store().appendToStream(other, events, {
          expectedRevision: 'no_stream',
        });

        expect(result.nextExpectedRevision).toBe(1);
        expect(idsOf(await store().readStream(other))).toEqual(idsOf(events));
        expect(idsOf(await store().readStream(first))).toEqual(idsOf(events));
      });
    }

    it('refuses recorded ids offered in a different order', async () => {
      const streamId = newStreamId();
      const [a, b] = newEvents(2);
      await store().appendToStream(streamId, [a, b]);

      const error = await captureError(store().appendToStream(streamId, [b, a]));

      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(await store().readStream(streamId)).toHaveLength(2);
    });
  });
}
