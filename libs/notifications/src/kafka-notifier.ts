import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import type { EventReader, GlobalPosition, RecordedEvent, Subscription } from '@app/event-store';
import { readCheckpoint, storeCheckpoint, type ReadModelDb } from '@app/read-models';
import type { Kysely } from 'kysely';
import {
  toCloudEvent,
  type CloudEventSettings,
  type LifecycleCloudEvent,
} from './integration-events';
import type { NotificationPublisher } from './kafka-publisher';

/** Events per publish; the publisher splits a batch into requests under the broker's size limit. */
export const DEFAULT_NOTIFIER_BATCH_SIZE = 2_000;

export type NotifierOptions = Readonly<{
  /** Where the checkpoint lives: beside the read models. */
  db: Kysely<ReadModelDb>;
  events: Pick<EventReader, 'subscribeToAll'>;
  publisher: NotificationPublisher;
  cloudEvents: CloudEventSettings;
  /** Subscription (and checkpoint) name. */
  name?: string;
  maxBatchSize?: number;
  /**
   * How long an acknowledged position may wait before it is written as the checkpoint (ms,
   * default 500). Writes are coalesced off the publishing path, so a batch is not held up by a
   * database commit; a crash re-sends at most what was acknowledged in this window. 0 writes
   * after every batch, before the next one.
   */
  checkpointIntervalMs?: number;
  /** A publish pending this long counts as degraded before it has failed (ms, default 5000). */
  stalledAfterMs?: number;
  onError?: (error: unknown, attempt: number) => void;
}>;

export type NotifierStatus = Readonly<{
  name: string;
  running: boolean;
  checkpoint: string | null;
  published: number;
  /**
   * True while the last attempt to publish failed or the one in flight has been waiting for
   * longer than `stalledAfterMs`: the broker is unreachable or refusing.
   */
  degraded: boolean;
  lastError: string | null;
}>;

/**
 * Publishes every recorded joint-venture event, in global order, from its own checkpointed
 * subscription of the log: the event store is the outbox. The checkpoint advances only after
 * the broker acknowledged the batch, so nothing acknowledged to a client is ever skipped; a
 * crash between the acknowledgement and the checkpoint resends that batch (at least once).
 */
export class KafkaNotifier {
  private subscription: Subscription | undefined;
  private checkpoint: GlobalPosition | undefined;
  private published = 0;
  private lastError: string | null = null;
  private publishingSince: number | undefined;
  /** The checkpoint as stored, and the write that may be under way. */
  private stored: GlobalPosition | undefined;
  private writing: Promise<void> = Promise.resolve();
  private writeTimer: NodeJS.Timeout | undefined;
  readonly name: string;

  constructor(private readonly options: NotifierOptions) {
    this.name = options.name ?? 'KafkaNotifier';
  }

  async start(): Promise<void> {
    if (this.subscription) throw new Error(`${this.name} is running`);
    this.checkpoint = await readCheckpoint(this.options.db, this.name);
    this.stored = this.checkpoint;
    this.subscription = this.options.events.subscribeToAll({
      after: this.checkpoint,
      streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
      maxBatchSize: this.options.maxBatchSize ?? DEFAULT_NOTIFIER_BATCH_SIZE,
      handle: (batch) => this.publish(batch),
      onError: (error, attempt) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error, attempt);
      },
      onRecovered: () => (this.lastError = null),
    });
    this.subscription.caughtUp.catch(() => undefined);
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    await this.writeCheckpoint();
    await this.options.publisher.disconnect();
  }

  status(): NotifierStatus {
    return {
      name: this.name,
      running: this.subscription !== undefined,
      checkpoint: this.checkpoint?.toString() ?? null,
      published: this.published,
      degraded: this.lastError !== null || this.stalled(),
      lastError:
        this.lastError ??
        (this.stalled() ? `publishing for ${Date.now() - this.publishingSince!} ms` : null),
    };
  }

  private stalled(): boolean {
    return (
      this.publishingSince !== undefined &&
      Date.now() - this.publishingSince > (this.options.stalledAfterMs ?? 5_000)
    );
  }

  private async publish(batch: readonly RecordedEvent[]): Promise<void> {
    const messages = batch
      .map((event) => toCloudEvent(event, this.options.cloudEvents))
      .filter((message): message is LifecycleCloudEvent => message !== undefined);
    this.publishingSince = Date.now();
    try {
      await this.options.publisher.publish(messages);
    } finally {
      this.publishingSince = undefined;
    }
    this.checkpoint = batch[batch.length - 1].position;
    this.published += messages.length;
    this.lastError = null;
    const interval = this.options.checkpointIntervalMs ?? 500;
    if (interval === 0) await this.writeCheckpoint();
    else
      this.writeTimer ??= setTimeout(() => {
        this.writeTimer = undefined;
        this.writeCheckpoint().catch((error: unknown) => this.options.onError?.(error, 0));
      }, interval);
  }

  /** Stores the acknowledged position if it moved; one write at a time, in order. */
  private writeCheckpoint(): Promise<void> {
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const target = this.checkpoint;
        if (target === undefined || target === this.stored) return;
        await storeCheckpoint(this.options.db, this.name, target);
        this.stored = target;
      });
    return this.writing;
  }
}
