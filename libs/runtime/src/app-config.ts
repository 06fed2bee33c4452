import {
  DEFAULT_APPROVAL_RULES,
  DEFAULT_PROPOSAL_TTL_MS,
  formatApprovalRules,
  parseApprovalRules,
  SHARED_CONTROL_COMMAND_TYPES,
  type ApprovalSettings,
} from '@app/domain';
import { redactConnectionString, redactPostgresUrl } from '@app/event-store';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  validateSync,
  type ValidationArguments,
  type ValidationError,
} from 'class-validator';
import { resolve } from 'node:path';
import {
  DURATION,
  durationMs,
  DURATION_UNITS_MS,
  int,
  IsApprovalRules,
  IsKurrentDbConnectionString,
  IsPostgresUrl,
  list,
  shown,
} from './config-rules';
import {
  IsTrustedIssuerList,
  parseTrustedIssuers,
  STATE_CODE,
  TrustedIssuer,
} from './auth/trusted-issuer';

/** PostgreSQL beside the embedded log would split what the SQLite file keeps in one transaction. */
const NeedsKurrentDb = () =>
  ValidateBy({
    name: 'needsKurrentDb',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) =>
        (args?.object as AppConfig).EVENT_STORE === 'kurrentdb',
      defaultMessage: () =>
        'needs EVENT_STORE=kurrentdb (the combinations are SQLite alone, KurrentDB + PostgreSQL, KurrentDB + SQLite)',
    },
  });
