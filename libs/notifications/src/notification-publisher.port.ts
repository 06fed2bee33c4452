import type { CloudEvent } from './integration-events';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/**
 * Where notifications go: the port the notifiers publish through (Kafka in `kafka/`). One
 * publisher serves every topic: lifecycle notifications (one shared topic, or one per member
 * state) and signed checkpoints.
 */
export interface NotificationPublisher {
  /**
   * Sends the messages to `topic` in order, keyed by their `subject`, and resolves once the
   * broker has acknowledged all of them; a rejection means some may not have been, and the
   * same batch will be offered again.
   */
  publish(topic: string, events: readonly CloudEvent[]): Promise<void>;
  /**
   * True when `error` (from `publish`, or from mapping the batch) says the broker is away or
   * busy: the batch is retried for as long as that lasts. False when the message itself is
   * refused (too large, invalid) or cannot be mapped: after bounded attempts it is parked.
   */
  isTransient(error: unknown): boolean;
  disconnect(): Promise<void>;
}
