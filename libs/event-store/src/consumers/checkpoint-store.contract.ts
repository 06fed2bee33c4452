/**
 * The SQL checkpoint store and its fencing, run by one spec per dialect (SQLite, PostgreSQL).
 */
import type { Kysely } from 'kysely';
import { FencedOffError } from './consumer-errors';
import { migrateConsumerTables, type ConsumerTables } from './consumer-tables';
import { SqlCheckpointStore } from './sql-checkpoint-store';
import { SqlLeaseStore } from './sql-lease-store';

export type CheckpointFixture = Readonly<{ db: Kysely<ConsumerTables>; close(): Promise<void> }>;

export function checkpointStoreContract(
  name: string,
  open: () => Promise<CheckpointFixture>,
): void {
  describe(`SqlCheckpointStore on ${name}`, () => {
    let fixture: CheckpointFixture;
    let checkpoints: SqlCheckpointStore<ConsumerTables>;
    beforeEach(async () => {
      fixture = await open();
      await migrateConsumerTables(fixture.db.schema);
      checkpoints = new SqlCheckpointStore(fixture.db);
    });
    afterEach(() => fixture.close());

    it('stores, moves and forgets a position, exact beyond 2^53', async () => {
      expect(await checkpoints.load('P')).toBeUndefined();
      await checkpoints.store('P', 2n ** 62n + 1n);
      await checkpoints.store('P', 2n ** 62n + 3n);
      expect(await checkpoints.load('P')).toBe(2n ** 62n + 3n);
      await checkpoints.reset('P');
      expect(await checkpoints.load('P')).toBeUndefined();
    });

    it('drops the checkpoint with the rest of a transaction that fails', async () => {
      await checkpoints.store('P', 5n);
      const failing = checkpoints.transaction(async (tx) => {
        await checkpoints.store('P', 9n, tx);
        throw new Error('the projection refused the event');
      });
      await expect(failing).rejects.toThrow('refused');
      expect(await checkpoints.load('P')).toBe(5n);
    });

    it('refuses a write with the epoch of a lease taken over since (fencing)', async () => {
      let now = 1_000;
      const leases = new SqlLeaseStore(fixture.db, () => now);
      const old = await leases.acquire('P', 'host-a:1:x', 100);
      await checkpoints.store('P', 1n, undefined, { epoch: old!.epoch });
      now += 1_000; // the old holder paused past its lease
      const taken = await leases.acquire('P', 'host-b:2:y', 100);
      expect(taken?.epoch).toBe(old!.epoch + 1);
      await expect(checkpoints.store('P', 7n, undefined, { epoch: old!.epoch })).rejects.toThrow(
        FencedOffError,
      );
      await checkpoints.store('P', 2n, undefined, { epoch: taken!.epoch });
      expect(await checkpoints.load('P')).toBe(2n);
    });
  });
}
