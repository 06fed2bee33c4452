/**
 * Test support for the harness spec: starts a local PostgreSQL, prints its pid and dir as one
 * JSON line, and waits to be killed, so the spec can check what a SIGKILLed test process leaves.
 */
import { startLocalPostgres } from '../../services/postgres/local-postgres';

void startLocalPostgres(60_000).then((pg) => {
  process.stdout.write(`${JSON.stringify({ pid: pg.pid(), dir: pg.dir })}\n`);
  setInterval(() => undefined, 60_000);
});
