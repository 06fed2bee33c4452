/** Readiness of a PostgreSQL server, however it was started (local binaries, testcontainers, external). */
import { Client } from 'pg';
import { redactPostgresUrl } from '../../../libs/event-store/src/sql/postgres';
import { pollUntilReady } from '../harness-processes';

/**
 * Connects and runs `select 1` until it answers, `deadline` passes, or `dead()` returns a reason
 * to give up (the server process exited). "The database system is starting up" counts as not yet.
 */
export async function waitForPostgres(
  url: string,
  deadline: number,
  dead: () => string | undefined = () => undefined,
): Promise<void> {
  const probe = async () => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined); // a server going away while we wait is not news
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await pollUntilReady(`PostgreSQL at ${redactPostgresUrl(url)}`, probe, deadline, dead, 100);
}
