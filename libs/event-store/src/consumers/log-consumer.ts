import type { EventReader, GlobalPosition, RecordedEvent, Subscription } from '../event-store.port';
import type { CheckpointStore, Fence } from './checkpoint-store.port';
import { FencedOffError } from './consumer-errors';
import { LeaseKeeper, type LeaseSettings } from './consumer-lease';
import type { ConsumerHandler } from './consumer-handler';
import type { ConsumerStatus } from './consumer-status';
import { Parking, type ParkingSettings } from './parking';
import type { Lease } from './lease-store.port';

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
  /** One active process per consumer; without it, this process always runs it. */
  lease?: LeaseSettings;
  /** Park events whose handler keeps refusing them; without it such a batch is retried forever. */
  deadLetters?: ParkingSettings<Tx>;
  /** Hears of every failed batch; the batch is offered again (at-least-once). */
  onError?: (error: unknown, attempt: number) => void;
  /** Milliseconds since the epoch; tests pass their own to see a stall without waiting for one. */
  clock?: () => number;
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
 * subscription retries a failed batch with a capped backoff. With a lease, only the holder runs
 * it and every checkpoint write is fenced by the lease's epoch; with dead letters, an event its
 * handler keeps refusing is parked, with every later event of its stream, and the rest goes on.
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
  /** Batches and dead-letter retries run one at a time, so each stream keeps its order. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly clock: () => number;
  private readonly keeper: LeaseKeeper | undefined;
  private readonly parking: Parking<Tx> | undefined;
  private lease: Lease | undefined;
  private leased: Promise<void> | undefined;
  private stopping = false;
  private standDown: (() => void) | undefined;

  constructor(private readonly options: LogConsumerOptions<Tx>) {
    this.clock = options.clock ?? Date.now;
    this.keeper = options.lease && new LeaseKeeper(options.name, options.lease, this.clock);
    this.parking =
      options.deadLetters &&
      new Parking(options.name, options.deadLetters, options.checkpoints, options.handler, {
        fence: () => this.fence,
        checkpoint: () => this.checkpoint,
        onHandled: (count) => (this.handled += count),
      });
  }

  get name(): string {
    return this.options.name;
  }

  private get fence(): Fence | undefined {
    return this.lease && { epoch: this.lease.epoch };
  }

  /**
   * Subscribes after the stored checkpoint; resolves once subscribed, not once caught up. With a
   * lease it resolves at once and the consumer stands by until this process holds the lease.
   */
  async start(): Promise<void> {
    if (this.subscription !== undefined || this.leased)
      throw new Error(`consumer ${this.name} is running`);
    this.stopping = false;
    if (!this.keeper) return this.activate();
    this.leased = this.runLeased(this.keeper);
  }

  /** Stops after the batch in flight, stores the last checkpoint; pending `waitFor`s reject. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.standDown?.();
    await this.keeper?.stop();
    await this.leased;
    this.leased = undefined;
    await this.deactivate(true);
    if (this.lease) await this.keeper?.stop(this.lease);
    this.lease = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new Error(`consumer ${this.name} stopped`));
  }

  status(): ConsumerStatus {
    const busyFor = this.busySince === undefined ? 0 : this.clock() - this.busySince;
    const stalled = busyFor > (this.options.stalledAfterMs ?? 5_000);
    const parked = this.parking?.parked ?? 0;
    const running = this.subscription !== undefined;
    return {
      name: this.name,
      running,
      role: running ? 'active' : this.leased ? 'standby' : 'stopped',
      checkpoint: this.checkpoint?.toString() ?? null,
      caughtUp: this.caughtUp,
      handled: this.handled,
      parked,
      degraded: this.lastError !== null || stalled || parked > 0,
      lastError:
        this.lastError ??
        (stalled
          ? `handling a batch for ${busyFor} ms`
          : parked > 0
            ? `${parked} event(s) parked as dead letters`
            : null),
      lease: this.lease ? { holder: this.lease.holder, epoch: this.lease.epoch } : null,
    };
  }

  /**
   * Resolves once the consumer has finished the log up to `position` (e.g. an append's), so a
   * caller can read its own writes.
   */
  waitFor(position: GlobalPosition): Promise<void> {
    if (this.checkpoint !== undefined && this.checkpoint >= position) return Promise.resolve();
    if (this.subscription === undefined && !this.leased) {
      return Promise.reject(new Error(`consumer ${this.name} is not running`));
    }
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  /** Stands by until this process holds the lease, runs until it is lost, and again. */
  private async runLeased(keeper: LeaseKeeper): Promise<void> {
    while (!this.stopping) {
      const lease = await keeper.acquire(() => this.stopping);
      if (!lease || this.stopping) return;
      this.lease = lease;
      const lost = new Promise<void>((resolve) => (this.standDown = resolve));
      keeper.keep(lease, () => this.standDown?.());
      await this.activate();
      await lost;
      this.standDown = undefined;
      if (this.stopping) return;
      // Lost to another process: stop handling, and write nothing more (it would be fenced).
      await this.deactivate(false);
      this.lease = undefined;
    }
  }

  private async activate(): Promise<void> {
    const { events, checkpoints, streamPrefix, maxBatchSize } = this.options;
    this.checkpoint = this.stored = await checkpoints.load(this.name);
    this.caughtUp = false;
    await this.parking?.refresh();
    const subscription = events.subscribeToAll({
      after: this.checkpoint,
      streamPrefix,
      maxBatchSize: maxBatchSize ?? DEFAULT_CONSUMER_BATCH_SIZE,
      handle: (batch) => this.serially(() => this.handle(batch)),
      onError: (error, attempt) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error, attempt);
      },
      onRecovered: () => (this.lastError = null),
    });
    this.subscription = subscription;
    this.parking?.startRetrying((work) => this.serially(work));
    subscription.caughtUp.then(
      () => {
        if (this.subscription === subscription) this.caughtUp = true;
      },
      () => undefined,
    );
  }

  private async deactivate(writeCheckpoint: boolean): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.caughtUp = false;
    this.parking?.stopRetrying();
    await subscription?.stop();
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (writeCheckpoint) await this.writeCheckpoint().catch(() => undefined);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.catch(() => undefined).then(work);
    this.exclusive = run;
    return run;
  }

  private async handle(batch: readonly RecordedEvent[]): Promise<void> {
    this.busySince = this.clock();
    try {
      const { handler, checkpoints } = this.options;
      const parking = this.parking;
      if (parking?.givesUpOn(batch)) {
        this.checkpoint = await parking.handleOneByOne(batch, this.checkpoint);
        if (handler.kind === 'at-least-once') await this.writeCheckpoint();
      } else if (handler.kind === 'transactional') {
        this.checkpoint = await checkpoints.transaction(async (tx) => {
          const stored = await checkpoints.load(this.name, tx);
          const fresh = stored === undefined ? batch : batch.filter((e) => e.position > stored);
          if (fresh.length === 0) return stored;
          const apply = parking ? await parking.parkBlocked(fresh, tx) : fresh;
          await handler.handle(apply, tx);
          const position = fresh[fresh.length - 1].position;
          await checkpoints.store(this.name, position, tx, this.fence);
          this.handled += apply.length;
          return position;
        });
      } else {
        const apply = parking ? await parking.parkBlocked(batch) : batch;
        await handler.handle(apply);
        this.handled += apply.length;
        this.checkpoint = batch[batch.length - 1].position;
        if (handler.checkpointIntervalMs === 0) await this.writeCheckpoint();
        else this.scheduleCheckpoint(handler.checkpointIntervalMs);
      }
      parking?.succeeded();
    } catch (error) {
      if (error instanceof FencedOffError) this.standDown?.();
      else this.parking?.failed(batch, error);
      throw error;
    } finally {
      this.busySince = undefined;
    }
    this.lastError = null;
    this.settleWaiters();
  }

  private scheduleCheckpoint(intervalMs: number): void {
    this.writeTimer ??= setTimeout(() => {
      this.writeTimer = undefined;
      this.writeCheckpoint().catch((error: unknown) => {
        if (error instanceof FencedOffError) this.standDown?.();
        this.options.onError?.(error, 0);
      });
    }, intervalMs);
  }

  /** Stores the finished position if it moved; one write at a time, in order. */
  private writeCheckpoint(): Promise<void> {
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const target = this.checkpoint;
        if (target === undefined || target === this.stored) return;
        await this.options.checkpoints.store(this.name, target, undefined, this.fence);
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
