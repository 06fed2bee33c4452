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
  validateSync,
} from 'class-validator';
import { resolve } from 'node:path';

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
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
  @IsIn(['sqlite']) EVENT_STORE = 'sqlite' as const;

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
  /** Run the projections inside the API process (the embedded default). */
  @IsIn(['true', 'false']) EMBEDDED_PROJECTOR: 'true' | 'false' = 'true';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';

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
        `  ${error.property}=${JSON.stringify(env[error.property])}: ${Object.values(error.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
