import {
  processHolderId,
  SqlDeadLetterStore,
  SqlLeaseStore,
  type ConsumerStatus,
  type GlobalPosition,
  type LogConsumer,
} from '@app/event-store';
import { KafkaPublisher, notifier, type KafkaSettings } from '@app/notifications';
import { JOINT_VENTURE_PROJECTIONS, projectionConsumer } from '@app/read-models';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './app-config';
import { STORAGE } from './storage/storage.module';
import type { Storage } from './storage/open-storage';
import { registerConsumerRoles, timedPublisher } from './metrics/consumer-metrics';
import { MetricsRegistry } from './metrics/metrics-registry';

/**
 * The consumers of the log this process runs: one per projection and, when KAFKA_BROKERS is
 * set, the notifier. Inside the API process in the embedded default, alone in the projector app
 * in production. Started after bootstrap, stopped at shutdown.
 */
@Injectable()
export class Consumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Consumers');
  readonly projections: readonly LogConsumer[];
  readonly notifier: LogConsumer | undefined;
  private readonly publisher: KafkaPublisher | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(STORAGE) storage: Storage,
    @Optional() metrics?: MetricsRegistry,
  ) {
    const { events, checkpoints, readModels } = storage;
    const onError = (name: string) => (error: unknown, attempt: number) =>
      this.logger.warn(`${name} failed a batch (attempt ${attempt}), retrying: ${String(error)}`);
    // Every consumer runs in one process at a time, also on SQLite (the same code path): a
    // lease per consumer in the database that holds its checkpoint, fencing each checkpoint write.
    const lease = {
      store: new SqlLeaseStore(readModels),
      holder: processHolderId(),
      ttlMs: config.LEASE_TTL_MS,
    };
    const deadLetters = {
      store: new SqlDeadLetterStore(readModels),
      afterAttempts: config.DEAD_LETTER_AFTER_ATTEMPTS,
    };
    const shared = { events, checkpoints, lease, deadLetters };
    this.projections = JOINT_VENTURE_PROJECTIONS.map((projection) =>
      projectionConsumer(projection, { ...shared, onError: onError(projection.name) }),
    );
    if (config.KAFKA_BROKERS) {
      this.publisher = new KafkaPublisher(kafkaSettingsOf(config, this.logger));
      this.notifier = notifier({
        ...shared,
        publisher: metrics ? timedPublisher(this.publisher, metrics.registry) : this.publisher,
        maxBatchSize: config.NOTIFICATIONS_BATCH_SIZE,
        checkpointIntervalMs: config.NOTIFICATIONS_CHECKPOINT_INTERVAL_MS,
        cloudEvents: {
          source: config.NOTIFICATIONS_SOURCE,
          schemaBaseUri: config.NOTIFICATIONS_SCHEMA_BASE_URI,
        },
        onError: onError('Notifier'),
      });
    }
    if (metrics) registerConsumerRoles(metrics.registry, () => this.all);
  }

  private get all(): LogConsumer[] {
    return [...this.projections, ...(this.notifier ? [this.notifier] : [])];
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.all.map((consumer) => consumer.start()));
    this.logger.log(`running ${this.all.map((consumer) => consumer.name).join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all.map((consumer) => consumer.stop()));
    await this.publisher?.disconnect();
  }

  projectionStatus(): ConsumerStatus[] {
    return this.projections.map((consumer) => consumer.status());
  }

  notifierStatus(): ConsumerStatus | undefined {
    return this.notifier?.status();
  }

  /** Resolves once every projection has applied the log up to `position` (read your own writes). */
  async waitForProjections(position: GlobalPosition): Promise<void> {
    await Promise.all(this.projections.map((consumer) => consumer.waitFor(position)));
  }
}

@Module({ providers: [Consumers], exports: [Consumers] })
export class ConsumersModule {}

/** The Kafka publisher's settings from KAFKA_*. */
function kafkaSettingsOf(config: AppConfig, logger: Logger): KafkaSettings {
  return {
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
    log: (level, message) => logger[level === 'info' ? 'log' : level](message),
  };
}

/** The start-up log line that says whether notifications are on. */
export function notificationsSummary(config: AppConfig): string {
  return config.KAFKA_BROKERS
    ? `Kafka notifications ON: topic ${config.KAFKA_TOPIC} on ${config.KAFKA_BROKERS.join(',')}`
    : 'Kafka notifications OFF (set KAFKA_BROKERS to turn them on)';
}
