import type { LogConsumer } from '@app/event-store';
import type { NotificationPublisher } from '@app/notifications';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { inSpan } from '../tracing/tracing';

/** `jv_consumer_active{consumer}`: 1 where this process runs the consumer, 0 while it stands by. */
export function registerConsumerRoles(registry: Registry, consumers: () => readonly LogConsumer[]) {
  new Gauge({
    name: 'jv_consumer_active',
    help: 'Whether this process runs the consumer (1) or stands by for its lease (0).',
    labelNames: ['consumer'] as const,
    registers: [registry],
    collect() {
      for (const consumer of consumers())
        this.set({ consumer: consumer.name }, consumer.status().role === 'active' ? 1 : 0);
    },
  });
}

/**
 * The publisher, timed: `jv_notifier_publish_duration_seconds` for each acknowledged batch,
 * `jv_notifier_published_total` messages, `jv_notifier_publish_failures_total{kind}` where kind
 * is `transient` (the broker away or busy: retried) or `refused` (too large, unmappable: parked
 * after bounded attempts).
 */
export function timedPublisher(
  publisher: NotificationPublisher,
  registry: Registry,
): NotificationPublisher {
  const duration = new Histogram({
    name: 'jv_notifier_publish_duration_seconds',
    help: 'Time from handing a batch to the broker to its acknowledgement.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const published = new Counter({
    name: 'jv_notifier_published_total',
    help: 'Notifications the broker acknowledged.',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'jv_notifier_publish_failures_total',
    help: 'Failed publishes: transient (retried) or refused (parked after bounded attempts).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  return {
    async publish(topic, events) {
      const stop = duration.startTimer();
      try {
        await inSpan(
          'publish',
          { 'messaging.destination.name': topic, 'messaging.batch.message_count': events.length },
          () => publisher.publish(topic, events),
        );
        stop();
        published.inc(events.length);
      } catch (error) {
        failures.inc({ kind: publisher.isTransient(error) ? 'transient' : 'refused' });
        throw error;
      }
    },
    isTransient: (error) => publisher.isTransient(error),
    disconnect: () => publisher.disconnect(),
  };
}
