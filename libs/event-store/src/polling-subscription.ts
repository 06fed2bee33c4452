import type {
  GlobalPosition,
  ReadAllOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from './event-store.port';

/** Timing of subscriptions; the defaults suit production, tests shorten them. */
export type SubscriptionSettings = Readonly<{
  /** How often a live subscription looks for appends it was not told about (ms). */
  pollIntervalMs: number;
  /** First wait before a failed batch is offered again; it doubles per attempt (ms). */
  retryInitialDelayMs: number;
  /** Longest wait between two attempts (ms). */
  retryMaxDelayMs: number;
}>;

const defaultSettings: SubscriptionSettings = {
  pollIntervalMs: 200,
  retryInitialDelayMs: 50,
  retryMaxDelayMs: 5_000,
};

const defaultMaxBatchSize = 100;

/** What a subscription needs from a store: the global log and where it ends. */
export type GlobalLogSource = Readonly<{
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  headPosition(): Promise<GlobalPosition | undefined>;
}>;

/**
 * The subscriptions of one store. Adapters only provide `readAll` and call `notifyAppended`
 * after each commit; catching up, going live, retrying and stopping are the same for all.
 */
export class SubscriptionHub {
  private readonly settings: SubscriptionSettings;
  private readonly active = new Set<PollingSubscription>();

  constructor(
    private readonly source: GlobalLogSource,
    settings: Partial<SubscriptionSettings> = {},
  ) {
    this.settings = { ...defaultSettings, ...settings };
  }

  /** Starts a catch-up subscription (see `EventReader.subscribeToAll`). */
  subscribe(options: SubscriptionOptions): Subscription {
    const subscription = new PollingSubscription(this.source, this.settings, options, () =>
      this.active.delete(subscription),
    );
    this.active.add(subscription);
    return subscription;
  }

  /** Wakes live subscriptions at once instead of at their next poll. */
  notifyAppended(): void {
    for (const subscription of this.active) subscription.wake();
  }

  /** Stops every subscription still running, waiting for their batches in flight. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.active].map((subscription) => subscription.stop()));
  }
}

type Sleeper = Readonly<{ wakeOnAppend: boolean; finish: () => void }>;

/**
 * Pages through `readAll` from the checkpoint, handing each page to the handler, then sleeps
 * until an append is signalled or the poll interval passes (appends by other processes on the
 * same file are only seen by polling). Never rejects: failures go to `onError` and are retried.
 */
class PollingSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;
  private isCaughtUp = false;
  private stopping = false;
  /** Set by `wake`, cleared before each read: an append seen during a read is not lost. */
  private appendSignalled = false;
  private sleeper: Sleeper | undefined;
  private checkpoint: GlobalPosition | undefined;
  private acknowledged: GlobalPosition | undefined;
  private readonly batchSize: number;
  private readonly done: Promise<void>;

  constructor(
    private readonly source: GlobalLogSource,
    private readonly settings: SubscriptionSettings,
    private readonly options: SubscriptionOptions,
    onFinished: () => void,
  ) {
    this.batchSize = options.maxBatchSize ?? defaultMaxBatchSize;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${this.batchSize}`);
    }
    this.checkpoint = options.after;
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    // Whoever never awaits `caughtUp` must not get an unhandled rejection when stopping early.
    this.caughtUp.catch(() => undefined);
    this.done = this.run().finally(onFinished);
  }

  get lastProcessed(): GlobalPosition | undefined {
    return this.acknowledged;
  }

  /** Do not await this from inside `handle`: it waits for that very batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper?.finish();
    await this.done;
  }

  wake(): void {
    this.appendSignalled = true;
    if (this.sleeper?.wakeOnAppend) this.sleeper.finish();
  }

  private async run(): Promise<void> {
    let head: GlobalPosition | undefined;
    let headKnown = false;
    let readFailures = 0;
    while (!this.stopping) {
      let batch: RecordedEvent[];
      try {
        if (!headKnown) head = await this.source.headPosition();
        headKnown = true;
        this.appendSignalled = false;
        batch = await this.source.readAll({
          after: this.checkpoint,
          maxCount: this.batchSize,
          streamPrefix: this.options.streamPrefix,
        });
        if (readFailures > 0) this.recovered();
        readFailures = 0;
      } catch (error) {
        this.report(error, ++readFailures);
        await this.sleep(this.backoff(readFailures), false);
        continue;
      }

      if (batch.length > 0 && !(await this.deliver(batch))) break;
      // A short page means the end of the log; with a prefix the head itself may never match.
      const atEnd = batch.length < this.batchSize;
      const passedHead =
        head !== undefined && this.checkpoint !== undefined && this.checkpoint >= head;
      if (!this.isCaughtUp && (atEnd || passedHead)) {
        this.isCaughtUp = true;
        this.resolveCaughtUp();
      }
      if (atEnd) await this.sleep(this.settings.pollIntervalMs, true);
    }
    if (!this.isCaughtUp) this.rejectCaughtUp(new Error('subscription stopped before catching up'));
  }

  /** Offers the batch until the handler accepts it; false when stopped before it did. */
  private async deliver(batch: readonly RecordedEvent[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(batch);
        this.checkpoint = this.acknowledged = batch[batch.length - 1].position;
        if (attempt > 1) this.recovered();
        return true;
      } catch (error) {
        this.report(error, attempt);
        if (this.stopping) return false;
        await this.sleep(this.backoff(attempt), false);
        if (this.stopping) return false;
      }
    }
  }

  private recovered(): void {
    try {
      this.options.onRecovered?.();
    } catch {
      // As for onError: a throwing listener must not end delivery.
    }
  }

  private report(error: unknown, attempt: number): void {
    try {
      this.options.onError?.(error, attempt);
    } catch {
      // A throwing error reporter must not end delivery: the loop has no caller to tell.
    }
  }

  private backoff(attempt: number): number {
    const { retryInitialDelayMs, retryMaxDelayMs } = this.settings;
    return Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** (attempt - 1));
  }

  /** Waits `ms`, or less if stopped or (when `wakeOnAppend`) an append is signalled. */
  private sleep(ms: number, wakeOnAppend: boolean): Promise<void> {
    if (this.stopping || (wakeOnAppend && this.appendSignalled)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.sleeper = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.sleeper = { wakeOnAppend, finish };
    });
  }
}
