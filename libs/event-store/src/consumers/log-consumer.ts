import type { EventReader, GlobalPosition, RecordedEvent, Subscription } from '../event-store.port';
import type { CheckpointStore } from './checkpoint-store.port';

/**
 * What a consumer does with each batch, and how its checkpoint becomes durable:
 * - `transactional`: the handler's writes and the checkpoint commit in one transaction of the
 *   checkpoint store's database (a read model). Events at or before the stored checkpoint are
 *   dropped inside that transaction, so a replay, or a rebuild done elsewhere, changes nothing.
 * - `at-least-once`: the handler finishes its work elsewhere (a broker acknowledged it); the
 *   checkpoint follows, written at most every `checkpointIntervalMs` off the handling path, so a
 *   crash repeats at most that window (0: after every batch, before the next one).
 */
export type ConsumerHandler<Tx> =
  | Readonly<{
      kind: 'transactional';
      handle(events: readonly RecordedEvent[], tx: Tx): Promise<void>;
    }>
  | Readonly<{
      kind: 'at-least-once';
      handle(events: readonly RecordedEvent[]): Promise<void>;
      checkpointIntervalMs: number;
    }>;

export type LogConsumerOptions<Tx> = Readonly<{
  /** Subscription name and checkpoint key (`JointVentureSummaries`, `Notifier`). */
  name: string;
  events: Pick<EventReader, 'subscribeToAll'>;
  checkpoints: CheckpointStore<Tx>;
  handler: ConsumerHandler<Tx>;
  /** Only streams whose id starts with this prefix. */
  streamPrefix?: string;
  maxBatchSize?: number;
  /** A batch in flight for longer than this counts as degraded before it has failed (ms). */
  stalledAfterMs?: number;
  /** Hears of every failed batch; the batch is offered again (at-least-once). */
  onError?: (error: unknown, attempt: number) => void;
  /** Milliseconds since the epoch; tests pass their own to see a stall without waiting for one. */
  clock?: () => number;
}>;

/** What health checks, metrics and operators see of a consumer. */
export type ConsumerStatus = Readonly<{
  name: string;
  running: boolean;
  /** Global position of the last event finished, as a decimal string; null before the first. */
  checkpoint: string | null;
  /** True once it has finished everything that existed when it started. */
  caughtUp: boolean;
  /** Events handled since this process started it. */
  handled: number;
  /** The last batch failed, or the one in flight has been running for longer than `stalledAfterMs`. */
  degraded: boolean;
  /** Why it is degraded; null when it is not. */
  lastError: string | null;
}>;

type Waiter = Readonly<{
  position: GlobalPosition;
  resolve: () => void;
  reject: (e: Error) => void;
}>;

export const DEFAULT_CONSUMER_BATCH_SIZE = 500;

/**
 * A named, checkpointed reader of the global log (Eventuous' subscription with its checkpoint
 * store): it subscribes after its stored checkpoint, hands batches to its handler in order, and
 * makes its progress durable as the handler's kind says. Delivery is at least once; the
 * subscription retries a failed batch with a capped backoff.
 */
export class LogConsumer<Tx = unknown> {
  private subscription: Subscription | undefined;
  private checkpoint: GlobalPosition | undefined;
  private caughtUp = false;
  private handled = 0;
  private lastError: string | null = null;
  private busySince: number | undefined;
  private waiters: Waiter[] = [];
  /** The checkpoint as stored, the write that may be under way, and the next one scheduled. */
  private stored: GlobalPosition | undefined;
  private writing: Promise<void> = Promise.resolve();
  private writeTimer: NodeJS.Timeout | undefined;

  private readonly clock: () => number;

  constructor(private readonly options: LogConsumerOptions<Tx>) {
    this.clock = options.clock ?? Date.now;
  }

  get name(): string {
    return this.options.name;
  }

