import { appendEvents, type AppendTransaction } from '../append';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from '../event-store.port';
import { SubscriptionHub, type SubscriptionSettings } from '../polling-subscription';
import { decodeEvent, readLimit, type StoredEvent } from '../storage';

export type InMemoryEventStoreOptions = Readonly<{
  subscriptions?: Partial<SubscriptionSettings>;
}>;

/**
 * The event store in a process's memory, for unit tests of the application. It keeps the same
 * rules as the durable adapters (it passes the same contract suite) and loses everything on exit.
 */
export class InMemoryEventStore implements EventStore {
  /** The global log; position p is at index p - 1. */
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly subscriptions: SubscriptionHub;

  // A JavaScript turn cannot be interleaved, so the append rules run as one transaction as is;
  // `insert` is reached only once every check passed, which keeps an append all-or-nothing.
  private readonly transaction: AppendTransaction = {
    findEvent: (eventId) => this.byId.get(eventId),
    lastRevision: (streamId) => this.streams.get(streamId)?.at(-1)?.revision,
    insert: (events) => {
      for (const event of events) {
        const stored: StoredEvent = { ...event, position: BigInt(this.log.length + 1) };
        this.log.push(stored);
        this.byId.set(stored.id, stored);
        const stream = this.streams.get(stored.streamId) ?? [];
        stream.push(stored);
        this.streams.set(stored.streamId, stream);
      }
      return BigInt(this.log.length);
    },
  };

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.subscriptions = new SubscriptionHub(
      {
        readAll: (readOptions) => this.readAll(readOptions),
        headPosition: async () => this.log.at(-1)?.position,
      },
      options.subscriptions,
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: Readonly<{ expectedRevision?: ExpectedRevision }>,
  ): Promise<AppendResult> {
    const result = appendEvents(
      this.transaction,
      streamId,
      events,
      options?.expectedRevision ?? 'any',
    );
    this.subscriptions.notifyAppended();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const limit = readLimit(options.maxCount);
    const selected =
      options.direction === 'backwards'
        ? stream.filter((e) => e.revision <= (options.fromRevision ?? Infinity)).reverse()
        : stream.filter((e) => e.revision >= (options.fromRevision ?? 0));
    return selected.slice(0, limit).map(decodeEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = readLimit(options.maxCount) ?? Infinity;
    const { streamPrefix } = options;
    const start = options.after === undefined ? 0 : Math.max(0, Number(options.after));
    const selected: RecordedEvent[] = [];
    for (let i = start; i < this.log.length && selected.length < limit; i++) {
      const event = this.log[i];
      if (streamPrefix === undefined || event.streamId.startsWith(streamPrefix)) {
        selected.push(decodeEvent(event));
      }
    }
    return selected;
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    return this.subscriptions.subscribe(options);
  }

  async ping(): Promise<void> {
    // Memory is always reachable.
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
  }
}
