/**
 * The error helpers against the errors the real drivers raise: better-sqlite3 on a WAL file,
 * and pg on the harness's PostgreSQL.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { describeWithPostgres } from '../../../../test/services/postgres';
import { openSqlite } from '../sqlite/open-sqlite';
import { isRetryableTransactionError, isUniqueViolation, retryTransaction } from './sql-errors';

function caught(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('SQL errors on SQLite', () => {
  let dir: string;
  let a: Database.Database;
  let b: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sql-errors-'));
    a = openSqlite(join(dir, 'ledger.db'));
    b = openSqlite(join(dir, 'ledger.db'));
    a.exec('create table t (id text primary key, name text unique)');
  });
  afterEach(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recognises primary-key and unique violations', () => {
    a.prepare(`insert into t values ('1', 'x')`).run();
    const primaryKey = caught(() => a.prepare(`insert into t values ('1', 'y')`).run());
    const unique = caught(() => a.prepare(`insert into t values ('2', 'x')`).run());
    expect(isUniqueViolation(primaryKey)).toBe(true);
    expect(isUniqueViolation(unique)).toBe(true);
    expect(isRetryableTransactionError(primaryKey)).toBe(false);
  });

  it('recognises a read transaction overtaken by another connection as retryable', () => {
    a.exec('begin');
    a.prepare('select count(*) from t').get(); // a's snapshot starts here
    b.prepare(`insert into t values ('b', 'b')`).run(); // committed past it
    const overtaken = caught(() => a.prepare(`insert into t values ('a', 'a')`).run());
    a.exec('rollback');
    expect((overtaken as { code?: string }).code).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(isRetryableTransactionError(overtaken)).toBe(true);
    expect(isUniqueViolation(overtaken)).toBe(false);
  });
});

describeWithPostgres('SQL errors on PostgreSQL', (pg) => {
  const clients: Client[] = [];
  async function client(): Promise<Client> {
    const c = new Client({ connectionString: pg().url });
    await c.connect();
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end()));
  });

  it('recognises a unique violation (23505)', async () => {
    const c = await client();
    await c.query('create table names (name text primary key)');
    await c.query(`insert into names values ('x')`);
    const error = await rejection(c.query(`insert into names values ('x')`));
    expect(isUniqueViolation(error)).toBe(true);
    expect(isRetryableTransactionError(error)).toBe(false);
  });

  it('recognises a deadlock (40P01) as retryable', async () => {
    const [x, y] = [await client(), await client()];
    await x.query('create table locks (id int primary key)');
    await x.query('insert into locks values (1), (2)');
    await x.query('begin');
    await y.query('begin');
    await x.query('update locks set id = id where id = 1');
    await y.query('update locks set id = id where id = 2');
    const xWaits = x.query('update locks set id = id where id = 2').then(
      () => undefined,
      (error: unknown) => error,
    );
    const yWaits = y.query('update locks set id = id where id = 1').then(
      () => undefined,
      (error: unknown) => error,
    );
    const [xError, yError] = await Promise.all([
      xWaits.then(async (e) => (await x.query('rollback'), e)),
      yWaits.then(async (e) => (await y.query('rollback'), e)),
    ]);
    const errors = [xError, yError].filter(Boolean);
    expect(errors).toHaveLength(1); // the server broke the cycle by aborting one of the two
    expect((errors[0] as { code?: string }).code).toBe('40P01');
    expect(isRetryableTransactionError(errors[0])).toBe(true);
  });

  it('turns a serialization failure (40001) into a serial outcome with retryTransaction', async () => {
    const setup = await client();
    await setup.query('create table on_call (doctor text primary key, on_duty boolean not null)');
    await setup.query(`insert into on_call values ('alice', true), ('bob', true)`);
    // Write skew: each takes a doctor off duty if another stays on. Serially, one must stay on.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let failures = 0;
    const goOffDuty = async (c: Client, doctor: string, firstAttempt: { value: boolean }) => {
      await c.query('begin isolation level serializable');
      try {
        const { rows } = await c.query('select count(*)::int as n from on_call where on_duty');
        if (firstAttempt.value) {
          firstAttempt.value = false;
          if (++arrived === 2) release();
          await bothRead; // both have read before either writes: the race, every time
        }
        if (rows[0].n > 1)
          await c.query('update on_call set on_duty = false where doctor = $1', [doctor]);
        await c.query('commit');
      } catch (error) {
        await c.query('rollback');
        if (isRetryableTransactionError(error)) failures++;
        throw error;
      }
    };
    const [alice, bob] = [await client(), await client()];
    const first = [{ value: true }, { value: true }];
    await Promise.all([
      retryTransaction(() => goOffDuty(alice, 'alice', first[0]), { initialDelayMs: 5 }),
      retryTransaction(() => goOffDuty(bob, 'bob', first[1]), { initialDelayMs: 5 }),
    ]);
    const { rows } = await setup.query('select count(*)::int as n from on_call where on_duty');
    expect(failures).toBeGreaterThanOrEqual(1); // PostgreSQL did refuse one of the two at first
    expect(rows[0].n).toBe(1);
  });
});
