import {
  createSqliteKysely,
  LogConsumer,
  openSqlite,
  SqlCheckpointStore,
  SqliteEventStore,
  type EventReader,
  type GlobalPosition,
  type SubscriptionSettings,
} from '@app/event-store';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Projection } from './projection';
import { JOINT_VENTURE_PROJECTIONS, projectionConsumer } from './projections';
import { PendingApprovalsQueries } from './pending-approvals/pending-approvals.queries';
import { JointVentureQueries } from './queries/joint-venture.queries';
import type { ReadModelDb } from './read-model-db';
import { rebuildProjections } from './rebuild/rebuild-projections';
import { sqliteRebuildSpace } from './rebuild/rebuild-space';
import { JointVentureHistory } from '@test/support/joint-venture-history';
import {
  openTestReadModels,
  projectedFromScratch,
  snapshot,
  type TestReadModels,
} from './testing/read-model-test-db';

const fast: Partial<SubscriptionSettings> = {
  pollIntervalMs: 20,
  retryInitialDelayMs: 1,
  retryMaxDelayMs: 10,
};

/** A consumer per projection, recording which event ids each projection handled. */
class Projector {
  readonly handled = new Map<string, string[]>();
  private readonly runners: LogConsumer<Kysely<ReadModelDb>>[];

  constructor(db: Kysely<ReadModelDb>, events: Pick<EventReader, 'subscribeToAll'>) {
    const checkpoints = new SqlCheckpointStore(db);
    this.runners = JOINT_VENTURE_PROJECTIONS.map((projection) => {
      const handled: string[] = [];
      this.handled.set(projection.name, handled);
      const counting: Projection = {
        ...projection,
        handle: (trx, event) => (handled.push(event.id), projection.handle(trx, event)),
      };
      return projectionConsumer(counting, { events, checkpoints, maxBatchSize: 7 });
    });
  }

  start = () => Promise.all(this.runners.map((r) => r.start()));
  stop = () => Promise.all(this.runners.map((r) => r.stop()));
  waitFor = (position: GlobalPosition) => Promise.all(this.runners.map((r) => r.waitFor(position)));
  status = () => this.runners.map((r) => r.status());
  clearHandled = () => this.handled.forEach((ids) => ids.splice(0));
}

