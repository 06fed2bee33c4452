import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '../event-store.port';
import { type ContractContext, idsOf, newEvents, newStreamId, writeWithRetries } from './fixtures';

/** Payloads at the edges, and writers racing on one stream. */
export function robustnessContract({ store, options }: ContractContext): void {
  describe('payloads', () => {
    it('round-trips a large payload', async () => {
      const streamId = newStreamId();
      const data = { blob: 'x'.repeat(options.largePayloadBytes), items: [1, 2, 3] };
      const [event] = newEvents(1);

      await store().appendToStream(streamId, [{ ...event, data }]);

      const [fromStream] = await store().readStream(streamId);
      expect(fromStream.data).toEqual(data);
      const [fromLog] = await store().readAll({ streamPrefix: streamId });
      expect(fromLog.data).toEqual(data);
    });

    it('round-trips unicode in stream ids, types, data and metadata', async () => {
      const streamId = `${newStreamId()}-ünïcødé-日本-🛡️`;
      const event: EventToAppend = {
        id: randomUUID(),
        type: 'VertragGeprüft',
        data: {
          name: 'Société Générale de Défense — 防衛装備 — 🛡️',
          rtl: 'שלום עליכם',
          combining: 'e\u0301',
          control: 'a\u0000b\u001f',
          'clé-ñ': ['Ω', '𝄞'],
        },
        metadata: { actor: { subject: 'Zoë Ørsted', memberState: 'ΕΛ' } },
      };

      await store().appendToStream(streamId, [event]);

      const [read] = await store().readStream(streamId);
      expect(read).toMatchObject({ ...event, streamId });
      const [byPrefix] = await store().readAll({ streamPrefix: streamId });
      expect(byPrefix.id).toBe(event.id);
    });

    it('hands back plain JSON values: a copy per read, dates as ISO strings', async () => {
      const streamId = newStreamId();
      const recordedAt = new Date('2031-05-06T07:08:09.000Z');
      const [event] = newEvents(1);
      const data = { recordedAt, nested: { list: [1] } };

      await store().appendToStream(streamId, [{ ...event, data }]);
      data.nested.list.push(2);

      const [first] = await store().readStream(streamId);
      expect(first.data).toEqual({ recordedAt: recordedAt.toISOString(), nested: { list: [1] } });
      (first.data as { nested: { list: number[] } }).nested.list.push(3);
      const [second] = await store().readStream(streamId);
      expect(second.data).toEqual({ recordedAt: recordedAt.toISOString(), nested: { list: [1] } });
    });
  });

  describe('concurrent writers', () => {
    it(
      'lets exactly one writer win each revision, losing and doubling nothing',
      async () => {
        const streamId = newStreamId();
        const appendsPerWriter = 3;
        const writers = Array.from({ length: options.concurrentWriters }, () =>
          Array.from({ length: appendsPerWriter }, () => newEvents(2, 'Raced')),
        );

        const outcomes = await Promise.all(
          writers.map((batches) => writeWithRetries(store(), streamId, batches)),
        );

        const total = options.concurrentWriters * appendsPerWriter * 2;
        const read = await store().readStream(streamId);
        expect(read.map((event) => event.revision)).toEqual([...Array(total).keys()]);
        expect(new Set(idsOf(read)).size).toBe(total);
        // Each batch landed whole, at the revisions its append reported.
        for (const batch of writers.flat()) {
          const at = read.findIndex((event) => event.id === batch[0].id);
          expect(idsOf(read.slice(at, at + 2))).toEqual(idsOf(batch));
        }
        const results = outcomes.flatMap((outcome) => outcome.results);
        expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b)).toEqual(
          [...Array(total / 2).keys()].map((i) => 2 * i + 1),
        );
        // The writers really raced: some of them were refused and had to re-read.
        expect(outcomes.some((outcome) => outcome.conflicts > 0)).toBe(true);
      },
      options.testTimeoutMs * 3,
    );
  });
}
