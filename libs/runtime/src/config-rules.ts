/**
 * The value rules and transforms the settings of `AppConfig` are checked with: lists, integers,
 * durations, connection strings checked by their clients' own parsers, approval rules, and how a
 * refused value is shown (secrets never, credentials masked).
 */
import {
  kurrentDbConnectionStringProblem,
  postgresUrlProblem,
  redactConnectionString,
  redactPostgresUrl,
} from '@app/event-store';
import { parseApprovalRules, SHARED_CONTROL_COMMAND_TYPES } from '@app/domain';
import { ValidateBy, type ValidationArguments } from 'class-validator';

export const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;
/** Checked with the client's own parser, so start-up refuses what the client would. */
export const IsKurrentDbConnectionString = () =>
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
export const IsPostgresUrl = () =>
  ValidateBy({
    name: 'isPostgresUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && postgresUrlProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `must be a PostgreSQL URL (postgres://user:password@host:5432/database): ${
          postgresUrlProblem(String(args?.value)) ?? 'not a string'
        }`,
    },
  });
/** Values as configuration errors print them: secrets never, credentials masked. */
const SECRETS = new Set(['JWT_SECRET', 'KAFKA_SASL_PASSWORD']);
export const shown = (key: string, value: string | undefined) =>
  value === undefined
    ? value
    : SECRETS.has(key)
      ? `<${value.length} characters, not shown>`
      : key === 'KURRENTDB_URL'
        ? redactConnectionString(value)
        : key === 'DATABASE_URL'
          ? redactPostgresUrl(value)
          : value;
export const int = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

export const IsApprovalRules = () =>
  ValidateBy({
    name: 'isApprovalRules',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && rulesProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `must be Command:rule pairs, comma-separated: ${rulesProblem(String(args?.value))}`,
    },
  });
function rulesProblem(text: string): string | undefined {
  try {
    parseApprovalRules(text, SHARED_CONTROL_COMMAND_TYPES);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export const DURATION = /^(\d{1,6})(s|m|h|d)$/;
export const DURATION_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** `30d`, `12h`, `90m` or `45s` in milliseconds. */
export function durationMs(text: string): number {
  const [, amount, unit] = DURATION.exec(text) ?? [];
  if (amount === undefined) throw new RangeError(`'${text}' is not a duration such as 30d`);
  return Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
}
