import { kurrentDbConnectionStringProblem, redactConnectionString } from '@app/event-store';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationArguments,
} from 'class-validator';
import { resolve } from 'node:path';

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;
/** Checked with the client's own parser, so start-up refuses what the client would. */
const IsKurrentDbConnectionString = () =>
  ValidateBy({
    name: 'isKurrentDbConnectionString',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && kurrentDbConnectionStringProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `must be a KurrentDB connection string (kurrentdb://user:password@host:2113?tls=true): ${
          kurrentDbConnectionStringProblem(String(args?.value)) ?? 'not a string'
        }`,
    },
  });
/** Values as configuration errors print them: secrets never, credentials masked. */
const SECRETS = new Set(['JWT_SECRET', 'KAFKA_SASL_PASSWORD']);
const shown = (key: string, value: string | undefined) =>
  value === undefined
    ? value
    : SECRETS.has(key)
      ? `<${value.length} characters, not shown>`
      : key === 'KURRENTDB_URL'
        ? redactConnectionString(value)
        : value;
const int = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Every setting of the service, read from the environment once at start-up. A bad value
 * stops the start with one message per variable, never a half-configured service.
 */
export class AppConfig {
  @Transform(int) @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @IsString() HOST = '0.0.0.0';
  @IsString() @MinLength(1) DATA_DIR = './data';
  @IsIn(['FULL', 'EXTRA', 'NORMAL']) SQLITE_SYNCHRONOUS: 'FULL' | 'EXTRA' | 'NORMAL' = 'FULL';
  /** Where events live: the SQLite file in DATA_DIR (embedded) or a KurrentDB cluster. */
  /**
   * How often subscriptions of the SQLite log look for appends made by another process (ms).
   * Appends in the same process wake them at once; a separate projector relies on this.
   */
  @Transform(int) @IsInt() @Min(5) @Max(10_000) SQLITE_POLL_INTERVAL_MS = 25;
  @IsIn(['sqlite', 'kurrentdb']) EVENT_STORE: 'sqlite' | 'kurrentdb' = 'sqlite';
  /**
   * KurrentDB connection string, required with EVENT_STORE=kurrentdb, e.g.
   * `kurrentdb://user:password@node1:2113,node2:2113,node3:2113?tls=true&tlsCaFile=/certs/ca.crt`.
   */
  @ValidateIf((config: AppConfig) => config.EVENT_STORE === 'kurrentdb')
  @IsString()
  @IsKurrentDbConnectionString()
  KURRENTDB_URL?: string = undefined;

  /** ISO 3166-1 alpha-2 codes of the treaty's member states: configuration, since membership changes. */
  @Transform(list)
  @ArrayNotEmpty()
  @Matches(/^[A-Z]{2}$/, {
    each: true,
    message: 'each member state must be an ISO 3166-1 alpha-2 code',
  })
  MEMBER_STATES: string[] = ['AM', 'BY', 'KZ', 'KG', 'RU', 'TJ'];

  /** HS256 secret (>= 32 chars). When unset, a key is created in DATA_DIR on first start. */
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string = undefined;
  @IsString() JWT_ISSUER = 'jv-ledger';
  @IsString() JWT_AUDIENCE = 'jv-ledger-api';

