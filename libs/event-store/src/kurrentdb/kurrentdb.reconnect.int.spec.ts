import { startKurrentDb, type TestKurrentDb } from '../../../../test/services/kurrentdb';
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
    for (const handledBefore of [40, 120]) {
      await collector.until(handledBefore);
      await double.stop();
      await pause(300);
      await double.restart();
    }
    await writer;
    await collector.until(written);
    await pause(100); // anything repeated after the last expected event would show up now
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
  }, 60_000);

  it('notices a connection lost while the handler is busy, and resumes after it', async () => {
    const streamId = newStreamId('busy');
    const first = newEvents(1);
    await store.appendToStream(streamId, first);
    const release = deferred();
    const collector = new Collector();
    let lost = 0;
    const subscription = store.subscribeToAll({
      streamPrefix: streamId,
      handle: async (batch) => {
        if (collector.events.length === 0) await release.promise;
        await collector.handle(batch);
      },
      onError: () => lost++,
    });

    await pause(50); // the first batch is in the handler
    await server.double!.restart(); // drops the subscription under it
    release.resolve();
    const second = newEvents(2);
    await eventually(() => store.appendToStream(streamId, second));
    await collector.until(3);
    await subscription.stop();

    expect(idsOf(collector.events)).toEqual(idsOf([...first, ...second]));
    expect(lost).toBeGreaterThan(0);
  }, 20_000);

  it('answers ping while the server is up; while it is down, ping fails fast and calls fail with the port error', async () => {
    const probe = KurrentDbEventStore.connect(server.connectionString, { pingTimeoutMs: 500 });
    await expect(probe.ping()).resolves.toBeUndefined();

    await server.double!.stop();
    const started = Date.now();
    await expect(probe.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    // Callers see the port's error, not the client's.
    await expect(probe.appendToStream(newStreamId(), newEvents(1))).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(probe.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);

    await server.double!.restart();
    await expect(eventually(() => probe.ping())).resolves.toBeUndefined();
    await probe.close();
  }, 20_000);
});

async function eventually<T>(action: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await pause(50);
    }
  }
}
