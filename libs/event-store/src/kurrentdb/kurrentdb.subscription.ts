import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import { CatchUpSubscription, type RetrySettings } from '../catch-up-subscription';
import type { GlobalPosition, RecordedEvent, SubscriptionOptions } from '../event-store.port';

/** Timing of KurrentDB subscriptions (also how soon a lost subscription is reopened). */
export type KurrentDbSubscriptionSettings = RetrySettings;

const defaultSettings: KurrentDbSubscriptionSettings = {
  retryInitialDelayMs: 50,
  retryMaxDelayMs: 5_000,
};

/** How long a replay batch waits to be filled before it is handed over partly filled (ms). */
const replayLingerMs = 20;

/** What a subscription needs from the store; the store binds the filter and the client. */
export type SubscriptionSource = Readonly<{
  /** Opens a server-side catch-up subscription delivering events strictly after `after`. */
  subscribe(after: GlobalPosition | undefined): AllStreamSubscription;
  /** Position of the last event the filter lets through now; `undefined` when there is none. */
  headPosition(): Promise<GlobalPosition | undefined>;
  toRecorded(resolved: AllStreamResolvedEvent): RecordedEvent | undefined;
}>;

/** One server-side subscription, and the first error it reported. */
type Connection = { readonly stream: AllStreamSubscription; failure?: unknown };

/** Ends a wait for the next batch because the subscription is stopping. */
const stopped = Symbol('stopped');

/**
 * A catch-up subscription of `$all` that survives lost connections: it reopens from the last
 * position its handler acknowledged, and drops anything at or before that position before the
 * handler sees it, so a replay after reconnecting repeats nothing and skips nothing. Batches are
 * whatever the server has already sent, up to `maxBatchSize`. Never rejects: failures go to
 * `onError` and are retried with a capped backoff.
 */
export class KurrentDbSubscription extends CatchUpSubscription {
  private head: GlobalPosition | undefined;
  private interrupt: (() => void) | undefined;

  constructor(
    private readonly source: SubscriptionSource,
    options: SubscriptionOptions,
    settings: Partial<KurrentDbSubscriptionSettings> = {},
    onFinished: () => void,
  ) {
    super(options, { ...defaultSettings, ...settings });
    this.start(onFinished);
  }

  protected interruptWait(): void {
    this.interrupt?.();
  }

  protected async run(): Promise<void> {
    let failures = 0;
    // "Everything that existed when it started" is measured once, before the first subscribe.
    while (!this.stopping) {
      try {
        this.head = await this.source.headPosition();
        break;
      } catch (error) {
        this.report(error, ++failures);
        await this.pause(this.backoff(failures));
      }
    }
    this.checkCaughtUp();

    while (!this.stopping) {
      let connection: Connection | undefined;
      try {
        if (failures > 0) {
          // After a failure, a plain read first: it fails fast while the store is still away,
          // and once it answers, the subscription is healthy again even if no event follows.
          await this.source.headPosition();
          this.recovered();
          failures = 0;
        }
        connection = this.open();
        for (;;) {
          const batch = await this.nextBatch(connection);
          if (batch === stopped) break;
          failures = 0;
          // Compared before handling: a replay after reconnecting repeats nothing.
          const fresh = batch.filter(
            (event) => this.checkpoint === undefined || event.position > this.checkpoint,
          );
          if (fresh.length > 0 && !(await this.deliver(fresh))) break;
          this.checkCaughtUp();
        }
      } catch (error) {
        this.report(error, ++failures);
        await this.pause(this.backoff(failures));
      } finally {
        await connection?.stream.unsubscribe().catch(() => undefined);
      }
    }
  }

  /**
   * Subscribes from the checkpoint. The client's stream emits errors without ending, possibly
   * while a batch is being handled, so the first one is kept for `nextBatch` to find.
   */
  private open(): Connection {
    const connection: Connection = { stream: this.source.subscribe(this.checkpoint) };
    connection.stream.on('error', (error) => (connection.failure ??= error));
    return connection;
  }

  /** Waits for events the server has sent, up to a batch; rejects when the subscription fails. */
  private nextBatch(connection: Connection): Promise<RecordedEvent[] | typeof stopped> {
    const subscription = connection.stream;
    return new Promise((resolve, reject) => {
      let linger: NodeJS.Timeout | undefined;
      const cleanup = () => {
        clearTimeout(linger);
        subscription.off('readable', take);
        subscription.off('error', fail);
        subscription.off('end', ended);
        subscription.off('close', ended);
        this.interrupt = undefined;
      };
      const fail = (error: unknown) => {
        cleanup();
        reject(error);
      };
      const ended = () => fail(new Error('the server ended the subscription'));
      const batch: RecordedEvent[] = [];
      const take = () => {
        for (let read; batch.length < this.batchSize && (read = subscription.read()) !== null;) {
          const event = this.source.toRecorded(read as AllStreamResolvedEvent);
          if (event) batch.push(event);
        }
        const last = batch.at(-1)?.position;
        if (last === undefined) return;
        // While replaying, batches are filled, since more is known to come until the head;
        // briefly, in case the head itself is gone (a deleted stream).
        const replaying = !this.isCaughtUp && this.head !== undefined && last < this.head;
        if (replaying && batch.length < this.batchSize) {
          linger ??= setTimeout(flush, replayLingerMs);
          return;
        }
        flush();
      };
      const flush = () => {
        cleanup();
        resolve(batch);
      };
      if (this.stopping) return resolve(stopped);
      const failure = connection.failure ?? subscription.errored;
      if (failure) return reject(failure);
      if (subscription.readableEnded || subscription.destroyed) return ended();
      this.interrupt = () => {
        cleanup();
        resolve(stopped);
      };
      subscription.on('readable', take);
      subscription.on('error', fail);
      subscription.on('end', ended);
      subscription.on('close', ended);
      take();
    });
  }

  private checkCaughtUp(): void {
    if (this.isCaughtUp) return;
    const reached =
      this.head === undefined || (this.checkpoint !== undefined && this.checkpoint >= this.head);
    if (reached) this.markCaughtUp();
  }

  /** Waits `ms`, or less if stopped. */
  protected pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.interrupt = () => {
        this.interrupt = undefined;
        finish();
      };
    });
  }
}
