// The client's own parser, so configuration accepts exactly what the client will.
import { parseConnectionString } from '@kurrent/kurrentdb-client/dist/Client/parseConnectionString';

/**
 * Why `value` is not a connection string the client accepts (scheme, hosts, options), or
 * `undefined` when it is: configuration is checked with the client's own parser at start-up.
 */
export function kurrentDbConnectionStringProblem(value: string): string | undefined {
  try {
    parseConnectionString(value);
    return undefined;
  } catch (error) {
    // The first line says what is wrong; the lines after it echo the whole string, password too.
    return String((error as Error).message ?? error).split('\n')[0];
  }
}

/** The connection string with its credentials masked, for logs. */
export function redactConnectionString(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}
