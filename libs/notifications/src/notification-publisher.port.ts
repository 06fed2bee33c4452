import type { LifecycleCloudEvent } from './integration-events';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** Where notifications go: the port the notifier publishes through (Kafka in `kafka/`). */
export interface NotificationPublisher {
  /**
   * Sends the messages in order and resolves once the broker has acknowledged all of them; a
   * rejection means some may not have been, and the same batch will be offered again.
   */
  publish(events: readonly LifecycleCloudEvent[]): Promise<void>;
  /**
   * True when `error` (from `publish`, or from mapping the batch) says the broker is away or
   * busy: the batch is retried for as long as that lasts. False when the message itself is
   * refused (too large, invalid) or cannot be mapped: after bounded attempts it is parked.
   */
  isTransient(error: unknown): boolean;
  disconnect(): Promise<void>;
}
