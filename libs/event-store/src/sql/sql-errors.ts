/** True for a primary-key or unique violation, on SQLite and PostgreSQL alike. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === '23505'
  );
}

/**
 * True for trouble reaching the database rather than a refusal of the statement: SQLite's busy
 * or locked, PostgreSQL's connection classes (08), operator intervention (57P), too many
 * connections, and the socket errors of a server that is away. A consumer retries these for as
 * long as they last and never parks an event for them.
 */
export function isTransientSqlError(error: unknown): boolean {
  const code = String((error as { code?: unknown })?.code ?? '');
  return (
    /^SQLITE_(BUSY|LOCKED)/.test(code) ||
    /^(08|57P)/.test(code) ||
    code === '53300' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)
  );
}