describe('read models fed by SqliteEventStore', () => {
  let dir: string;
  let file: string;
  let storeDb: Database.Database;
  let store: SqliteEventStore;
  let readModels: TestReadModels;
  let projector: Projector;
  const cleanups: (() => unknown)[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-models-'));
    file = join(dir, 'ledger.db');
    storeDb = openSqlite(file);
    store = new SqliteEventStore(storeDb, { subscriptions: fast });
    // Its own connection: Kysely transactions are async, and an append run on the same
    // connection meanwhile would become part of them.
    readModels = await openTestReadModels(file);
    projector = new Projector(readModels.db, store);
  });

  afterEach(async () => {
    await projector.stop();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    await readModels.close();
    storeDb.close();
    rmSync(dir, { recursive: true });
  });

  async function append(
    history: JointVentureHistory,
    fromRevision = 0,
    into: SqliteEventStore = store,
  ): Promise<GlobalPosition> {
    const expectedRevision = fromRevision === 0 ? 'no_stream' : fromRevision - 1;
    const result = await into.appendToStream(history.streamId, history.toAppend(fromRevision), {
      expectedRevision,
    });
    return result.position;
  }

  /** What the projections make of the whole log when fed directly: the reference. */
  async function expectedReadModels() {
    return projectedFromScratch(await store.readAll());
  }

  it('catches up with the log, then follows live appends', async () => {
    const closed = new JointVentureHistory().fullLifecycle();
    const producing = new JointVentureHistory().established({ name: 'Rotor Works' });
    producing.record('ProductionStarted', {});
    await append(closed);
    const head = await append(producing);

    await projector.start();
    await projector.waitFor(head);
    producing.record('BatchProduced', {
      productCode: 'T-72B3',
      productVersion: null,
      quantity: 5,
      batchReference: 'B-9',
      producedOn: '2024-01-05',
    });
    const live = await append(producing, 2);
    await projector.waitFor(live);

    const queries = new JointVentureQueries(readModels.db);
    const [rotor] = (await queries.list({ q: 'rotor' })).items;
    expect(rotor).toMatchObject({ id: producing.id, stage: 'production', version: 2 });
    expect(rotor.totals.find((t) => t.productCode === 'T-72B3')?.produced).toBe(5);
    expect((await queries.get(closed.id))?.stage).toBe('closed');
    expect(await snapshot(readModels.db)).toEqual(await expectedReadModels());
    expect(projector.status()).toEqual(
      JOINT_VENTURE_PROJECTIONS.map(({ name }) => ({
        name,
        checkpoint: String(live),
        running: true,
        role: 'active',
        caughtUp: true,
        handled: closed.events.length + producing.events.length,
        parked: 0,
        degraded: false,
        lastError: null,
        lease: null,
      })),
    );
  });

  it('resumes from its checkpoint after a restart, with no event twice and none missed', async () => {
    const jv = new JointVentureHistory().fullLifecycle();
    const all = jv.toAppend();
    await store.appendToStream(jv.streamId, all.slice(0, 6));
    await projector.start();
    await projector.waitFor((await store.readAll()).at(-1)!.position);
    await projector.stop();

    const head = await append(jv, 6);
    const restarted = new Projector(readModels.db, store);
    cleanups.push(restarted.stop);
    await restarted.start();
    await restarted.waitFor(head);

    const remaining = all.slice(6).map((e) => e.id);
    for (const ids of restarted.handled.values()) expect(ids).toEqual(remaining);
    expect(await snapshot(readModels.db)).toEqual(await expectedReadModels());
  });

  it('rebuilds identical read models in fresh tables, and the consumers carry on after it', async () => {
    const a = new JointVentureHistory().fullLifecycle();
    const b = new JointVentureHistory().established({ name: 'Rotor Works' });
    // Shared control: one proposal pending, one rejected (JointVenturePendingApprovals).
    const proposal = (n: number) => ({
      proposalId: `7c0e7a52-0b1d-4c2e-9f3a-00000000000${n}`,
      change: { type: 'DissolveJointVenture' as const, data: { reason: 'cancelled' } },
      proposedBy: { subject: 'alice', memberState: 'RU' },
      required: ['BY', 'RU'],
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    b.record('ChangeProposed', proposal(1))
      .record('ChangeProposed', proposal(2))
      .record('ChangeRejected', {
        proposalId: proposal(2).proposalId,
        by: { subject: 'boris', memberState: 'BY' },
        reason: 'not now',
      });
    await append(a);
    const head = await append(b);
    await projector.start();
    await projector.waitFor(head);
    const live = await snapshot(readModels.db);
    const pending = new PendingApprovalsQueries(readModels.db);
    expect((await pending.awaiting('BY', '2025-01-01T00:00:00.000Z', 10)).items).toEqual([
      expect.objectContaining({ proposalId: proposal(1).proposalId, awaiting: ['BY'] }),
    ]);
    expect(await pending.awaiting('RU', '2025-01-01T00:00:00.000Z', 10)).toEqual({
      items: [],
      nextCursor: null,
    });

    const report = await rebuildProjections({
      db: readModels.db,
      checkpoints: readModels.checkpoints,
      events: store,
      space: sqliteRebuildSpace({ directory: dir }),
      batchSize: 5,
    });

    expect(await snapshot(readModels.db)).toEqual(live);
    expect(report).toEqual({
      eventsReplayed: 23,
      position: String(head),
      projections: [
        {
          name: 'JointVentureSummaries',
          // The one partner state that withdrew from the full lifecycle keeps its history access.
          rows: {
            jv_summaries: 2,
            jv_summary_former_states: 1,
            jv_summary_partners: 4,
            jv_summary_products: 5,
          },
        },
        // Units changed by the two batches, two orders opened and progressed, and the disposal lot;
        // facts: those and the milestone and the two completions.
        { name: 'JointVentureDetails', rows: { jv_details: 2, jv_unit_changes: 7, jv_facts: 10 } },
        { name: 'JointVentureTimeline', rows: { jv_timeline_periods: 6 } },
        { name: 'JointVenturePendingApprovals', rows: { jv_pending_approvals: 2 } },
      ],
    });
    expect(readdirSync(dir).filter((name) => name.includes('rebuild'))).toEqual([]);

    projector.clearHandled();
    b.record('DevelopmentStarted', {});
    const next = await append(b, 4);
    await projector.waitFor(next);
    for (const ids of projector.handled.values()) expect(ids).toEqual([b.events[4].id]);
    expect(await snapshot(readModels.db)).toEqual(await expectedReadModels());
  });

  it('rebuilds from another process while events are appended, and the live consumer skips what the rebuild covered', async () => {
    // The live projector polls rarely, so it only hears of appends made through `store`:
    // events another process appends reach it later, after the rebuild took them in.
    const slowStore = new SqliteEventStore(storeDb, { subscriptions: { pollIntervalMs: 60_000 } });
    cleanups.push(() => slowStore.close());
    await projector.stop();
    projector = new Projector(readModels.db, slowStore);
    const a = new JointVentureHistory().fullLifecycle();
    await projector.start();
    await projector.waitFor(await append(a, 0, slowStore));

    const other = openConnection(file);
    const writer = openSqlite(file);
    const writerStore = new SqliteEventStore(writer);
    const b = new JointVentureHistory().fullLifecycle();
    let appendedDuringReplay = false;
    const report = await rebuildProjections({
      db: other.db,
      checkpoints: new SqlCheckpointStore(other.db),
      events: {
        readAll: async (options) => {
          const page = await store.readAll(options);
          if (!appendedDuringReplay) {
            appendedDuringReplay = true;
            await append(b, 0, writerStore);
          }
          return page;
        },
      },
      space: sqliteRebuildSpace({ directory: dir }),
      batchSize: 10,
    });
    await other.close();
    writer.close();
    const rebuiltTo = BigInt(report.position!);
    for (const { name } of JOINT_VENTURE_PROJECTIONS) {
      expect(await readModels.checkpoints.load(name)).toBe(rebuiltTo);
    }

    projector.clearHandled();
    const c = new JointVentureHistory().established({ name: 'Late Arrival' });
    await projector.waitFor(await append(c, 0, slowStore));

    expect(report.eventsReplayed).toBe(a.events.length + b.events.length);
    for (const ids of projector.handled.values()) expect(ids).toEqual([c.events[0].id]);
    expect(await snapshot(readModels.db)).toEqual(await expectedReadModels());
  });
});

/** Read models on a connection of their own, as another process would open them. */
function openConnection(file: string) {
  const database = openSqlite(file);
  const db = createSqliteKysely<ReadModelDb>(database);
  return { db, close: async () => (await db.destroy(), database.close()) };
}
