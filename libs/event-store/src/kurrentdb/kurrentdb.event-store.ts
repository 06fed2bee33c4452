import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventData,
} from '@kurrent/kurrentdb-client';
import { assertDistinctIds, retriedAppendResult } from '../append';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from '../event-store.port';
import { assertExpectedRevision } from '../expected-revision';
import { encodeJson, readLimit } from '../storage';
import {
  collect,
  globalPositionOf,
  logPositionOf,
  prefixFilter,
  toRecorded,
  unavailableAsPortError,
  wrongRevisionOf,
} from './kurrentdb.records';
import {
  KurrentDbSubscription,
  type KurrentDbSubscriptionSettings,
} from './kurrentdb.subscription';

export type KurrentDbEventStoreOptions = Readonly<{
  subscriptions?: Partial<KurrentDbSubscriptionSettings>;
  /** How long `ping` waits for an answer before calling the store unreachable (ms). */
  pingTimeoutMs?: number;
  /** Appends with `any`/`stream_exists` re-read and retry this often when writers race. */
  maxAppendAttempts?: number;
}>;

/**
 * The production adapter: events in a KurrentDB (or EventStoreDB 22.10+) cluster through
 * `@kurrent/kurrentdb-client`. Revisions are the stream revisions, positions the `$all`
 * positions (commit and prepare in one bigint: `globalPositionOf`). Vendor types and errors stay inside this folder.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private readonly pingTimeoutMs: number;
  private readonly maxAppendAttempts: number;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: KurrentDbEventStoreOptions = {},
  ) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 100;
  }

  /** `kurrentdb://user:password@host:2113?tls=true` (see the client's connection-string docs). */
  static connect(connectionString: string, options?: KurrentDbEventStoreOptions) {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString), options);
  }

  /**
   * KurrentDB deduplicates a retried write only when it lands right after the revision it
   * expected. An append with an exact revision (or `no_stream`), as commands make, goes out
   * at once: success, or KurrentDB's own deduplication, answers it in one round trip. When it
   * is refused, and for `any`/`stream_exists`, the port's rule (same ids already consecutive
   * in the stream, whatever was expected) is checked against the stream itself, and the write
   * then goes out with the exact revision that check saw: a writer that got in between turns
   * it into a conflict that is re-checked, never into a duplicate. The one case the fast path
   * does not look for: ids recorded earlier in the stream, offered again at its current
   * revision (a client reusing ids for a new write) are written, not refused. KurrentDB keeps no index by event id, so ids used
   * in another stream are not detected (see the contract option `eventIdsUniqueAcrossStreams`).
   */
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: Readonly<{ expectedRevision?: ExpectedRevision }>,
  ): Promise<AppendResult> {
    return unavailableAsPortError(this.append(streamId, events, options?.expectedRevision));
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return unavailableAsPortError(this.read(streamId, options));
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return unavailableAsPortError(this.readGlobalLog(options));
  }

  private async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision | undefined,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    const proposed = events.map((event) =>
      jsonEvent({
        id: event.id,
        type: event.type,
        // A parsed copy of the encoded text: what is stored is exactly what JSON can represent.
        data: JSON.parse(encodeJson(event.data)) as never,
        metadata: JSON.parse(encodeJson(event.metadata)) as never,
      }),
    );
    assertDistinctIds(events);

    const expected = expectedRevision ?? 'any';
    if (typeof expected === 'number' || expected === 'no_stream') {
      // The command path: one round trip, whatever the stream's length. KurrentDB itself
      // answers a retry landing right after the expected revision with the original result;
      // anything else it refuses goes through the checked path below.
      try {
        const written = await this.write(streamId, proposed, expected);
        if (written) return written;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    for (let attempt = 1; ; attempt++) {
      const stream = await this.read(streamId, {});
      const byId = new Map(stream.map((event) => [event.id, event]));
      const retried = retriedAppendResult(
        streamId,
        events,
        events.map((event) => byId.get(event.id)),
      );
      if (retried) return retried;
      const actual = stream.at(-1)?.revision;
      assertExpectedRevision(streamId, expected, actual);
      try {
        const written = await this.write(streamId, proposed, actual ?? 'no_stream');
        if (written) return written;
        // Answered as a retry without a position: read what it was.
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Writers kept racing past the check for longer than the bound: the port's conflict.
        if (attempt >= this.maxAppendAttempts) throw wrongRevisionOf(error, streamId, expected);
        // Another writer got in after the check: check again against what it wrote.
      }
    }
  }

  /** One append with an exact expectation; undefined when answered without a position. */
  private async write(
    streamId: string,
    proposed: EventData[],
    expected: number | 'no_stream',
  ): Promise<AppendResult | undefined> {
    const result = await this.client.appendToStream(streamId, proposed, {
      streamState: expected === 'no_stream' ? 'no_stream' : BigInt(expected),
    });
    return result.position === undefined
      ? undefined
      : {
          nextExpectedRevision: Number(result.nextExpectedRevision),
          position: globalPositionOf(result.position),
        };
  }

  private async read(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    const limit = readLimit(options.maxCount);
    if (limit === 0) return [];
    const backwards = options.direction === 'backwards';
    try {
      return await collect(
        this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision:
            options.fromRevision !== undefined
              ? BigInt(options.fromRevision)
              : backwards
                ? END
                : START,
          maxCount: limit,
        }),
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /**
   * `$all` from just after `after`, filtered on the server by stream-name prefix; without a
   * prefix, system streams (`$`-prefixed: statistics, projections' links) are left out.
   */
  private async readGlobalLog(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const limit = readLimit(options.maxCount);
    if (limit === 0) return [];
    const after = options.after;
    // A read from a position includes the event there, so one more is asked for and dropped.
    const read = await collect(
      this.client.readAll({
        fromPosition: after === undefined ? START : logPositionOf(after),
        maxCount: limit === undefined ? undefined : limit + 1,
        filter: prefixFilter(options.streamPrefix),
      }),
    );
    const page = read.filter((event) => after === undefined || event.position > after);
    return limit === undefined ? page : page.slice(0, limit);
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    const subscription = new KurrentDbSubscription(
      {
        subscribe: (after) =>
          this.client.subscribeToAll({
            fromPosition: after === undefined ? START : logPositionOf(after),
            filter: prefixFilter(options.streamPrefix),
          }),
        headPosition: () => this.headPosition(options.streamPrefix),
        toRecorded,
      },
      options,
      this.options.subscriptions,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Reads the last event of `$all`; an unreachable or silent cluster fails within the timeout. */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`KurrentDB did not answer within ${this.pingTimeoutMs} ms`)),
        this.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([
        collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** Position of the last event the subscription would see, `undefined` when there is none. */
  private async headPosition(prefix: string | undefined): Promise<GlobalPosition | undefined> {
    const [last] = await collect(
      this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        filter: prefixFilter(prefix),
      }),
    );
    return last?.position;
  }
}
