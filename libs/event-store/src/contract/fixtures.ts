import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../errors';
import type { AppendResult, EventStore, EventToAppend, RecordedEvent } from '../event-store.port';

/** A store for one test and how to dispose of it (close it, delete its files). */
export type EventStoreFixture = Readonly<{ store: EventStore; cleanup: () => Promise<void> }>;

/**
 * Where real backends differ. The factory should also make the store's subscription timings
 * short (poll interval, retry backoff) so the suite runs fast; no test depends on them.
 */
export type EventStoreContractOptions = Readonly<{
  /** Size of the payload in the large-payload test (default 1 MiB). */
  largePayloadBytes?: number;
  /** Writers racing on one stream (default 20). */
  concurrentWriters?: number;
  /** Per-test timeout for slow, remote backends (default 10 s). */
  testTimeoutMs?: number;
  /**
   * Whether an event id is refused once any stream holds it (default true). KurrentDB keeps no
   * index by event id and deduplicates only within a stream, so its adapter cannot see an id
   * recorded in another stream without scanning the whole log: there it is `false`.
   */
  eventIdsUniqueAcrossStreams?: boolean;
}>;

export type ContractContext = Readonly<{
  /** The store of the running test. */
  store: () => EventStore;
  options: Required<EventStoreContractOptions>;
}>;

/** A stream id no other test uses, so the suite also runs against a shared, non-empty store. */
export const newStreamId = (label = 'contract') => `${label}-${randomUUID()}`;

/** `count` events with fresh ids, numbered in their data so order is visible. */
export function newEvents(count: number, type = 'ThingHappened'): EventToAppend[] {
  return Array.from({ length: count }, (_, n) => ({
    id: randomUUID(),
    type,
    data: { n },
    metadata: { correlationId: `corr-${n}` },
  }));
}

export const idsOf = (events: readonly { id: string }[]) => events.map((event) => event.id);

/** The error a promise rejects with; fails the test when it resolves. */
export async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A subscription handler that records batches and lets a test wait for a number of events. */
export class Collector {
  readonly batches: RecordedEvent[][] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  get events(): RecordedEvent[] {
    return this.batches.flat();
  }

  readonly handle = async (batch: readonly RecordedEvent[]): Promise<void> => {
    this.batches.push([...batch]);
    const received = this.events.length;
    this.waiters = this.waiters.filter((waiter) => {
      if (received < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  /** Resolves once at least `count` events were delivered (the test timeout guards the rest). */
  until(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

/** The command-handler pattern: read the stream's revision, append expecting it, retry on conflict. */
export async function writeWithRetries(
  store: EventStore,
  streamId: string,
  batches: EventToAppend[][],
) {
  const results: AppendResult[] = [];
  let conflicts = 0;
  for (const batch of batches) {
    for (;;) {
      // A store that never lets a writer through must fail the test, not spin until the timeout.
      if (conflicts > 10_000) throw new Error('writer starved: no append accepted');
      const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      try {
        const expectedRevision = last === undefined ? 'no_stream' : last.revision;
        results.push(await store.appendToStream(streamId, batch, { expectedRevision }));
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        conflicts++;
      }
    }
  }
  return { results, conflicts };
}
