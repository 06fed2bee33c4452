/**
 * What the SQL adapters need to know about an error, on SQLite (better-sqlite3's extended
 * result codes) and PostgreSQL (SQLSTATE codes, `pg`'s `error.code`) alike.
 */

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** A primary-key or unique constraint refused the write. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === '23505' // unique_violation
  );
}

/**
 * The transaction lost a race and was rolled back as a whole; running it again from its start
 * is correct: PostgreSQL's serialization_failure (40001, under REPEATABLE READ or
 * SERIALIZABLE) and deadlock_detected (40P01), and SQLite's SQLITE_BUSY_SNAPSHOT (a read
 * transaction that another connection's commit overtook tried to write).
 */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY_SNAPSHOT';
}

export type RetryOptions = Readonly<{
  /** Runs of `work` at most, the first included (default 5). */
  attempts?: number;
  /** First backoff (ms, default 10); it doubles, with jitter, up to 1 s. */
  initialDelayMs?: number;
}>;

/**
 * Runs `work` (which opens its own transaction) again when it fails with a retryable
 * transaction error, a bounded number of times; any other error, or the last one, is thrown.
 */
export async function retryTransaction<T>(
  work: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  let delay = options.initialDelayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay));
      delay = Math.min(delay * 2, 1_000);
    }
  }
}

/**
 * True for trouble reaching the database rather than a refusal of the statement: SQLite's busy
 * or locked, PostgreSQL's connection classes (08), operator intervention (57P), too many
 * connections, and the socket errors of a server that is away. A consumer retries these for as
 * long as they last and never parks an event for them.
 */
export function isTransientSqlError(error: unknown): boolean {
  const code = String(codeOf(error) ?? '');
  return (
    /^SQLITE_(BUSY|LOCKED)/.test(code) ||
    /^(08|57P)/.test(code) ||
    code === '53300' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)
  );
}