  /** Subscribes after the stored checkpoint; resolves once subscribed, not once caught up. */
  async start(): Promise<void> {
    if (this.subscription !== undefined) throw new Error(`consumer ${this.name} is running`);
    const { events, checkpoints, streamPrefix, maxBatchSize } = this.options;
    this.checkpoint = this.stored = await checkpoints.load(this.name);
    this.caughtUp = false;
    const subscription = events.subscribeToAll({
      after: this.checkpoint,
      streamPrefix,
      maxBatchSize: maxBatchSize ?? DEFAULT_CONSUMER_BATCH_SIZE,
      handle: (batch) => this.handle(batch),
      onError: (error, attempt) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error, attempt);
      },
      onRecovered: () => (this.lastError = null),
    });
    this.subscription = subscription;
    subscription.caughtUp.then(
      () => {
        if (this.subscription === subscription) this.caughtUp = true;
      },
      () => undefined,
    );
  }

  /** Stops after the batch in flight, stores the last checkpoint; pending `waitFor`s reject. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.caughtUp = false;
    await subscription?.stop();
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    await this.writeCheckpoint();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new Error(`consumer ${this.name} stopped`));
  }

  status(): ConsumerStatus {
    const busyFor = this.busySince === undefined ? 0 : this.clock() - this.busySince;
    const stalled = busyFor > (this.options.stalledAfterMs ?? 5_000);
    return {
      name: this.name,
      running: this.subscription !== undefined,
      checkpoint: this.checkpoint?.toString() ?? null,
      caughtUp: this.caughtUp,
      handled: this.handled,
      degraded: this.lastError !== null || stalled,
      lastError: this.lastError ?? (stalled ? `handling a batch for ${busyFor} ms` : null),
    };
  }

  /**
   * Resolves once the consumer has finished the log up to `position` (e.g. an append's), so a
   * caller can read its own writes.
   */
  waitFor(position: GlobalPosition): Promise<void> {
    if (this.checkpoint !== undefined && this.checkpoint >= position) return Promise.resolve();
    if (this.subscription === undefined) {
      return Promise.reject(new Error(`consumer ${this.name} is not running`));
    }
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  private async handle(batch: readonly RecordedEvent[]): Promise<void> {
    this.busySince = this.clock();
    try {
      const { handler } = this.options;
      if (handler.kind === 'transactional') {
        this.checkpoint = await this.handleInTransaction(batch, handler.handle);
      } else {
        await handler.handle(batch);
        this.handled += batch.length;
        this.checkpoint = batch[batch.length - 1].position;
        if (handler.checkpointIntervalMs === 0) await this.writeCheckpoint();
        else this.scheduleCheckpoint(handler.checkpointIntervalMs);
      }
    } finally {
      this.busySince = undefined;
    }
    this.lastError = null;
    this.settleWaiters();
  }

  /**
   * Re-reads the checkpoint inside the transaction and drops what it covers (a rebuild may have
   * moved it), applies the rest and stores the new checkpoint, all in one commit.
   */
  private handleInTransaction(
    batch: readonly RecordedEvent[],
    handle: (events: readonly RecordedEvent[], tx: Tx) => Promise<void>,
  ): Promise<GlobalPosition | undefined> {
    const { checkpoints } = this.options;
    return checkpoints.transaction(async (tx) => {
      const stored = await checkpoints.load(this.name, tx);
      const fresh = stored === undefined ? batch : batch.filter((e) => e.position > stored);
      if (fresh.length === 0) return stored;
      await handle(fresh, tx);
      const position = fresh[fresh.length - 1].position;
      await checkpoints.store(this.name, position, tx);
      this.handled += fresh.length;
      return position;
    });
  }

  private scheduleCheckpoint(intervalMs: number): void {
    this.writeTimer ??= setTimeout(() => {
      this.writeTimer = undefined;
      this.writeCheckpoint().catch((error: unknown) => this.options.onError?.(error, 0));
    }, intervalMs);
  }

  /** Stores the finished position if it moved; one write at a time, in order. */
  private writeCheckpoint(): Promise<void> {
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const target = this.checkpoint;
        if (target === undefined || target === this.stored) return;
        await this.options.checkpoints.store(this.name, target);
        this.stored = target;
      });
    return this.writing;
  }

  private settleWaiters(): void {
    const checkpoint = this.checkpoint;
    if (checkpoint === undefined) return;
    const reached = this.waiters.filter((w) => w.position <= checkpoint);
    this.waiters = this.waiters.filter((w) => w.position > checkpoint);
    for (const waiter of reached) waiter.resolve();
  }
}
