/**
 * The snapshot store as one contract, run by one spec per SQL dialect (SQLite, PostgreSQL).
 */
import type { JointVentureState, StateSnapshot } from '@app/domain';
import type { ReadModelDb } from '@app/read-models';
import { migrateStorage, type StateSnapshotTables } from '@app/runtime';
import type { Kysely } from 'kysely';
import { SqlStateSnapshotStore } from './state-snapshot.store';

export type SnapshotStoreFixture = Readonly<{
  db: Kysely<StateSnapshotTables>;
  close(): Promise<void>;
}>;

/** A state that is not trivially small, with nulls, nesting and non-ASCII text. */
const stateAt = (revision: number): JointVentureState =>
  ({
    status: 'existing',
    version: revision,
    name: 'Уралвагонзавод — MZKT JV',
    units: { 'T-72B3': { produced: revision, inService: revision, byVersion: { null: 1 } } },
    facts: Array.from({ length: 50 }, (_, i) => ({
      version: i,
      eventId: i % 2 ? null : `e-${i}`,
      event: { type: 'BatchProduced', data: { quantity: i, productVersion: null } },
      reversed: false,
    })),
  }) as unknown as JointVentureState;

const snapshot = (streamId: string, revision: number, evolveVersion = 1): StateSnapshot => ({
  streamId,
  revision,
  evolveVersion,
  eventHash: `hash-${streamId}-${revision}`,
  state: stateAt(revision),
});

export function snapshotStoreContract(
  name: string,
  open: () => Promise<SnapshotStoreFixture>,
): void {
  describe(`the state snapshot store on ${name}`, () => {
    let fixture: SnapshotStoreFixture;
    let store: SqlStateSnapshotStore;
    beforeEach(async () => {
      fixture = await open();
      await migrateStorage(fixture.db as unknown as Kysely<ReadModelDb>);
      store = new SqlStateSnapshotStore(fixture.db);
    });
    afterEach(() => fixture.close());

    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

    it('gives back the newest snapshot of the stream and version, whole', async () => {
      for (const revision of [499, 999, 1499])
        await store.save(snapshot('s-1', revision), 10, at(1));
      await store.save(snapshot('s-2', 1999), 10, at(2));

      expect(await store.latest('s-1', 1)).toEqual(snapshot('s-1', 1499));
      expect(await store.latest('s-1', 2)).toBeUndefined();
      expect(await store.latest('s-3', 1)).toBeUndefined();
    });

    it('finds the nearest snapshot at or below a revision', async () => {
      for (const revision of [499, 999, 1499])
        await store.save(snapshot('s-1', revision), 10, at(1));

      expect((await store.latest('s-1', 1, 999))?.revision).toBe(999);
      expect((await store.latest('s-1', 1, 1498))?.revision).toBe(999);
      expect(await store.latest('s-1', 1, 498)).toBeUndefined();
    });

    it('replaces a snapshot at the same revision: one that did not fit gives way to the replay', async () => {
      await store.save({ ...snapshot('s-1', 499), eventHash: 'not-the-event-there' }, 10, at(1));
      await store.save(snapshot('s-1', 499), 10, at(2));

      expect(await store.latest('s-1', 1)).toEqual(snapshot('s-1', 499));
    });

    it("keeps only a stream's newest snapshots, and none of another evolve version", async () => {
      for (const revision of [499, 999, 1499, 1999])
        await store.save(snapshot('s-1', revision, 1), 3, at(1));
      await store.save(snapshot('s-2', 499, 1), 3, at(1));
      expect(await store.latest('s-1', 1, 998)).toBeUndefined();
      expect((await store.latest('s-1', 1, 999))?.revision).toBe(999);

      await store.save(snapshot('s-1', 2499, 2), 3, at(2));
      expect(await store.latest('s-1', 1)).toBeUndefined();
      expect((await store.latest('s-2', 1))?.revision).toBe(499);
    });

    it('names the streams whose snapshots were written last, newest first', async () => {
      await store.save(snapshot('old', 499), 10, at(1));
      await store.save(snapshot('newest', 499), 10, at(5));
      await store.save(snapshot('middle', 499), 10, at(3));
      await store.save(snapshot('old', 999, 2), 10, at(9));

      expect(await store.recentStreams(1, 10)).toEqual(['newest', 'middle']);
      expect(await store.recentStreams(1, 1)).toEqual(['newest']);
    });
  });
}
