import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  LogConsumer,
  type CheckpointStore,
  type EventReader,
  type LogConsumerOptions,
} from '@app/event-store';
import {
  toCloudEvent,
  type CloudEventSettings,
  type LifecycleCloudEvent,
} from './integration-events';
import type { NotificationPublisher } from './notification-publisher.port';

/** The notifier's consumer name, also its checkpoint key. */
export const NOTIFIER_NAME = 'Notifier';

/** Events per publish; the publisher splits a batch into requests under the broker's size limit. */
export const DEFAULT_NOTIFIER_BATCH_SIZE = 2_000;

export type NotifierOptions<Tx> = Readonly<{
  /** Consumer name and checkpoint key (default `Notifier`). */
  name?: string;
  events: Pick<EventReader, 'subscribeToAll'>;
  checkpoints: CheckpointStore<Tx>;
  publisher: NotificationPublisher;
  cloudEvents: CloudEventSettings;
  maxBatchSize?: number;
  /**
   * How long an acknowledged position may wait before it is written as the checkpoint (ms,
   * default 500): writes are coalesced off the publishing path, and a crash resends at most what
   * was acknowledged in this window. 0 writes after every batch, before the next one.
   */
  checkpointIntervalMs?: number;
  /** A publish pending this long counts as degraded before it has failed (ms, default 5000). */
  stalledAfterMs?: number;
  onError?: (error: unknown, attempt: number) => void;
  /** For tests: see `LogConsumerOptions.clock`. */
  clock?: () => number;
  lease?: LogConsumerOptions<Tx>['lease'];
  /** Where notifications that cannot be mapped or are refused by the broker are parked. */
  deadLetters?: LogConsumerOptions<Tx>['deadLetters'];
}>;

/**
 * Publishes a notification for every recorded joint-venture event, in global order, from its own
 * checkpointed consumer of the log: the event store is the outbox. The checkpoint advances only
 * after the publisher reported the batch acknowledged, so nothing recorded is ever skipped; a
 * crash before the checkpoint was written resends that window (at least once).
 */
export function notifier<Tx>(options: NotifierOptions<Tx>): LogConsumer<Tx> {
  const { publisher, cloudEvents } = options;
  return new LogConsumer({
    name: options.name ?? NOTIFIER_NAME,
    events: options.events,
    checkpoints: options.checkpoints,
    streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_NOTIFIER_BATCH_SIZE,
    stalledAfterMs: options.stalledAfterMs,
    onError: options.onError,
    clock: options.clock,
    deadLetters: options.deadLetters,
    lease: options.lease,
    handler: {
      kind: 'at-least-once',
      isTransient: (error) => publisher.isTransient(error),
      checkpointIntervalMs: options.checkpointIntervalMs ?? 500,
      handle: async (batch) => {
        const messages = batch
          .map((event) => toCloudEvent(event, cloudEvents))
          .filter((message): message is LifecycleCloudEvent => message !== undefined);
        await publisher.publish(messages);
      },
    },
  });
}
