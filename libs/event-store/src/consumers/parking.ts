import type { GlobalPosition, RecordedEvent } from '../event-store.port';
import type { CheckpointStore, Fence } from './checkpoint-store.port';
import { FencedOffError } from './consumer-errors';
import type { DeadLetterStore } from './dead-letter-store.port';
import type { ConsumerHandler } from './consumer-handler';

export type ParkingSettings<Tx> = Readonly<{
  store: DeadLetterStore<Tx>;
  /** Failed attempts at a batch before its events are handled one by one and refused ones parked. */
  afterAttempts: number;
  /** How often dead letters due for another attempt are looked at (ms, default 1000). */
  retryPollMs?: number;
}>;

type Hooks = Readonly<{
  fence: () => Fence | undefined;
  checkpoint: () => GlobalPosition | undefined;
  onHandled: (count: number) => void;
}>;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const WAITING = 'waits behind a dead letter of its stream';

/**
 * A consumer's dead letters (Axon's sequenced dead-lettering, not Marten's skip): after
 * `afterAttempts` failed attempts at a batch, its events are handled one at a time and each one
 * the handler refuses is parked as `failed`; from then on every later event of that stream is
 * parked behind it (`waiting`), in order, while every other stream goes on. Parking commits with
 * the checkpoint that moves past the event. Letters an operator retries, or that no longer wait
 * behind a failed one, are handled again in order, without a restart. Outages (`isTransient`)
 * are never parked: the batch is retried for as long as they last.
 */
export class Parking<Tx> {
  /** Dead letters blocking some stream of this consumer, as last counted. */
  parked = 0;
  private failures: { first: GlobalPosition; count: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumer: string,
    private readonly settings: ParkingSettings<Tx>,
    private readonly checkpoints: CheckpointStore<Tx>,
    private readonly handler: ConsumerHandler<Tx>,
    private readonly hooks: Hooks,
  ) {}

  /** Counts the blocking letters again (after a commit that may have changed them). */
  async refresh(): Promise<void> {
    const letters = await this.settings.store.list(this.consumer);
    this.parked = letters.filter((letter) => letter.status !== 'skipped').length;
  }

  /** True once this batch has failed `afterAttempts` times for reasons other than an outage. */
  givesUpOn(batch: readonly RecordedEvent[]): boolean {
    return (
      this.failures?.first === batch[0].position &&
      this.failures.count >= this.settings.afterAttempts
    );
  }

  failed(batch: readonly RecordedEvent[], error: unknown): void {
    if (this.handler.isTransient?.(error)) return;
    const first = batch[0].position;
    this.failures =
      this.failures?.first === first
        ? { first, count: this.failures.count + 1 }
        : { first, count: 1 };
  }

  succeeded(): void {
    this.failures = undefined;
  }

  /** Parks the events of blocked streams behind their dead letters; returns the others. */
  async parkBlocked(events: readonly RecordedEvent[], tx?: Tx): Promise<readonly RecordedEvent[]> {
    // Only this consumer parks letters for itself, so none counted means none to look up.
    if (this.parked === 0) return events;
    const blocked = await this.settings.store.blockedStreams(this.consumer, tx);
    if (blocked.size === 0) return events;
    const behind = events.filter((event) => blocked.has(event.streamId));
    if (behind.length === 0) return events;
    await this.settings.store.park(
      this.consumer,
      behind.map((event) => ({ event, status: 'waiting', error: WAITING, attempts: 0 })),
      tx,
    );
    this.parked += behind.length;
    return events.filter((event) => !blocked.has(event.streamId));
  }

  /**
   * Handles a batch that kept failing one event at a time, parking each event its handler
   * refuses; returns the position finished (for `at-least-once`, the caller stores it).
   */
  async handleOneByOne(
    batch: readonly RecordedEvent[],
    checkpoint: GlobalPosition | undefined,
  ): Promise<GlobalPosition | undefined> {
    let position = checkpoint;
    for (const event of batch) {
      try {
        position = await this.apply(event);
      } catch (error) {
        if (error instanceof FencedOffError || this.handler.isTransient?.(error)) throw error;
        position = await this.parkFailed(event, error);
      }
    }
    this.succeeded();
    await this.refresh();
    return position;
  }

  /** Looks for letters due for another attempt every `retryPollMs`, run through `serially`. */
  startRetrying(serially: (work: () => Promise<void>) => Promise<void>): void {
    const pass = () => {
      this.timer = setTimeout(() => {
        void serially(() => this.retryDue())
          .catch(() => undefined)
          .finally(() => {
            if (this.timer !== undefined) pass();
          });
      }, this.settings.retryPollMs ?? 1_000);
    };
    pass();
  }

  stopRetrying(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async apply(event: RecordedEvent): Promise<GlobalPosition | undefined> {
    const handler = this.handler;
    if (handler.kind === 'at-least-once') {
      const apply = await this.parkBlocked([event]);
      if (apply.length > 0) await handler.handle(apply);
      this.hooks.onHandled(apply.length);
      return event.position;
    }
    return this.checkpoints.transaction(async (tx) => {
      const stored = await this.checkpoints.load(this.consumer, tx);
      if (stored !== undefined && event.position <= stored) return stored;
      const apply = await this.parkBlocked([event], tx);
      if (apply.length > 0) await handler.handle(apply, tx);
      await this.checkpoints.store(this.consumer, event.position, tx, this.hooks.fence());
      this.hooks.onHandled(apply.length);
      return event.position;
    });
  }

  private async parkFailed(event: RecordedEvent, error: unknown): Promise<GlobalPosition> {
    const letter = {
      event,
      status: 'failed' as const,
      error: messageOf(error),
      attempts: this.settings.afterAttempts,
    };
    if (this.handler.kind === 'at-least-once') {
      await this.settings.store.park(this.consumer, [letter]);
    } else {
      await this.checkpoints.transaction(async (tx) => {
        await this.settings.store.park(this.consumer, [letter], tx);
        await this.checkpoints.store(this.consumer, event.position, tx, this.hooks.fence());
      });
    }
    this.parked += 1;
    return event.position;
  }

  /** Handles the letters due again, in order per stream; a stream stops at its first refusal. */
  private async retryDue(): Promise<void> {
    if (this.parked === 0) return;
    const { store } = this.settings;
    const stopped = new Set<string>();
    for (const letter of await store.due(this.consumer)) {
      const stream = letter.event.streamId;
      if (stopped.has(stream)) continue;
      try {
        if (this.handler.kind === 'at-least-once') {
          await this.handler.handle([letter.event]);
          await store.resolve(letter.id);
        } else {
          const handle = this.handler.handle;
          await this.checkpoints.transaction(async (tx) => {
            const checkpoint = this.hooks.checkpoint();
            // Fenced like any write of this consumer: a stood-down process resolves nothing.
            if (checkpoint !== undefined)
              await this.checkpoints.store(this.consumer, checkpoint, tx, this.hooks.fence());
            await handle([letter.event], tx);
            await store.resolve(letter.id, tx);
          });
        }
        this.hooks.onHandled(1);
      } catch (error) {
        if (error instanceof FencedOffError || this.handler.isTransient?.(error)) break;
        await store.failedAgain(letter.id, messageOf(error));
        stopped.add(stream);
      }
    }
    await this.refresh();
  }
}
