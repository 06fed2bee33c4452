import type { Kysely } from 'kysely';
import type { GlobalPosition } from '../event-store.port';
import { defineTable, type TablesOf } from '../sql/table';
import type { CheckpointStore, Fence } from './checkpoint-store.port';
import { FencedOffError } from './consumer-errors';
import type { LeaseTables } from './sql-lease-store';

export const CHECKPOINTS_TABLE = defineTable(
  'consumer_checkpoints',
  {
    consumer: 'text',
    /** Decimal text: a bigint fits neither every dialect's integer type nor JSON. */
    position: 'text',
  },
  ['consumer'],
);

export type CheckpointTables = TablesOf<typeof CHECKPOINTS_TABLE>;

/**
 * Checkpoints in an SQL table of any database Kysely reaches (SQLite, PostgreSQL), typically
 * the one that holds the read models, so a projection's writes and its checkpoint share a
 * transaction.
 */
export class SqlCheckpointStore<DB extends CheckpointTables> implements CheckpointStore<
  Kysely<DB>
> {
  constructor(private readonly db: Kysely<DB>) {}

  async load(consumer: string, tx?: Kysely<DB>): Promise<GlobalPosition | undefined> {
    const row = await this.checkpoints(tx)
      .selectFrom('consumer_checkpoints')
      .select('position')
      .where('consumer', '=', consumer)
      .executeTakeFirst();
    return row === undefined ? undefined : BigInt(row.position);
  }

  async store(
    consumer: string,
    position: GlobalPosition,
    tx?: Kysely<DB>,
    fence?: Fence,
  ): Promise<void> {
    if (fence !== undefined && tx === undefined) {
      return this.transaction((own) => this.store(consumer, position, own, fence));
    }
    if (fence !== undefined) await this.checkFence(consumer, fence, tx!);
    const value = position.toString();
    await this.checkpoints(tx)
      .insertInto('consumer_checkpoints')
      .values({ consumer, position: value })
      .onConflict((oc) => oc.column('consumer').doUpdateSet({ position: value }))
      .execute();
  }

  /** Every consumer's checkpoint, for metrics and operators. */
  async all(): Promise<ReadonlyMap<string, GlobalPosition>> {
    const rows = await this.checkpoints(undefined)
      .selectFrom('consumer_checkpoints')
      .selectAll()
      .execute();
    return new Map(rows.map((row) => [row.consumer, BigInt(row.position)]));
  }

  async reset(consumer: string, tx?: Kysely<DB>): Promise<void> {
    await this.checkpoints(tx)
      .deleteFrom('consumer_checkpoints')
      .where('consumer', '=', consumer)
      .execute();
  }

  /**
   * An update of the lease row that changes nothing, on the epoch: on PostgreSQL it also locks the
   * row, so a takeover waits for this transaction, or has already moved the epoch and this finds
   * no row; SQLite serialises writers anyway.
   */
  private async checkFence(consumer: string, fence: Fence, tx: Kysely<DB>): Promise<void> {
    const leases = tx as unknown as Kysely<LeaseTables>;
    const held = await leases
      .updateTable('consumer_leases')
      .set((eb) => ({ epoch: eb.ref('epoch') }))
      .where('consumer', '=', consumer)
      .where('epoch', '=', fence.epoch)
      .executeTakeFirst();
    if (held.numUpdatedRows !== 1n) throw new FencedOffError(consumer, fence.epoch);
  }

  transaction<T>(work: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** The checkpoint table only, on the transaction when there is one. */
  private checkpoints(tx: Kysely<DB> | undefined): Kysely<CheckpointTables> {
    return (tx ?? this.db) as unknown as Kysely<CheckpointTables>;
  }
}
