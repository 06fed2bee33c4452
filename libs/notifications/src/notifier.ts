import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  LogConsumer,
  type CheckpointStore,
  type EventReader,
  type LogConsumerOptions,
  type RecordedEvent,
} from '@app/event-store';
import {
  CHECKPOINT_STREAM,
  checkpointMessageOf,
  DEFAULT_CHECKPOINT_TOPIC,
  type ConsistencyProofs,
} from './checkpoint-notifications';
import { toCloudEvent, type CloudEvent, type CloudEventSettings } from './integration-events';
import type { NotificationPublisher } from './notification-publisher.port';
import { sharedTopic, type TopicRouting } from './topic-routing';

/** The notifier's consumer name, also its checkpoint key. */
export const NOTIFIER_NAME = 'Notifier';
/** The checkpoint publisher's consumer name, also its checkpoint key. */
export const CHECKPOINT_PUBLISHER_NAME = 'CheckpointPublisher';
export const DEFAULT_LIFECYCLE_TOPIC = 'jv.lifecycle.v1';

/** Events per publish; the publisher splits a batch into requests under the broker's size limit. */
export const DEFAULT_NOTIFIER_BATCH_SIZE = 2_000;

/** What every publishing consumer is given, whatever it publishes. */
type PublishingOptions<Tx> = Readonly<{
  /** Consumer name and checkpoint key. */
  name?: string;
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

export type NotifierOptions<Tx> = PublishingOptions<Tx> &
  Readonly<{
    events: Pick<EventReader, 'subscribeToAll'>;
    /** Where each notification goes (default: every one to `jv.lifecycle.v1`). */
    topics?: TopicRouting;
  }>;

/**
 * Publishes a notification for every recorded joint-venture event, in global order, from its own
 * checkpointed consumer of the log: the event store is the outbox. The checkpoint advances only
 * after the publisher reported the batch acknowledged, so nothing recorded is ever skipped; a
 * crash before the checkpoint was written resends that window (at least once).
 */
export function notifier<Tx>(options: NotifierOptions<Tx>): LogConsumer<Tx> {
  const topics = options.topics ?? sharedTopic(DEFAULT_LIFECYCLE_TOPIC);
  return publishingConsumer(options, {
    name: options.name ?? NOTIFIER_NAME,
    events: options.events,
    streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
    messagesOf: async (batch) => {
      const routed: Routed[] = [];
      for (const recorded of batch) {
        if (toCloudEvent(recorded, options.cloudEvents) === undefined) continue;
        for (const { topic, event } of await topics.routesOf(recorded)) {
          const message = toCloudEvent(event, options.cloudEvents);
          if (message !== undefined) routed.push({ topic, message });
        }
      }
      return routed;
    },
  });
}

export type CheckpointNotifierOptions<Tx> = PublishingOptions<Tx> &
  Readonly<{
    /** Reads the checkpoint stream, and the checkpoint before the first one of a batch. */
    events: Pick<EventReader, 'subscribeToAll' | 'readStream'>;
    /** Default `jv.checkpoints.v1`. */
    topic?: string;
    /** When given, each message carries the consistency proof from the checkpoint before it. */
    consistencyProofs?: ConsistencyProofs;
  }>;

/**
 * Publishes every signed checkpoint (the `transparency-checkpoints` stream) to the one topic
 * witnesses read, in order, keyed by the log's origin: the same consumer machinery as the
 * lifecycle notifier, its own name and checkpoint.
 */
export function checkpointNotifier<Tx>(options: CheckpointNotifierOptions<Tx>): LogConsumer<Tx> {
  const topic = options.topic ?? DEFAULT_CHECKPOINT_TOPIC;
  let previous: RecordedEvent | undefined;
  return publishingConsumer(options, {
    name: options.name ?? CHECKPOINT_PUBLISHER_NAME,
    events: options.events,
    streamPrefix: CHECKPOINT_STREAM,
    messagesOf: async (batch) => {
      const routed: Routed[] = [];
      for (const event of batch) {
        if (event.streamId !== CHECKPOINT_STREAM) continue;
        if (event.revision > 0 && previous?.revision !== event.revision - 1)
          [previous] = await options.events.readStream(CHECKPOINT_STREAM, {
            fromRevision: event.revision - 1,
            maxCount: 1,
          });
        const message = await checkpointMessageOf(event, options.cloudEvents, {
          previous: event.revision > 0 ? previous : undefined,
          proofs: options.consistencyProofs,
        });
        routed.push({ topic, message });
        previous = event;
      }
      return routed;
    },
  });
}

type Routed = Readonly<{ topic: string; message: CloudEvent }>;

/** A LogConsumer that maps each batch to messages and publishes them, topic by topic, in order. */
function publishingConsumer<Tx>(
  options: PublishingOptions<Tx>,
  what: Readonly<{
    name: string;
    events: Pick<EventReader, 'subscribeToAll'>;
    streamPrefix: string;
    messagesOf: (batch: readonly RecordedEvent[]) => Promise<Routed[]>;
  }>,
): LogConsumer<Tx> {
  const { publisher } = options;
  return new LogConsumer({
    name: what.name,
    events: what.events,
    checkpoints: options.checkpoints,
    streamPrefix: what.streamPrefix,
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
        const byTopic = new Map<string, CloudEvent[]>();
        for (const { topic, message } of await what.messagesOf(batch)) {
          const messages = byTopic.get(topic);
          if (messages) messages.push(message);
          else byTopic.set(topic, [message]);
        }
        // Each topic receives its messages in log order; a failure offers the whole batch
        // again, and the publisher skips what a topic already acknowledged.
        for (const [topic, messages] of byTopic) await publisher.publish(topic, messages);
      },
    },
  });
}
