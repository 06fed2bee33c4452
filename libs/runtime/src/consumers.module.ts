import {
  processHolderId,
  SqlDeadLetterStore,
  SqlLeaseStore,
  type ConsumerStatus,
  type GlobalPosition,
  type LogConsumer,
} from '@app/event-store';
import {
  checkpointNotifier,
  KafkaPublisher,
  notifier,
  perStateTopics,
  sharedTopic,
  type KafkaSettings,
  type TopicRouting,
} from '@app/notifications';
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
import { TRANSPARENCY, type TransparencyLedger } from './transparency/transparency-ledger';
import { transparencyLogConsumer } from './transparency/transparency-log.consumer';

/**
 * The consumers of the log this process runs: one per projection, the transparency log (whose
 * lease holder also signs its checkpoints every CHECKPOINT_INTERVAL_S) and, when KAFKA_BROKERS is
 * set, the notifier and the checkpoint publisher (one Kafka producer for both). Inside the API
 * process in the embedded default, alone in the projector app
 * in production. Started after bootstrap, stopped at shutdown.
 */
@Injectable()
export class Consumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Consumers');
  readonly projections: readonly LogConsumer[];
  readonly notifier: LogConsumer | undefined;
  readonly checkpointPublisher: LogConsumer | undefined;
  readonly transparencyLog: LogConsumer;
  private readonly publisher: KafkaPublisher | undefined;
  private stopSigning: (() => Promise<void>) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) storage: Storage,
    @Inject(TRANSPARENCY) private readonly transparency: TransparencyLedger,
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
    this.transparencyLog = transparencyLogConsumer({
      events,
      checkpoints,
      lease,
      onError: onError('TransparencyLog'),
    });
    if (config.KAFKA_BROKERS) {
      this.publisher = new KafkaPublisher(
        kafkaSettingsOf(config, (level, message) =>
          this.logger[level === 'info' ? 'log' : level](message),
        ),
      );
      const publishing = {
        ...shared,
        publisher: metrics ? timedPublisher(this.publisher, metrics.registry) : this.publisher,
        maxBatchSize: config.NOTIFICATIONS_BATCH_SIZE,
        checkpointIntervalMs: config.NOTIFICATIONS_CHECKPOINT_INTERVAL_MS,
        cloudEvents: {
          source: config.NOTIFICATIONS_SOURCE,
          schemaBaseUri: config.NOTIFICATIONS_SCHEMA_BASE_URI,
        },
      };
      this.notifier = notifier({
        ...publishing,
        topics: lifecycleTopicsOf(config, storage),
        onError: onError('Notifier'),
      });
      this.checkpointPublisher = checkpointNotifier({
        ...publishing,
        topic: config.KAFKA_CHECKPOINT_TOPIC,
        consistencyProofs: (first, second) => transparency.log.consistencyProof(first, second),
        onError: onError('CheckpointPublisher'),
      });
    }
    if (metrics) registerConsumerRoles(metrics.registry, () => this.all);
  }

  private get all(): LogConsumer[] {
    return [
      ...this.projections,
      this.transparencyLog,
      ...(this.notifier ? [this.notifier] : []),
      ...(this.checkpointPublisher ? [this.checkpointPublisher] : []),
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.all.map((consumer) => consumer.start()));
    this.stopSigning = this.transparency.startPeriodicSigning({
      intervalMs: this.config.CHECKPOINT_INTERVAL_S * 1000,
      isLeaseHolder: () => this.transparencyLog.status().role === 'active',
      onError: (error) => this.logger.warn(`signing a checkpoint failed: ${String(error)}`),
    });
    this.logger.log(`running ${this.all.map((consumer) => consumer.name).join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopSigning?.();
    await Promise.all(this.all.map((consumer) => consumer.stop()));
    await this.publisher?.disconnect();
  }

  projectionStatus(): ConsumerStatus[] {
    return this.projections.map((consumer) => consumer.status());
  }

  transparencyLogStatus(): ConsumerStatus {
    return this.transparencyLog.status();
  }

  notifierStatus(): ConsumerStatus | undefined {
    return this.notifier?.status();
  }

  checkpointPublisherStatus(): ConsumerStatus | undefined {
    return this.checkpointPublisher?.status();
  }

  /** Resolves once every projection has applied the log up to `position` (read your own writes). */
  async waitForProjections(position: GlobalPosition): Promise<void> {
    await Promise.all(this.projections.map((consumer) => consumer.waitFor(position)));
  }
}

@Module({ providers: [Consumers], exports: [Consumers] })
export class ConsumersModule {}

/** The shared KAFKA_TOPIC, or with KAFKA_TOPIC_PER_STATE=on a topic per member state. */
function lifecycleTopicsOf(config: AppConfig, storage: Storage): TopicRouting {
  return config.KAFKA_TOPIC_PER_STATE === 'on'
    ? perStateTopics({
        topicPrefix: config.KAFKA_TOPIC,
        memberStates: config.MEMBER_STATES,
        commission: config.COMMISSION_MEMBER_STATE,
        events: storage.events,
        cacheSize: config.STATE_CACHE_SIZE,
      })
    : sharedTopic(config.KAFKA_TOPIC);
}

/** The Kafka client's settings from KAFKA_* (also the witness's, for TLS and SASL). */
export function kafkaSettingsOf(config: AppConfig, log: KafkaSettings['log']): KafkaSettings {
  return {
    brokers: config.KAFKA_BROKERS ?? [],
    clientId: config.KAFKA_CLIENT_ID,
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
    log,
  };
}

/** The start-up log line that says whether notifications are on. */
export function notificationsSummary(config: AppConfig): string {
  const topics =
    config.KAFKA_TOPIC_PER_STATE === 'on'
      ? `topics ${config.KAFKA_TOPIC}.<state> (${[...config.MEMBER_STATES, config.COMMISSION_MEMBER_STATE].join(', ')})`
      : `topic ${config.KAFKA_TOPIC}`;
  return config.KAFKA_BROKERS
    ? `Kafka notifications ON: ${topics}, checkpoints on ${config.KAFKA_CHECKPOINT_TOPIC}, on ${config.KAFKA_BROKERS.join(',')}`
    : 'Kafka notifications OFF (set KAFKA_BROKERS to turn them on)';
}
