import { foldEvents, fromStored, jointVentureStreamId } from '@app/domain';
import { loadConfig, openStorage } from '@app/runtime';
import { appendLongStream } from '@test/support/long-stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateSnapshots } from '../../apps/api/src/commands/snapshots/state-snapshots';
import {
  AUDITOR,
  batchBody,
  eventually,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  type TestApp,
} from './support/test-app';

const LENGTH = 10_000;

/**
 * Issue 12 §3: the first command after a restart on a 10,000-event stream resumes from a
 * snapshot instead of folding the stream, and is decided on the same state; `/state` at a
 * version resumes from the nearest snapshot at or below it and answers what the full fold does.
 * Which path a read took is read from the process's metrics, never from timings.
 */
describe('cold start on a 10,000-event stream', () => {
  let dataDir: string;
  let id: string;
  let app: TestApp | undefined;

  const start = (env: Record<string, string> = {}) =>
    startTestApp({ DATA_DIR: dataDir, ...env }).then((started) => (app = started));
  const stop = async () => {
    await app?.close();
    app = undefined;
  };
  /** jv_state_loads_total by `reader/source`, as the operator scrapes it. */
  const loads = async (running: TestApp) => {
    const reply = await (await running.as(OPERATOR)).get('/metrics');
    const counts: Record<string, number> = {};
    for (const [, reader, source, value] of String(reply.body).matchAll(
      /^jv_state_loads_total\{reader="(\w+)",source="(\w+)"\} (\d+)/gm,
    ))
      counts[`${reader}/${source}`] = Number(value);
    return counts;
  };
  /** The stream folded from its first event, read from the file with no API running. */
  const fullFold = async (upTo?: number) => {
    const storage = await openStorage(loadConfig({ DATA_DIR: dataDir }));
    try {
      const events = await storage.events.readStream(jointVentureStreamId(id));
      return foldEvents(
        events.filter((e) => upTo === undefined || e.revision <= upTo).map(fromStored),
      );
    } finally {
      await storage.close();
    }
  };
  const recordBatch = async (running: TestApp, reference: string) =>
    (await running.as(RU_MANAGER)).post(
      `/joint-ventures/${id}/production/batches`,
      batchBody({ batchReference: reference }),
    );

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jv-cold-start-'));
    const storage = await openStorage(
      loadConfig({ DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'NORMAL' }),
    );
    try {
      id = await appendLongStream(storage.events, LENGTH);
    } finally {
      await storage.close();
    }
    // A first process folds the whole stream once, and leaves its snapshot behind.
    const first = await start({ SNAPSHOT_PREWARM: '0' });
    expect((await recordBatch(first, 'FIRST')).body).toEqual({ id, version: LENGTH });
    expect(await loads(first)).toEqual({ 'command/replay': 1 });
    await first.app.get(StateSnapshots).flush();
    // Auditors' access is scoped by the read models: the embedded projector catches up first.
    const manager = await first.as(RU_MANAGER);
    await eventually(async () =>
      expect((await manager.get(`/joint-ventures/${id}`)).body).toMatchObject({ version: LENGTH }),
    );
    await stop();
  });
  afterEach(stop);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('decides the first command after a restart on the state resumed from the snapshot', async () => {
    const restarted = await start({ SNAPSHOT_PREWARM: '0' });
    const reply = await recordBatch(restarted, 'AFTER-RESTART');

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ id, version: LENGTH + 1 });
    expect(await loads(restarted)).toEqual({ 'command/snapshot': 1 });
    const state = await (await restarted.as(AUDITOR)).get(`/joint-ventures/${id}/state`);
    await stop();
    expect(state.body.state).toEqual(await fullFold());
  });

  it('answers /state at a version from the nearest snapshot, as the full fold does', async () => {
    const restarted = await start({ SNAPSHOT_PREWARM: '0' });
    const auditor = await restarted.as(AUDITOR);
    const at = (query: string) => auditor.get(`/joint-ventures/${id}/state?${query}`);
    const [atSnapshot, afterIt, latest] = [
      await at(`version=${LENGTH - 1}`),
      await at(`version=${LENGTH}`),
      await at(''),
    ];
    expect(await loads(restarted)).toEqual({ 'audit/snapshot': 3 });
    // A date filters events out of the snapshot's range: that read replays.
    const asOf = await at(`version=${LENGTH}&asOf=2025-02-01`);
    expect(await loads(restarted)).toEqual({ 'audit/snapshot': 3, 'audit/replay': 1 });
    await stop();

    expect([atSnapshot.status, afterIt.status, latest.status, asOf.status]).toEqual([
      200, 200, 200, 200,
    ]);
    expect(atSnapshot.body).toMatchObject({
      version: LENGTH - 1,
      state: await fullFold(LENGTH - 1),
    });
    expect(afterIt.body).toMatchObject({ version: LENGTH, state: await fullFold(LENGTH) });
    expect(latest.body.state).toEqual(await fullFold());
    expect(asOf.body.state.version).toBe(LENGTH);
  });

  it('with SNAPSHOT_PREWARM, finds the state already loaded at the first command', async () => {
    const restarted = await start({ SNAPSHOT_PREWARM: '10' });
    expect((await recordBatch(restarted, 'PREWARMED')).status).toBe(200);

    expect(await loads(restarted)).toEqual({ 'prewarm/snapshot': 1, 'command/cache': 1 });
  });
});