  @Transform(int) @IsInt() @Min(1024) @Max(16 * 1024 * 1024) BODY_LIMIT_BYTES = 1024 * 1024;
  /** How often a command is re-read and re-decided when a concurrent writer got there first. */
  @Transform(int) @IsInt() @Min(0) @Max(20) COMMAND_CONFLICT_RETRIES = 5;
  /**
   * How long a command holding an Idempotency-Key counts as still running; a retry within it
   * gets 409, after it the command is taken to have crashed and is resolved from the stream.
   */
  @Transform(int) @IsInt() @Min(1000) IDEMPOTENCY_LEASE_MS = 30_000;
  /** Joint ventures whose folded state is kept in memory so a command costs O(new events). */
  @Transform(int) @IsInt() @Min(0) STATE_CACHE_SIZE = 10_000;
  /**
   * How long a consumer's lease lives without renewal (ms): a standby projector takes a consumer
   * over at most this long after its holder stopped answering (at once when the holder was a
   * process on this host that is gone).
   */
  @Transform(int) @IsInt() @Min(300) @Max(600_000) LEASE_TTL_MS = 10_000;
  /** Failed attempts at a batch before the events a consumer keeps refusing are parked. */
  @Transform(int) @IsInt() @Min(1) @Max(100) DEAD_LETTER_AFTER_ATTEMPTS = 5;
  /** Run the projections inside the API process (the embedded default). */
  @IsIn(['true', 'false']) EMBEDDED_PROJECTOR: 'true' | 'false' = 'true';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';

  /** Kafka notifications are on when brokers are given (host:port, comma-separated). */
  @IsOptional()
  @Transform(list)
  @ArrayNotEmpty()
  @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'each broker must be host:port' })
  KAFKA_BROKERS?: string[] = undefined;
  @IsString() @MinLength(1) KAFKA_CLIENT_ID = 'jv-ledger';
  @IsString() @Matches(/^[a-zA-Z0-9._-]{1,249}$/) KAFKA_TOPIC = 'jv.lifecycle.v1';
  /** Used only to create the topic when it is missing. */
  @Transform(int) @IsInt() @Min(1) @Max(1000) KAFKA_TOPIC_PARTITIONS = 6;
  /** -1 takes the broker's default replication factor. */
  @Transform(int) @IsInt() @Min(-1) @Max(15) KAFKA_TOPIC_REPLICATION_FACTOR = -1;
  /** `true`: never create the topic; refuse to publish until it exists. */
  @IsIn(['true', 'false']) KAFKA_REQUIRE_TOPIC: 'true' | 'false' = 'false';
  @IsIn(['true', 'false']) KAFKA_SSL: 'true' | 'false' = 'false';
  /** PEM file of the CA that signed the brokers' certificates (with KAFKA_SSL=true). */
  @IsOptional() @IsString() KAFKA_SSL_CA_FILE?: string = undefined;
  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' = undefined;
  @ValidateIf((config: AppConfig) => config.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @MinLength(1)
  KAFKA_SASL_USERNAME?: string = undefined;
  @ValidateIf((config: AppConfig) => config.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @MinLength(1)
  KAFKA_SASL_PASSWORD?: string = undefined;
  /** Most events the notifier publishes in one produce request (and one checkpoint write). */
  @Transform(int) @IsInt() @Min(1) @Max(10_000) NOTIFICATIONS_BATCH_SIZE = 2_000;
  /** How often the notifier stores its acknowledged position; 0 = after every batch (ms). */
  @Transform(int) @IsInt() @Min(0) @Max(60_000) NOTIFICATIONS_CHECKPOINT_INTERVAL_MS = 500;
  /** CloudEvents `source` of the notifications. */
  @IsString() @MinLength(1) NOTIFICATIONS_SOURCE = '/jv-ledger';
  @IsString()
  @Matches(/^https?:\/\/\S+\/$/, { message: 'must be an http(s) URI ending in /' })
  NOTIFICATIONS_SCHEMA_BASE_URI = 'https://jv-ledger.example/schemas/';

  /** Where events are kept, for start-up logs (credentials masked). */
  get eventStoreSummary(): string {
    return this.EVENT_STORE === 'kurrentdb'
      ? `events in KurrentDB at ${redactConnectionString(this.KURRENTDB_URL ?? '')}`
      : `events in ${this.databaseFile}`;
  }

  get databaseFile(): string {
    return resolve(this.DATA_DIR, 'ledger.db');
  }
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const given = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.includes(key) && value !== ''),
  );
  const config = plainToInstance(AppConfig, given, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map(
      (error) =>
        `  ${error.property}=${JSON.stringify(shown(error.property, env[error.property]))}: ${Object.values(error.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