const IsNotAMemberState = () =>
  ValidateBy({
    name: 'isNotAMemberState',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        !(args?.object as AppConfig).MEMBER_STATES.includes(value as string),
      defaultMessage: () => 'must not be one of MEMBER_STATES',
    },
  });

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

  /**
   * PostgreSQL for everything but the events (read models, checkpoints, leases, dead letters,
   * idempotency claims, the name registry), e.g. `postgres://ledger:secret@db:5432/ledger`;
   * unset: the SQLite file in DATA_DIR. Needs EVENT_STORE=kurrentdb.
   */
  @IsOptional() @IsString() @IsPostgresUrl() @NeedsKurrentDb() DATABASE_URL?: string = undefined;
  /** Most PostgreSQL connections this process opens. */
  @Transform(int) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE = 10;

  /** ISO 3166-1 alpha-2 codes of the treaty's member states: configuration, since membership changes. */
  @Transform(list)
  @ArrayNotEmpty()
  @Matches(/^[A-Z]{2}$/, {
    each: true,
    message: 'each member state must be an ISO 3166-1 alpha-2 code',
  })
  MEMBER_STATES: string[] = ['AM', 'BY', 'KZ', 'KG', 'RU', 'TJ'];

  /**
   * The scope of the commission (its auditors see every JV): the member-state claim value that
   * stands for it. Not a member state.
   */
  @Matches(STATE_CODE, { message: 'must be a code of 2-10 capitals and digits, e.g. CSTO' })
  @IsNotAMemberState()
  COMMISSION_MEMBER_STATE = 'CSTO';

  /** `local`: HS256 tokens signed with the service's key; `oidc`: the issuers in AUTH_ISSUERS. */
  @IsIn(['local', 'oidc']) AUTH_MODE: 'local' | 'oidc' = 'local';
  /** HS256 secret (>= 32 chars). When unset, a key is created in DATA_DIR on first start. */
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string = undefined;
  @IsString() JWT_ISSUER = 'jv-ledger';
  @IsString() JWT_AUDIENCE = 'jv-ledger-api';
  /** AUTH_MODE=oidc: a JSON array of TrustedIssuer (issuer, jwksUrl, audience, ...). */
  @ValidateIf((config: AppConfig) => config.AUTH_MODE === 'oidc')
  @Transform(parseTrustedIssuers)
  @IsTrustedIssuerList()
  @ValidateNested({ each: true })
  AUTH_ISSUERS?: TrustedIssuer[] = undefined;
  /** Claim names (or dotted paths into nested claims) of the role and the member state. */
  @IsString() @MinLength(1) AUTH_ROLE_CLAIM = 'role';
  @IsString() @MinLength(1) AUTH_MEMBER_STATE_CLAIM = 'memberState';
  @Transform(int) @IsInt() @Min(0) @Max(300) AUTH_CLOCK_SKEW_SECONDS = 30;
  /** Tokens must carry `exp`, and live at most this long. */
  @Transform(int) @IsInt() @Min(60) @Max(7 * 24 * 3600) AUTH_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;
  /** How long an issuer's fetched keys are used before they are fetched again. */
  @Transform(int) @IsInt() @Min(1000) AUTH_JWKS_CACHE_MAX_AGE_MS = 600_000;
  /** After a fetch, the least time before a token with an unknown key id fetches again. */
  @Transform(int) @IsInt() @Min(0) AUTH_JWKS_COOLDOWN_MS = 30_000;
  @Transform(int) @IsInt() @Min(100) @Max(60_000) AUTH_JWKS_TIMEOUT_MS = 5_000;

  @Transform(int) @IsInt() @Min(1024) @Max(16 * 1024 * 1024) BODY_LIMIT_BYTES = 1024 * 1024;
  /** JSON bodies nested deeper than this, or with a longer array, get 400 before validation. */
  @Transform(int) @IsInt() @Min(4) @Max(256) BODY_MAX_DEPTH = 32;
  @Transform(int) @IsInt() @Min(10) @Max(100_000) BODY_MAX_ARRAY_ITEMS = 1_000;
  /** Requests per RATE_LIMIT_WINDOW_MS per client address, and per authenticated subject (0: off). */
  @Transform(int) @IsInt() @Min(0) RATE_LIMIT_PER_ADDRESS = 6_000;
  @Transform(int) @IsInt() @Min(0) RATE_LIMIT_PER_SUBJECT = 3_000;
  @Transform(int) @IsInt() @Min(1000) RATE_LIMIT_WINDOW_MS = 60_000;
  /**
   * The reverse proxies (comma-separated addresses or CIDRs) whose X-Forwarded-For names the
   * client; unset: the peer address is the client (for the per-address rate limit and logs).
   */
  @IsOptional()
  @Matches(/^[0-9a-fA-F:.]+(\/\d{1,3})?(\s*,\s*[0-9a-fA-F:.]+(\/\d{1,3})?)*$/, {
    message: 'must be comma-separated addresses or CIDRs, e.g. 10.0.0.0/8,127.0.0.1',
  })
  TRUST_PROXY?: string = undefined;
  /** A socket with no traffic for this long is closed (ms). */
  @Transform(int) @IsInt() @Min(1000) HTTP_CONNECTION_TIMEOUT_MS = 60_000;
  /** An idle keep-alive connection is closed after this long (ms). */
  @Transform(int) @IsInt() @Min(100) HTTP_KEEP_ALIVE_TIMEOUT_MS = 10_000;
  /** The whole request, body included, must arrive within this (ms); headers within the next. */
  @Transform(int) @IsInt() @Min(1000) HTTP_REQUEST_TIMEOUT_MS = 30_000;
  @Transform(int) @IsInt() @Min(1000) HTTP_HEADERS_TIMEOUT_MS = 10_000;
  /** Request line and headers larger than this get 431. */
  @Transform(int) @IsInt() @Min(1024) @Max(65_536) HTTP_MAX_HEADER_BYTES = 16_384;
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
   * A JV's folded state is kept as a snapshot every this many events, so a cold start resumes
   * from it instead of replaying the stream; 0: no snapshots written or read.
   */
  @Transform(int) @IsInt() @Min(0) SNAPSHOT_EVERY = 500;
  /** Snapshots kept per JV (the newest), for `/state` at earlier versions. */
  @Transform(int) @IsInt() @Min(1) @Max(1000) SNAPSHOT_KEEP = 10;
  /** At start, the states of this many JVs with the most recently written snapshots are loaded. */
  @Transform(int) @IsInt() @Min(0) @Max(100_000) SNAPSHOT_PREWARM = 100;
  /**
   * How long a consumer's lease lives without renewal (ms): a standby projector takes a consumer
   * over at most this long after its holder stopped answering (at once when the holder was a
   * process on this host that is gone).
   */
  @Transform(int) @IsInt() @Min(300) @Max(600_000) LEASE_TTL_MS = 10_000;
  /** Failed attempts at a batch before the events a consumer keeps refusing are parked. */
  @Transform(int) @IsInt() @Min(1) @Max(100) DEAD_LETTER_AFTER_ATTEMPTS = 5;
  /** Seconds between two runs of the integrity monitor (chains, log and checkpoints). */
  @Transform(int) @IsInt() @Min(1) @Max(86_400) VERIFY_INTERVAL_S = 30;
  /**
   * Seconds between two full re-verifications from the first event; the runs between them check
   * only what was appended since (an edit of an old event shows at the next full run).
   */
  @Transform(int) @IsInt() @Min(1) @Max(604_800) VERIFY_FULL_INTERVAL_S = 600;
  /**
   * The projector's Prometheus endpoint (`GET /metrics` on this port, no token: keep it inside
   * the deployment's network); unset: none. The API serves its metrics on its own /metrics.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(0) @Max(65_535) METRICS_PORT?: number = undefined;
  @IsString() @MinLength(1) METRICS_HOST = '0.0.0.0';
  /** OpenTelemetry traces: on with OTEL_ENABLED=true or an OTLP endpoint (off by default). */
  @IsIn(['true', 'false']) OTEL_ENABLED: 'true' | 'false' = 'false';
  /** Where spans go over OTLP/HTTP (e.g. http://collector:4318); setting it turns tracing on. */
  @IsOptional() @IsUrl({ require_tld: false }) OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;
  /** Run the projections inside the API process (the embedded default). */
  @IsIn(['true', 'false']) EMBEDDED_PROJECTOR: 'true' | 'false' = 'true';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /** `auto`: human-readable when stdout is a terminal, JSON lines otherwise (files, collectors). */
  @IsIn(['auto', 'pretty', 'json']) LOG_FORMAT: 'auto' | 'pretty' | 'json' = 'auto';

  /**
   * Shared control (issue 10 §2): `on`, the actions of APPROVAL_RULES take effect only when the
   * partner states concerned approve; `off`, every command applies at once (one operator).
   */
  @IsIn(['on', 'off']) APPROVALS: 'on' | 'off' = 'off';
  /** Which actions need whose approval, `Command:rule` pairs (the README's table is the default). */
  @IsApprovalRules() APPROVAL_RULES = formatApprovalRules(DEFAULT_APPROVAL_RULES);
  /** How long a proposal can be approved: `30d`, `12h`, `90m`, `45s`. */
  @Matches(DURATION, { message: 'must be a duration such as 30d, 12h, 90m or 45s' })
  PROPOSAL_TTL = `${DEFAULT_PROPOSAL_TTL_MS / DURATION_UNITS_MS.d}d`;

  /** Kafka notifications are on when brokers are given (host:port, comma-separated). */
  @IsOptional()
  @Transform(list)
  @ArrayNotEmpty()
  @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'each broker must be host:port' })
  KAFKA_BROKERS?: string[] = undefined;
  @IsString() @MinLength(1) KAFKA_CLIENT_ID = 'jv-ledger';
  @IsString() @Matches(/^[a-zA-Z0-9._-]{1,249}$/) KAFKA_TOPIC = 'jv.lifecycle.v1';
  /**
   * `on`: lifecycle notifications go to one topic per member state, `<KAFKA_TOPIC>.<STATE>`
   * (the JVs with a partner from that state), and `<KAFKA_TOPIC>.<COMMISSION_MEMBER_STATE>`
   * (every JV), instead of KAFKA_TOPIC; broker ACLs then keep each state to its own topic.
   */
  @IsIn(['on', 'off']) KAFKA_TOPIC_PER_STATE: 'on' | 'off' = 'off';
  /** Where every signed checkpoint goes, for the member states' witnesses (one shared topic). */
  @IsString() @Matches(/^[a-zA-Z0-9._-]{1,249}$/) KAFKA_CHECKPOINT_TOPIC = 'jv.checkpoints.v1';
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

  /**
   * The transparency log's origin: the first line of every signed checkpoint and the name of its
   * keys (C2SP tlog-checkpoint), e.g. `ledger.commission.example/transparency`.
   */
  @Matches(/^[^\s+\u2014]+$/, { message: 'must be one word without spaces, + or \u2014' })
  TRANSPARENCY_ORIGIN = 'jv-ledger.local/log';
  /** How often the lease holder of the TransparencyLog consumer signs a checkpoint, when the log grew (s). */
  @Transform(int) @IsInt() @Min(1) @Max(86_400) CHECKPOINT_INTERVAL_S = 60;
  /**
   * The checkpoint signing key (a mounted secret holding `PRIVATE+KEY+<name>+<id>+<key>`, never
   * written to); unset: a key created in DATA_DIR (mode 0600) on first start.
   */
  @IsOptional() @IsString() @MinLength(1) LEDGER_SIGNING_KEY_FILE?: string = undefined;
  /**
   * The verifier keys with their validity, JSON `{"keys": [{verifierKey, notBefore?, notAfter?}]}`
   * (rotation); unset: DATA_DIR/transparency-keys.json, or the signing key alone, unbounded.
   */
  @IsOptional() @IsString() @MinLength(1) LEDGER_KEY_LIST_FILE?: string = undefined;

  /** Where events are kept, for start-up logs (credentials masked). */
  get eventStoreSummary(): string {
    return this.EVENT_STORE === 'kurrentdb'
      ? `events in KurrentDB at ${redactConnectionString(this.KURRENTDB_URL ?? '')}`
      : `events in ${this.databaseFile}`;
  }

  /** Where everything but the events is kept, for start-up logs (credentials masked). */
  get databaseSummary(): string {
    return this.DATABASE_URL
      ? `PostgreSQL at ${redactPostgresUrl(this.DATABASE_URL)}`
      : this.databaseFile;
  }

  /** Which of the supported combinations this is: `sqlite`, `kurrentdb+sqlite`, `kurrentdb+postgres`. */
  get topology(): 'sqlite' | 'kurrentdb+sqlite' | 'kurrentdb+postgres' {
    if (this.EVENT_STORE === 'sqlite') return 'sqlite';
    return this.DATABASE_URL ? 'kurrentdb+postgres' : 'kurrentdb+sqlite';
  }

  /** The approval rules in force (none with APPROVALS=off) and the proposals' time to live. */
  get approvalSettings(): ApprovalSettings {
    return {
      rules:
        this.APPROVALS === 'on'
          ? parseApprovalRules(this.APPROVAL_RULES, SHARED_CONTROL_COMMAND_TYPES)
          : undefined,
      ttlMs: durationMs(this.PROPOSAL_TTL),
    };
  }

  get databaseFile(): string {
    return resolve(this.DATA_DIR, 'ledger.db');
  }
}

export { durationMs };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const given = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.includes(key) && value !== ''),
  );
  const config = plainToInstance(AppConfig, given, { exposeDefaultValues: true });
  const errors = validateSync(config, {
    forbidUnknownValues: true,
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  if (errors.length > 0) {
    const lines = errors.flatMap((error) => {
      const own = Object.values(error.constraints ?? {});
      const value = JSON.stringify(shown(error.property, env[error.property]));
      return [
        ...(own.length > 0 || !error.children?.length
          ? [`  ${error.property}=${value}: ${own.join('; ')}`]
          : []),
        ...nestedProblems(error.property, error.children ?? []),
      ];
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

/** One line per bad value inside a structured variable: `AUTH_ISSUERS[1].jwksUrl: ...`. */
function nestedProblems(path: string, errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => {
    const at = /^\d+$/.test(error.property)
      ? `${path}[${error.property}]`
      : `${path}.${error.property}`;
    const own = Object.values(error.constraints ?? {});
    return [
      ...(own.length > 0 ? [`  ${at}=${JSON.stringify(error.value)}: ${own.join('; ')}`] : []),
      ...nestedProblems(at, error.children ?? []),
    ];
  });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
