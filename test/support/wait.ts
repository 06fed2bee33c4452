/**
 * Waiting in tests: on a condition, never for a fixed time, with a bound generous enough for a
 * loaded 2-core machine (a Kafka broker took 15.8 s to come back on one). A bound only decides
 * how long a broken run takes to fail; a passing run never waits for it.
 */

/** The default bound: long enough for a broker restart or a process start under heavy load. */
export const GENEROUS_WAIT_MS = 120_000;

export type WaitOptions = Readonly<{
  /** What is awaited, for the error message ("60 messages on jv.test.x"); a function is asked at the end. */
  what: string | (() => string);
  timeoutMs?: number;
  /** How often the condition is checked. */
  pollMs?: number;
}>;

/**
 * Resolves with the condition's first truthy value; rejects with `what` (and the last error the
 * condition threw, if any) once the bound has passed.
 */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  { what, timeoutMs = GENEROUS_WAIT_MS, pollMs = 100 }: WaitOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? '' : `; last error: ${String(lastError)}`;
      const awaited = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${awaited}${cause}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
