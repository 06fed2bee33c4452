import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

/** How the service reaches PostgreSQL (`DATABASE_URL` and its pool settings). */
export type PostgresDbOptions = Readonly<{
  /** `postgres://user:password@host:5432/db?sslmode=verify-full`, as libpq and `pg` read it. */
  url: string;
  /** Most connections this process opens (default 10). */
  poolSize?: number;
  /** Bound on getting a connection, from the pool or from the server (ms, default 5000). */
  connectionTimeoutMs?: number;
  /** An idle pooled connection is closed after this (ms, default 30000). */
  idleTimeoutMs?: number;
  /** Server-side `statement_timeout` (ms); 0 (the default) for none. */
  statementTimeoutMs?: number;
  /**
   * Server-side `idle_in_transaction_session_timeout` (ms, default 60000): the server ends a
   * session that sits in an open transaction this long, so a paused or wedged process cannot
   * hold row locks forever.
   */
  idleInTransactionTimeoutMs?: number;
  /** `application_name`, seen in `pg_stat_activity` (default `jv-ledger`). */
  applicationName?: string;
  /**
   * Errors of idle pooled connections (the server restarted, the network dropped): `pg` emits
   * them on the pool, where an unheard 'error' event would end the process. The connection is
   * discarded either way and the next query opens a new one. Default: ignored.
   */
  onIdleConnectionError?: (error: Error) => void;
}>;

const INT8 = pg.types.builtins.INT8;
const DATE = pg.types.builtins.DATE;

/**
 * How values come back. `int8` (bigint, count(*), sum of integers) as a JS `bigint`: exact
 * beyond 2^53 (a global log position may be), and typed apart from numbers, so `'5' + 1`
 * never silently becomes '51' as with pg's default strings; `Number(value)` where a count is
 * wanted. `date` as its 'YYYY-MM-DD' text: pg's default makes a local-midnight Date that shifts
 * the day in other time zones. The rest as pg parses them (numeric stays a string).
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === INT8) return (value: string) => BigInt(value);
    if (format !== 'binary' && oid === DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A Kysely instance over a `pg` pool. `db.destroy()` closes the pool (waiting for connections
 * in use to be released); calling it again does nothing.
 */
export function createPostgresDb<DB>(options: PostgresDbOptions): Kysely<DB> {
  const problem = postgresUrlProblem(options.url);
  if (problem) throw new TypeError(`invalid PostgreSQL URL: ${problem}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    statement_timeout: options.statementTimeoutMs ?? 0,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    application_name: options.applicationName ?? 'jv-ledger',
    keepAlive: true,
    types,
  });
  pool.on('error', options.onIdleConnectionError ?? (() => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Why `url` is not a PostgreSQL URL, or undefined when it is one (for configuration checks). */
export function postgresUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL (expected postgres://user:password@host:5432/database)';
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return `scheme ${parsed.protocol} is not postgres: or postgresql:`;
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) return 'no host';
  return undefined;
}

/** `url` with its password masked, for logs and error messages. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<not a URL>';
  }
}
