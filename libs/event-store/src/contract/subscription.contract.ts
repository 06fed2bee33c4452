import type { RecordedEvent } from '../event-store.port';
import {
  Collector,
  type ContractContext,
  captureError,
  deferred,
  idsOf,
  newEvents,
  newStreamId,
} from './fixtures';

/** Catch-up subscriptions to the global log: replay, live delivery, redelivery, stopping. */
export function subscriptionContract({ store }: ContractContext): void {
  describe('subscribeToAll', () => {
    let prefix: string;
    const append = async (count: number, stream = 'a') => {
      const events = newEvents(count);
      await store().appendToStream(prefix + stream, events);
      return idsOf(events);
    };
    beforeEach(() => {
      prefix = `${newStreamId('sub')}-`;
    });

    it('replays what exists in batches, resolves caughtUp, then delivers live appends', async () => {
      const existing = [...(await append(3)), ...(await append(2, 'b'))];
      const collector = new Collector();
      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        maxBatchSize: 2,
        handle: collector.handle,
      });

      await subscription.caughtUp;
      expect(idsOf(collector.events)).toEqual(existing);

      const live = [...(await append(1, 'b')), ...(await append(2))];
      await collector.until(existing.length + live.length);
      await subscription.stop();

      expect(idsOf(collector.events)).toEqual([...existing, ...live]);
      expect(collector.batches.every((batch) => batch.length <= 2)).toBe(true);
      expect(subscription.lastProcessed).toBe(collector.events.at(-1)?.position);
    });

    it('starts strictly after a checkpoint', async () => {
      const ids = await append(5);
      const [, second] = await store().readAll({ streamPrefix: prefix });
      const collector = new Collector();

      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        after: second.position,
        handle: collector.handle,
      });
      await subscription.caughtUp;
      await subscription.stop();

      expect(idsOf(collector.events)).toEqual(ids.slice(2));
    });

    it('delivers only streams with the prefix', async () => {
      const wanted = [...(await append(1, 'jv-1')), ...(await append(1, 'jv-2'))];
      await append(2, 'other');
      const collector = new Collector();

      const subscription = store().subscribeToAll({
        streamPrefix: `${prefix}jv-`,
        handle: collector.handle,
      });
      await subscription.caughtUp;
      await append(1, 'other');
      wanted.push(...(await append(1, 'jv-1')));
      await collector.until(wanted.length);
      await subscription.stop();

      expect(idsOf(collector.events)).toEqual(wanted);
    });

    it('loses and repeats nothing when appends arrive while it catches up', async () => {
      const expected = await append(4);
      const collector = new Collector();
      let appendedDuringCatchUp = false;

      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        maxBatchSize: 1,
        handle: async (batch) => {
          if (!appendedDuringCatchUp) {
            appendedDuringCatchUp = true;
            expected.push(...(await append(3)));
          }
          await collector.handle(batch);
        },
      });
      await collector.until(7);
      await subscription.stop();

      expect(idsOf(collector.events)).toEqual(expected);
    });

    it('offers a rejected batch again until the handler accepts it, then goes on', async () => {
      const ids = await append(3);
      const deliveries: string[][] = [];
      const errors: [unknown, number][] = [];
      const failure = new Error('projection unavailable');
      const done = deferred();

      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        maxBatchSize: 2,
        handle: async (batch: readonly RecordedEvent[]) => {
          deliveries.push(idsOf(batch));
          if (deliveries.length <= 2) throw failure;
          if (batch.at(-1)?.id === ids[2]) done.resolve();
        },
        onError: (error, attempt) => errors.push([error, attempt]),
      });
      await done.promise;
      await subscription.stop();

      const firstBatch = ids.slice(0, 2);
      expect(deliveries).toEqual([firstBatch, firstBatch, firstBatch, [ids[2]]]);
      expect(errors).toEqual([
        [failure, 1],
        [failure, 2],
      ]);
    });

    it('does not acknowledge a batch the handler rejected', async () => {
      await append(1);
      const failed = deferred();
      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        handle: async () => {
          throw new Error('always failing');
        },
        onError: () => failed.resolve(),
      });

      await failed.promise;
      await subscription.stop();

      expect(subscription.lastProcessed).toBeUndefined();
    });

    it('stop waits for the batch in flight, then delivers nothing more', async () => {
      const [first] = await append(2);
      const release = deferred();
      const started = deferred();
      const delivered: string[] = [];
      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        maxBatchSize: 1,
        handle: async (batch) => {
          started.resolve();
          await release.promise;
          delivered.push(...idsOf(batch));
        },
      });
      await started.promise;

      let stopped = false;
      const stopping = subscription.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      release.resolve();
      await stopping;

      expect(delivered).toEqual([first]);
      const [firstRecorded] = await store().readAll({ streamPrefix: prefix });
      expect(subscription.lastProcessed).toBe(firstRecorded.position);
      // A subscription still running sees the next append; the stopped one never does.
      const control = new Collector();
      const running = store().subscribeToAll({ streamPrefix: prefix, handle: control.handle });
      await append(1);
      await control.until(3);
      await running.stop();
      expect(delivered).toEqual([first]);
    });

    it('rejects caughtUp when stopped before catching up', async () => {
      await append(3);
      const release = deferred();
      const started = deferred();
      const subscription = store().subscribeToAll({
        streamPrefix: prefix,
        maxBatchSize: 1,
        handle: async () => {
          started.resolve();
          await release.promise;
        },
      });
      await started.promise;

      const stopping = subscription.stop();
      release.resolve();
      await stopping;

      expect(await captureError(subscription.caughtUp)).toBeInstanceOf(Error);
    });
  });
}
