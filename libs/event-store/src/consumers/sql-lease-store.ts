import type { Kysely, SchemaModule } from 'kysely';
import { hostname } from 'node:os';
import { createTable, defineTable, type TablesOf } from '../sql/table';
import type { Lease, LeaseStore } from './lease-store.port';

export const LEASES_TABLE = defineTable(
  'consumer_leases',
  {
    consumer: 'text',
    holder: 'text',
    epoch: 'integer',
    /** Milliseconds since the Unix epoch (a double: exact to 2^53, and portable). */
    expires_at: 'double',
  },
  ['consumer'],
);

export type LeaseTables = TablesOf<typeof LEASES_TABLE>;

export async function migrateLeases(schema: SchemaModule): Promise<void> {
  await createTable(schema, LEASES_TABLE);
}

/** A holder id for this process: its host, its pid and a random part. */
export function processHolderId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A holder on this host whose process is gone (a SIGKILLed projector, the embedded API after a
 * crash): its lease need not be waited out. Holders on other hosts are judged by expiry alone.
 */
function isDeadLocalHolder(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '') || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Leases in an SQL table beside the checkpoints. Every change is a compare-and-set on the row's
 * epoch, so of two processes racing for an expired lease exactly one wins; time is each
 * process's own clock (hosts of one deployment are expected to keep NTP time: a skew shortens or
 * lengthens the takeover by as much).
 */
export class SqlLeaseStore<DB extends LeaseTables> implements LeaseStore {
  constructor(
    private readonly database: Kysely<DB>,
    private readonly clock: () => number = Date.now,
  ) {}

  private get db(): Kysely<LeaseTables> {
    return this.database as unknown as Kysely<LeaseTables>;
  }

  async acquire(consumer: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const now = this.clock();
    const expiresAt = now + ttlMs;
    const row = await this.db
      .selectFrom('consumer_leases')
      .selectAll()
      .where('consumer', '=', consumer)
      .executeTakeFirst();
    if (row === undefined) {
      const inserted = await this.db
        .insertInto('consumer_leases')
        .values({ consumer, holder, epoch: 1, expires_at: expiresAt })
        .onConflict((oc) => oc.column('consumer').doNothing())
        .executeTakeFirst();
      return inserted.numInsertedOrUpdatedRows === 1n
        ? { consumer, holder, epoch: 1, expiresAt }
        : undefined;
    }
    const epoch = Number(row.epoch);
    const takeover =
      row.holder !== holder && (Number(row.expires_at) < now || isDeadLocalHolder(row.holder));
    if (row.holder !== holder && !takeover) return undefined;
    const next = takeover ? epoch + 1 : epoch;
    const updated = await this.db
      .updateTable('consumer_leases')
      .set({ holder, epoch: next, expires_at: expiresAt })
      .where('consumer', '=', consumer)
      .where('epoch', '=', epoch)
      .where('holder', '=', row.holder)
      .executeTakeFirst();
    return updated.numUpdatedRows === 1n ? { consumer, holder, epoch: next, expiresAt } : undefined;
  }

  async release(lease: Lease): Promise<void> {
    // Expired at once, epoch kept: the next holder takes it over with epoch + 1.
    await this.db
      .updateTable('consumer_leases')
      .set({ expires_at: 0 })
      .where('consumer', '=', lease.consumer)
      .where('holder', '=', lease.holder)
      .where('epoch', '=', lease.epoch)
      .execute();
  }

  async all(): Promise<Lease[]> {
    const rows = await this.db.selectFrom('consumer_leases').selectAll().execute();
    return rows.map((row) => ({
      consumer: row.consumer,
      holder: row.holder,
      epoch: Number(row.epoch),
      expiresAt: Number(row.expires_at),
    }));
  }
}
