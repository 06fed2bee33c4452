/**
 * The name registry and the idempotency claims as one contract, run by one spec per SQL dialect
 * (SQLite, PostgreSQL): concurrent callers, as API replicas are, must see one winner.
 */
import { migrateStorage, type CommandSideTables } from '@app/runtime';
import type { ReadModelDb } from '@app/read-models';
import type { Kysely } from 'kysely';
import { IdempotencyKeyInProgressError } from '../../problem/application-errors';
import { SqlIdempotencyStore } from './idempotency.store';
import { SqlNameRegistry } from './name-registry';

export type CommandSideFixture = Readonly<{
  db: Kysely<CommandSideTables>;
  close(): Promise<void>;
}>;

export function commandSideContract(name: string, open: () => Promise<CommandSideFixture>): void {
  describe(`the command side's stores on ${name}`, () => {
    let fixture: CommandSideFixture;
    beforeEach(async () => {
      fixture = await open();
      await migrateStorage(fixture.db as unknown as Kysely<ReadModelDb>);
    });
    afterEach(() => fixture.close());

    const LEASE_MS = 30_000;
    const minuteAgo = () => new Date(Date.now() - 60_000);

    it('reserves a name for exactly one of many concurrent establishments', async () => {
      const registry = new SqlNameRegistry(fixture.db, LEASE_MS);
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          registry.reserve(
            i % 2 ? 'Heavy Chassis' : 'HEAVY  chassis',
            `jv-${i}`,
            async () => 'active',
          ),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    it('keeps a name for a holder still on its way to the log, on whichever replica', async () => {
      const first = new SqlNameRegistry(fixture.db, LEASE_MS);
      expect(await first.reserve('Gearbox', 'jv-first', async () => 'active')).toBe(true);
      // Not yet recorded (its stream does not exist), but reserved just now: in flight.
      const other = new SqlNameRegistry(fixture.db, LEASE_MS);
      const outcomes = await Promise.all(
        ['jv-a', 'jv-b'].map((id) =>
          other.reserve('GEARBOX', id, async () => 'unrecorded' as const),
        ),
      );
      expect(outcomes).toEqual([false, false]);
    });

    it('frees at once a name whose holder has closed or dissolved, however recently reserved', async () => {
      const registry = new SqlNameRegistry(fixture.db, LEASE_MS);
      expect(await registry.reserve('Turbine', 'jv-closed', async () => 'active')).toBe(true);
      expect(await registry.reserve('turbine', 'jv-new', async () => 'ended')).toBe(true);
    });

    it('hands a name held by an unrecorded JV, reserved before the lease, to exactly one new taker', async () => {
      const registry = new SqlNameRegistry(fixture.db, LEASE_MS);
      const earlier = new SqlNameRegistry(fixture.db, LEASE_MS, minuteAgo);
      expect(await earlier.reserve('Rotor', 'jv-old', async () => 'active')).toBe(true);
      const outcomes = await Promise.all(
        ['jv-a', 'jv-b', 'jv-c'].map((id) =>
          registry.reserve('Rotor', id, async (holder) =>
            holder === 'jv-old' ? 'unrecorded' : 'active',
          ),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      await registry.release('ROTOR', 'jv-old'); // not the holder any more: changes nothing
      expect(await registry.reserve('rotor', 'jv-d', async () => 'active')).toBe(false);
    });

    it('lets one of many concurrent retries claim a key; the others wait, then see the outcome', async () => {
      const store = new SqlIdempotencyStore(fixture.db, 30_000);
      const now = '2026-01-01T00:00:00.000Z';
      const claims = await Promise.allSettled(
        Array.from({ length: 6 }, () => store.claim('AM:alice:k1', 'fp', 'jv-1', now)),
      );
      const won = claims.filter((c) => c.status === 'fulfilled');
      expect(won).toEqual([{ status: 'fulfilled', value: { kind: 'new' } }]);
      for (const c of claims.filter((c) => c.status === 'rejected'))
        expect((c as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyInProgressError);
      await store.complete('AM:alice:k1', { id: 'jv-1', version: 3 });
      await expect(store.claim('AM:alice:k1', 'fp', 'jv-1', now)).resolves.toEqual({
        kind: 'completed',
        outcome: { id: 'jv-1', version: 3 },
      });
    });
  });
}
