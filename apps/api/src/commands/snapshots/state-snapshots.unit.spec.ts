import {
  EVOLVE_VERSION,
  foldEvents,
  fromStored,
  jointVentureStreamId,
  type JointVentureEvent,
} from '@app/domain';
import { TANK } from '@app/domain/testing';
import { createSqliteKysely, InMemoryEventStore, openSqlite } from '@app/event-store';
import type { ReadModelDb } from '@app/read-models';
import { migrateStorage, type StateSnapshotTables } from '@app/runtime';
import { appendLongStream } from '@test/support/long-stream';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { JointVentureRepository } from '../joint-venture.repository';
import { SqlStateSnapshotStore } from './state-snapshot.store';
import { StateSnapshots, type StateSource } from './state-snapshots';

const EVERY = 500;
const LENGTH = 1_200;

describe('JV states resumed from snapshots', () => {
  let connection: Database.Database;
  let db: Kysely<StateSnapshotTables>;
  let snapshotStore: SqlStateSnapshotStore;
  let events: InMemoryEventStore;
  let sources: StateSource[];
  let created: StateSnapshots[];

  beforeEach(async () => {
    connection = openSqlite(':memory:');
    db = createSqliteKysely<StateSnapshotTables>(connection);
    await migrateStorage(db as unknown as Kysely<ReadModelDb>);
    snapshotStore = new SqlStateSnapshotStore(db);
    events = new InMemoryEventStore();
    sources = [];
    created = [];
  });
  afterEach(async () => {
    for (const snapshots of created) await snapshots.flush();
    await db.destroy();
    connection.close();
  });

  /** A repository as a freshly started process has it: nothing cached. */
  const coldRepository = (every = EVERY) => {
    const snapshots = new StateSnapshots(
      snapshotStore,
      { every, keep: 10 },
      { loaded: (_, source) => sources.push(source), written: () => undefined },
    );
    created.push(snapshots);
    return { snapshots, repository: new JointVentureRepository(events, 100, snapshots) };
  };
  const fullFold = async (id: string) =>
    foldEvents((await events.readStream(jointVentureStreamId(id))).map(fromStored));
  const recordBatch = async (repository: JointVentureRepository, id: string, n: number) => {
    const batch: JointVentureEvent = {
      type: 'BatchProduced',
      data: {
        ...{ productCode: TANK, productVersion: null, quantity: 1, batchReference: `N-${n}` },
        ...{ producedOn: '2025-02-02', effectiveOn: '2025-02-02' },
      },
    };
    const actor = { subject: 'alice', role: 'program-manager', memberState: 'RU' } as const;
    await repository.append(
      id,
      await repository.load(id),
      [batch],
      [randomUUID()],
      { actor, correlationId: 'c' },
      '2025-03-02T00:00:00Z',
    );
  };

  it('writes a snapshot after the answer, not before, and a cold start resumes from it', async () => {
    const id = await appendLongStream(events, LENGTH);
    const first = coldRepository();
    await first.repository.load(id);
    // Queued: the load that produced it has returned without waiting for the write.
    expect(await snapshotStore.latest(jointVentureStreamId(id), EVOLVE_VERSION)).toBeUndefined();
    await first.snapshots.flush();
    expect((await snapshotStore.latest(jointVentureStreamId(id), EVOLVE_VERSION))?.revision).toBe(
      LENGTH - 1,
    );
    await recordBatch(first.repository, id, 1);
    await recordBatch(first.repository, id, 2);

    const restarted = coldRepository();
    const loaded = await restarted.repository.load(id);

    expect(sources).toEqual(['replay', 'cache', 'cache', 'snapshot']);
    expect(loaded.state).toEqual(await fullFold(id));
    expect(loaded.revision).toBe(LENGTH + 1);
    const [last] = await events.readStream(jointVentureStreamId(id), { fromRevision: LENGTH + 1 });
    expect(loaded.lastHash).toBe(last.metadata.hash);
  });

  it('writes the next snapshot SNAPSHOT_EVERY events after the last one', async () => {
    const id = await appendLongStream(events, LENGTH);
    const { repository, snapshots } = coldRepository(10);
    await repository.load(id);
    await snapshots.flush();
    for (let n = 0; n < 10; n++) await recordBatch(repository, id, n);
    await snapshots.flush();

    const kept = await db
      .selectFrom('jv_state_snapshots')
      .select('revision')
      .orderBy('revision')
      .execute();
    expect(kept.map((row) => row.revision)).toEqual([LENGTH - 1, LENGTH + 9]);
  });

  it('replays when the snapshot does not fit the stream: stale, foreign or of another evolve', async () => {
    const [a, b] = [await appendLongStream(events, LENGTH), await appendLongStream(events, LENGTH)];
    const writer = coldRepository();
    await writer.repository.load(a);
    await writer.snapshots.flush();
    const ofA = (await snapshotStore.latest(jointVentureStreamId(a), EVOLVE_VERSION))!;
    const at = '2026-01-01T00:00:00Z';
    // B's stream with A's snapshot at the same revision: the hash covers the stream id.
    await snapshotStore.save({ ...ofA, streamId: jointVentureStreamId(b) }, 10, at);
    const foreign = coldRepository(EVERY);
    sources = [];
    expect((await foreign.repository.load(b)).state).toEqual(await fullFold(b));
    expect(sources).toEqual(['replay']);

    // A snapshot newer than what it was taken after: the stream holds another event there.
    await db.deleteFrom('jv_state_snapshots').execute();
    await snapshotStore.save({ ...ofA, eventHash: 'not-the-event-there' }, 10, at);
    sources = [];
    const stale = coldRepository();
    expect((await stale.repository.load(a)).state).toEqual(await fullFold(a));
    expect(sources).toEqual(['replay']);
    // The replay's own snapshot takes the stale one's place.
    await stale.snapshots.flush();
    expect((await snapshotStore.latest(jointVentureStreamId(a), EVOLVE_VERSION))?.eventHash).toBe(
      ofA.eventHash,
    );

    await db.deleteFrom('jv_state_snapshots').execute();
    await snapshotStore.save({ ...ofA, evolveVersion: EVOLVE_VERSION - 1 }, 10, at);
    sources = [];
    expect((await coldRepository().repository.load(a)).state).toEqual(await fullFold(a));
    expect(sources).toEqual(['replay']);
  });

  it('neither writes nor reads snapshots with SNAPSHOT_EVERY=0', async () => {
    const id = await appendLongStream(events, LENGTH);
    const { repository, snapshots } = coldRepository(0);
    await repository.load(id);
    await snapshots.flush();
    expect(await db.selectFrom('jv_state_snapshots').selectAll().execute()).toEqual([]);
  });

  it('prewarms the JVs whose snapshots were written last', async () => {
    const id = await appendLongStream(events, LENGTH);
    const writer = coldRepository();
    await writer.repository.load(id);
    await writer.snapshots.flush();

    const restarted = coldRepository();
    sources = [];
    expect(await restarted.repository.prewarm(10)).toBe(1);
    await restarted.repository.load(id);
    expect(sources).toEqual(['snapshot', 'cache']);
  });
});
