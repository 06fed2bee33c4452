import type {
  GlobalPosition,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from './event-store.port';

/** How failed reads and refused batches are retried: doubling waits, capped. */
export type RetrySettings = Readonly<{
  /** First wait before a failed batch is offered again, or a failed read retried (ms). */
  retryInitialDelayMs: number;
  /** Longest wait between two attempts (ms). */
  retryMaxDelayMs: number;
}>;

export const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 100;

/**
 * What every adapter's catch-up subscription shares: the checkpoint, `caughtUp`, handing a
 * batch over until the handler accepts it, reporting errors and recoveries, backoff and
 * stopping. Adapters write `run` (how events are fetched: polling, a server push) and how to
 * wait; they call `start` at the end of their constructor.
 */
export abstract class CatchUpSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;
  protected isCaughtUp = false;
  protected stopping = false;
  /** Everything at or before it was handled (or lay before the starting checkpoint). */
  protected checkpoint: GlobalPosition | undefined;
  private acknowledged: GlobalPosition | undefined;
  protected readonly batchSize: number;
  private done: Promise<void> = Promise.resolve();

  protected constructor(
    protected readonly options: SubscriptionOptions,
    private readonly retry: RetrySettings,
  ) {
    this.batchSize = options.maxBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
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
  }

  /** Begins delivery; `onFinished` runs once nothing more will be delivered. */
  protected start(onFinished: () => void): void {
    this.done = this.run()
      .finally(() => {
        if (!this.isCaughtUp)
          this.rejectCaughtUp(new Error('subscription stopped before catching up'));
      })
      .finally(onFinished);
  }

  get lastProcessed(): GlobalPosition | undefined {
    return this.acknowledged;
  }

  /** Do not await this from inside `handle`: it waits for that very batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interruptWait();
    await this.done;
  }

  /** Fetches and delivers until `stopping`; never rejects (failures are reported and retried). */
  protected abstract run(): Promise<void>;
  /** Waits `ms` or until stopped. */
  protected abstract pause(ms: number): Promise<void>;
  /** Ends whatever wait is under way, because the subscription is stopping. */
  protected abstract interruptWait(): void;

  protected markCaughtUp(): void {
    if (this.isCaughtUp) return;
    this.isCaughtUp = true;
    this.resolveCaughtUp();
  }

  /** Offers the batch until the handler accepts it; false when stopped before it did. */
  protected async deliver(batch: readonly RecordedEvent[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(batch);
        this.checkpoint = this.acknowledged = batch[batch.length - 1].position;
        if (attempt > 1) this.recovered();
        return true;
      } catch (error) {
        this.report(error, attempt);
        if (this.stopping) return false;
        await this.pause(this.backoff(attempt));
        if (this.stopping) return false;
      }
    }
  }

  protected recovered(): void {
    try {
      this.options.onRecovered?.();
    } catch {
      // A throwing listener must not end delivery: the loop has no caller to tell.
    }
  }

  protected report(error: unknown, attempt: number): void {
    try {
      this.options.onError?.(error, attempt);
    } catch {
      // As above.
    }
  }

  protected backoff(attempt: number): number {
    const { retryInitialDelayMs, retryMaxDelayMs } = this.retry;
    return Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** (attempt - 1));
  }
}
