import { CatchUpSubscription, type RetrySettings } from './catch-up-subscription';
import type {
  GlobalPosition,
  ReadAllOptions,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from './event-store.port';

/** Timing of subscriptions; the defaults suit production, tests shorten them. */
export type SubscriptionSettings = RetrySettings &
  Readonly<{
    /** How often a live subscription looks for appends it was not told about (ms). */
    pollIntervalMs: number;
  }>;

const defaultSettings: SubscriptionSettings = {
  pollIntervalMs: 200,
  retryInitialDelayMs: 50,
  retryMaxDelayMs: 5_000,
};

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
class PollingSubscription extends CatchUpSubscription {
  /** Set by `wake`, cleared before each read: an append seen during a read is not lost. */
  private appendSignalled = false;
  private sleeper: Sleeper | undefined;

  constructor(
    private readonly source: GlobalLogSource,
    private readonly settings: SubscriptionSettings,
    options: SubscriptionOptions,
    onFinished: () => void,
  ) {
    super(options, settings);
    this.start(onFinished);
  }

  wake(): void {
    this.appendSignalled = true;
    if (this.sleeper?.wakeOnAppend) this.sleeper.finish();
  }

  protected async run(): Promise<void> {
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
        await this.pause(this.backoff(readFailures));
        continue;
      }

      if (batch.length > 0 && !(await this.deliver(batch))) break;
      // A short page means the end of the log; with a prefix the head itself may never match.
      const atEnd = batch.length < this.batchSize;
      const passedHead =
        head !== undefined && this.checkpoint !== undefined && this.checkpoint >= head;
      if (atEnd || passedHead) this.markCaughtUp();
      if (atEnd) await this.sleep(this.settings.pollIntervalMs, true);
    }
  }

  protected pause(ms: number): Promise<void> {
    return this.sleep(ms, false);
  }

  protected interruptWait(): void {
    this.sleeper?.finish();
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
