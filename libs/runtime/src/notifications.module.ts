import { EVENT_STORE, type EventStore } from '@app/event-store';
import { KafkaNotifier, KafkaPublisher, type NotifierStatus } from '@app/notifications';
import type { ReadModelDb } from '@app/read-models';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { APP_CONFIG, type AppConfig } from './app-config';
import { READ_MODEL_DB } from './storage.module';

/** The Kafka notifier of this process, configured from KAFKA_* (present only when KAFKA_BROKERS is set). */
@Injectable()
export class Notifications implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  readonly notifier: KafkaNotifier;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(READ_MODEL_DB) db: Kysely<ReadModelDb>,
  ) {
    const publisher = new KafkaPublisher({
      brokers: config.KAFKA_BROKERS ?? [],
      clientId: config.KAFKA_CLIENT_ID,
      topic: config.KAFKA_TOPIC,
      partitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
      requireTopic: config.KAFKA_REQUIRE_TOPIC === 'true',
      ssl: config.KAFKA_SSL === 'true' ? { caFile: config.KAFKA_SSL_CA_FILE } : false,
      sasl: config.KAFKA_SASL_MECHANISM
        ? {
            mechanism: config.KAFKA_SASL_MECHANISM,
            username: config.KAFKA_SASL_USERNAME ?? '',
            password: config.KAFKA_SASL_PASSWORD ?? '',
          }
        : undefined,
      log: (level, message) => this.logger[level === 'info' ? 'log' : level](message),
    });
    this.notifier = new KafkaNotifier({
      db,
      events,
      publisher,
      maxBatchSize: config.NOTIFICATIONS_BATCH_SIZE,
      checkpointIntervalMs: config.NOTIFICATIONS_CHECKPOINT_INTERVAL_MS,
      cloudEvents: {
        source: config.NOTIFICATIONS_SOURCE,
        schemaBaseUri: config.NOTIFICATIONS_SCHEMA_BASE_URI,
      },
      onError: (error, attempt) =>
        this.logger.warn(
          `publishing failed (attempt ${attempt}), retrying the same batch: ${String(error)}`,
        ),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.notifier.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.notifier.stop();
  }

  status(): NotifierStatus {
    return this.notifier.status();
  }
}

@Module({ providers: [Notifications], exports: [Notifications] })
export class NotificationsModule {}

/** The start-up log line that says whether notifications are on. */
export function notificationsSummary(config: AppConfig): string {
  return config.KAFKA_BROKERS
    ? `Kafka notifications ON: topic ${config.KAFKA_TOPIC} on ${config.KAFKA_BROKERS.join(',')}`
    : 'Kafka notifications OFF (set KAFKA_BROKERS to turn them on)';
}
