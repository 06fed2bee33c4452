import { startKurrentDb, type TestKurrentDb } from '../../../../test/services/kurrentdb';
import { waitUntil } from '../../../../test/support/wait';
import { Collector, deferred, idsOf, newEvents, newStreamId } from '../contract/fixtures';
import { EventStoreUnavailableError } from '../errors';
import type { RecordedEvent } from '../event-store.port';
import { KurrentDbEventStore } from './kurrentdb.event-store';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The server goes away and comes back while a writer appends and a subscription runs: the
 * subscription must resume where its handler left off, repeating and skipping nothing. Only the
 * double can be stopped and restarted on the same port here, so this suite always uses it.
 */
describe('KurrentDbEventStore across a server restart', () => {
  let server: TestKurrentDb;
  let store: KurrentDbEventStore;
  beforeEach(async () => {
    server = await startKurrentDb({ require: 'double' });
    store = KurrentDbEventStore.connect(server.connectionString, {
      subscriptions: { retryInitialDelayMs: 10, retryMaxDelayMs: 100 },
    });
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('resumes the subscription with no gap and no duplicate while a writer keeps appending', async () => {
    const prefix = `${newStreamId('restart')}-`;
    const appends = 150;
    let writerErrors = 0;
    let written = 0;

    // The writer retries each batch with the same event ids until it is accepted: a retry of
    // an append that did land before the connection dropped must not write it twice.
    const writer = (async () => {
      for (let i = 0; i < appends; i++) {
        const batch = newEvents(1 + (i % 3));
        for (let attempt = 1; ; attempt++) {
          try {
            await store.appendToStream(`${prefix}${i % 5}`, batch);
            written += batch.length;
            break;
          } catch (error) {
            writerErrors++;
            if (attempt > 500) throw error;
            await pause(10);
          }
        }
      }
    })();

    const collector = new Collector();
    const positionsInOrder: boolean[] = [];
    let subscriptionErrors = 0;
    const subscription = store.subscribeToAll({
      streamPrefix: prefix,
      maxBatchSize: 7,
      handle: async (batch: readonly RecordedEvent[]) => {
        const previous = collector.events.at(-1)?.position ?? -1n;
        positionsInOrder.push(
          batch.every((event, i) => event.position > (batch[i - 1]?.position ?? previous)),
        );
        await collector.handle(batch);
      },
      onError: () => subscriptionErrors++,
    });

    const double = server.double!;
    let writing = true;
    void writer.finally(() => (writing = false)).catch(() => undefined);
    for (const handledBefore of [40, 120]) {
      await collector.until(handledBefore);
      const [subscriptionSaw, writerSaw] = [subscriptionErrors, writerErrors];
      await double.stop();
      // Down until both sides have met the outage (the writer, if it is still writing).
      await waitUntil(
        () => subscriptionErrors > subscriptionSaw && (writerErrors > writerSaw || !writing),
        { what: 'the subscription and the writer to notice the outage' },
      );
      await double.restart();
    }
    await writer;
    // A last event after all the others: once it is handled, a repeat of anything before it
    // would have been handled too, so the comparison below sees every duplicate there is.
    const last = newEvents(1);
    await store.appendToStream(`${prefix}last`, last);
    written += last.length;
    await collector.until(written);
    await subscription.stop();

    const log = await store.readAll({ streamPrefix: prefix });
    expect(log).toHaveLength(written);
    expect(idsOf(collector.events)).toEqual(idsOf(log));
    expect(collector.events.map((event) => event.position)).toEqual(
      log.map((event) => event.position),
    );
    expect(positionsInOrder.every(Boolean)).toBe(true);
    expect(subscription.lastProcessed).toBe(log.at(-1)?.position);
    // The outages were real: both the writer and the subscription saw them.
    expect(subscriptionErrors).toBeGreaterThan(0);
    expect(writerErrors).toBeGreaterThan(0);
  });

  it('notices a connection lost while the handler is busy, and resumes after it', async () => {
    const streamId = newStreamId('busy');
    const first = newEvents(1);
    await store.appendToStream(streamId, first);
    const release = deferred();
    const entered = deferred();
    const collector = new Collector();
    let lost = 0;
    const subscription = store.subscribeToAll({
      streamPrefix: streamId,
      handle: async (batch) => {
        if (collector.events.length === 0) {
          entered.resolve();
          await release.promise;
        }
        await collector.handle(batch);
      },
      onError: () => lost++,
    });

    await entered.promise; // the first batch is in the handler
    await server.double!.restart(); // drops the subscription under it
    release.resolve();
    const second = newEvents(2);
    await waitUntil(() => store.appendToStream(streamId, second), {
      what: 'an append once the server is back',
    });
    await collector.until(3);
    await subscription.stop();

    expect(idsOf(collector.events)).toEqual(idsOf([...first, ...second]));
    expect(lost).toBeGreaterThan(0);
  });

  it('answers ping while the server is up; while it is down, ping fails and calls fail with the port error', async () => {
    const probe = KurrentDbEventStore.connect(server.connectionString, { pingTimeoutMs: 500 });
    await expect(probe.ping()).resolves.toBeUndefined();

    await server.double!.stop();
    // Bounded by pingTimeoutMs by construction; a hang would end at the test's own bound.
    await expect(probe.ping()).rejects.toThrow();
    // Callers see the port's error, not the client's.
    await expect(probe.appendToStream(newStreamId(), newEvents(1))).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(probe.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);

    await server.double!.restart();
    await waitUntil(() => probe.ping().then(() => true), { what: 'ping to answer again' });
    await probe.close();
  });
});
