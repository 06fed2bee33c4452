import { sql } from 'kysely';
import { Client } from 'pg';
import { describeWithPostgres } from '../../../../test/services/postgres';
import { sqlDialectOf } from './dialect';
import { createPostgresDb } from './postgres';

type Db = { numbers: { id: bigint; small: number; day: string; exact: string } };

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithPostgres('createPostgresDb: Kysely over a pg pool', (pg) => {
  it('returns int8 as bigint (exact past 2^53), int4 as number, date as text, numeric as text', async () => {
    const db = createPostgresDb<Db>({ url: pg().url });
    try {
      await sql`create table numbers (id int8 primary key, small int4, day date, exact numeric)`.execute(
        db,
      );
      const big = 2n ** 63n - 1n;
      await db
        .insertInto('numbers')
        .values([
          { id: big, small: 7, day: '2024-06-14', exact: '0.10' },
          { id: 9007199254740993n, small: -1, day: '1999-12-31', exact: '12345678901234567890.5' },
        ])
        .execute();
      const rows = await db.selectFrom('numbers').selectAll().orderBy('id').execute();
      expect(rows).toEqual([
        { id: 9007199254740993n, small: -1, day: '1999-12-31', exact: '12345678901234567890.5' },
        { id: big, small: 7, day: '2024-06-14', exact: '0.10' },
      ]);
      const { n } = await db
        .selectFrom('numbers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(n).toBe(2n);
    } finally {
      await db.destroy();
    }
  });

  it('knows its dialect, in a transaction too', async () => {
    const db = createPostgresDb({ url: pg().url });
    try {
      expect(sqlDialectOf(db)).toBe('postgres');
      await db.transaction().execute(async (trx) => expect(sqlDialectOf(trx)).toBe('postgres'));
    } finally {
      await db.destroy();
    }
  });

  it('hands its settings to the server session', async () => {
    const db = createPostgresDb({
      url: pg().url,
      statementTimeoutMs: 1_500,
      idleInTransactionTimeoutMs: 2_500,
      applicationName: 'jv-ledger-test',
    });
    try {
      const { rows } = await sql<{ st: string; itx: string; app: string }>`
        select current_setting('statement_timeout') as st,
               current_setting('idle_in_transaction_session_timeout') as itx,
               current_setting('application_name') as app`.execute(db);
      expect(rows).toEqual([{ st: '1500ms', itx: '2500ms', app: 'jv-ledger-test' }]);
    } finally {
      await db.destroy();
    }
  });

  it('opens at most poolSize connections however many queries wait', async () => {
    const app = `pool-size-${Date.now()}`;
    const db = createPostgresDb({ url: pg().url, poolSize: 2, applicationName: app });
    const admin = new Client({ connectionString: pg().url });
    await admin.connect();
    try {
      let most = 0;
      const queries = Array.from({ length: 6 }, () => sql`select pg_sleep(0.2)`.execute(db));
      const all = Promise.all(queries);
      let done = false;
      void all.finally(() => (done = true));
      while (!done) {
        const { rows } = await admin.query(
          'select count(*)::int as n from pg_stat_activity where application_name = $1',
          [app],
        );
        most = Math.max(most, rows[0].n as number);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await all;
      expect(most).toBe(2);
    } finally {
      await admin.end();
      await db.destroy();
    }
  });

  it('rides out a server restart: idle connections ended by the server do not crash the process', async () => {
    const errors: Error[] = [];
    const db = createPostgresDb({ url: pg().url, onIdleConnectionError: (e) => errors.push(e) });
    try {
      await sql`select 1`.execute(db); // one idle connection in the pool now
      await pg().restart();
      await eventually(async () => errors.length > 0, 'the idle connection error is reported');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('fails a query with a connection error while the server is down, instead of hanging', async () => {
    const db = createPostgresDb({ url: pg().url, connectionTimeoutMs: 1_000 });
    try {
      await pg().stop();
      await expect(sql`select 1`.execute(db)).rejects.toThrow(/ECONNREFUSED|connect|timeout/i);
      await pg().start();
      await expect(sql`select 1 as one`.execute(db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await db.destroy();
    }
  });

  it('closes every connection on destroy(), and a second destroy() is harmless', async () => {
    const app = `destroy-${Date.now()}`;
    const db = createPostgresDb({ url: pg().url, applicationName: app });
    await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(db)));
    await db.destroy();
    await db.destroy();
    const admin = new Client({ connectionString: pg().url });
    await admin.connect();
    try {
      await eventually(async () => {
        const { rows } = await admin.query(
          'select count(*)::int as n from pg_stat_activity where application_name = $1',
          [app],
        );
        return rows[0].n === 0;
      }, 'no session of the destroyed pool is left');
    } finally {
      await admin.end();
    }
  });

  it('refuses a URL that is not a PostgreSQL one, naming why', () => {
    expect(() => createPostgresDb({ url: 'mysql://db/x' })).toThrow(
      /scheme mysql: is not postgres/,
    );
    expect(() => createPostgresDb({ url: 'not a url' })).toThrow(/not a URL/);
  });
});
