import { CHASSIS } from '@app/domain/testing';
import { foldEvents, fromStored, type Actor } from '@app/domain';
import { JOINT_VENTURE_PROJECTIONS } from '@app/read-models';
import { loadConfig, localTokensOf, type AppConfig } from '@app/runtime';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess, type ApiProcess, type ProcessExit } from './support/api-process';
import {
  driveLoadUntilKilled,
  request,
  type CrashLoadReport,
  type HttpReply,
} from './support/crash-load';
import {
  checkpoints,
  headPosition,
  jointVentureStreams,
  openCrashCopy,
  readModelTables,
  replayAll,
  snapshotTables,
} from './support/sqlite-snapshot';
import { AUDITOR, BY_MANAGER, eventually, OPERATOR, RU_MANAGER, VIEWER } from './support/test-app';

const WORKERS = 8;
const KILL_AFTER_ACKS = 150;
const BATCHES_PER_JV = 6;
const HISTORY_PAGE = 5;
const LIST_PAGE = 10;
const PROJECTIONS = JOINT_VENTURE_PROJECTIONS.map((projection) => projection.name);

type HistoryEvent = Readonly<{
  version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}>;

/**
 * The issue's promise: a process killed with SIGKILL right after a 2xx loses nothing, and on
 * restart the projections resume from their checkpoints with no duplicate and no gap. The API
 * runs as a child process on a real port, is killed mid-load, restarted on the same file, and
 * its read models are compared with the history and with a full replay of the log.
 */
describe('crash recovery: SIGKILL mid-load, restart on the same SQLite file', () => {
  let dataDir: string;
  let scratchDir: string;
  let config: AppConfig;
  let api: ApiProcess | undefined;
  let load: CrashLoadReport;
  let killedWith: ProcessExit;
  let atCrash: { head: number | null; checkpoints: Record<string, string>; events: number };
  let get: (actor: Actor, path: string) => Promise<HttpReply>;
  const histories = new Map<string, HistoryEvent[]>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jv-crash-'));
    scratchDir = mkdtempSync(join(tmpdir(), 'jv-crash-scratch-'));
    const jwtSecret = randomBytes(32).toString('base64url');
    config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
    const tokens = localTokensOf(config, { createKey: false });
    const tokenOf = new Map<Actor, string>();
    for (const actor of [RU_MANAGER, BY_MANAGER, AUDITOR, VIEWER, OPERATOR])
      tokenOf.set(actor, await tokens.issue(actor));
    get = (actor, path) => request(api!.baseUrl, tokenOf.get(actor)!, 'GET', path);

    const first = await startApiProcess({
      dataDir,
      jwtSecret,
      env: { CHECKPOINT_INTERVAL_S: '86400' },
    });
    api = first;
    load = await driveLoadUntilKilled({
      api: first,
      tokens: [tokenOf.get(RU_MANAGER)!, tokenOf.get(BY_MANAGER)!],
      workers: WORKERS,
      killAfterAcks: KILL_AFTER_ACKS,
      batchesPerJointVenture: BATCHES_PER_JV,
      runTag: randomBytes(3).toString('hex'),
    });
    first.kill('SIGKILL'); // in case the load ended before reaching the kill
    killedWith = await first.exited;

    const copy = openCrashCopy(config.databaseFile, scratchDir);
    try {
      const count = copy.prepare('select count(*) as n from events').get() as { n: number };
      atCrash = { head: headPosition(copy), checkpoints: checkpoints(copy), events: count.n };
    } finally {
      copy.close();
    }

    // No periodic checkpoint during the test: the restart must append nothing (a checkpoint is an event).
    api = await startApiProcess({ dataDir, jwtSecret, env: { CHECKPOINT_INTERVAL_S: '86400' } });
    const lag = PROJECTIONS.map((name) => {
      const position = atCrash.checkpoints[name];
      return `${name} ${position === undefined ? 'all' : atCrash.head! - Number(position)}`;
    }).join(', ');
    console.log(
      `crash recovery: ${load.ackedBeforeKill} commands acknowledged before the SIGKILL ` +
        `(${load.acks.length} in all), ${load.inFlightAtKill} requests in flight at the kill, ` +
        `${load.cut} cut by it (${atCrash.events - load.acks.length} of those had landed); ` +
        `events the projections were behind at the crash: ${lag}`,
    );
  });

  afterAll(async () => {
    try {
      await api?.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(scratchDir, { recursive: true, force: true });
    }
  });

  it('killed the API with SIGKILL right after a 2xx, with other requests in flight', () => {
    expect(load.unexpected).toEqual([]);
    expect(load.killed).toBe(true);
    expect(load.ackedBeforeKill).toBe(KILL_AFTER_ACKS);
    expect(load.inFlightAtKill).toBeGreaterThan(0);
    expect(killedWith.signal).toBe('SIGKILL');
  });

  it('lost no acknowledged command, and every hash chain still verifies', async () => {
    const ids = [...new Set(load.acks.map((ack) => ack.id))];
    for (const id of ids) histories.set(id, await historyOf(id));

    for (const ack of load.acks) {
      const event = histories.get(ack.id)![ack.version];
      expect({ ack, event: event && { version: event.version, type: event.type } }).toEqual({
        ack,
        event: { version: ack.version, type: ack.type },
      });
      if (ack.batch) expect(event.data).toMatchObject(ack.batch);
    }
    for (const id of ids) {
      const verification = await get(AUDITOR, `/joint-ventures/${id}/verification`);
      expect(verification.body).toEqual({ id, valid: true, events: histories.get(id)!.length });
    }
  });

  it('resumes the projections from their checkpoints until they reach the log head', async () => {
    expect(atCrash.head).not.toBeNull();
    await eventually(async () => {
      const health = await get(OPERATOR, '/health');
      const projections = health.body.details.consumers;
      expect(health.status).toBe(200);
      for (const name of PROJECTIONS)
        expect({ name, checkpoint: projections[name]?.checkpoint }).toEqual({
          name,
          checkpoint: String(atCrash.head),
        });
    });
    for (const [id, history] of histories) {
      const detail = await get(VIEWER, `/joint-ventures/${id}`);
      expect({ id, version: detail.body.version }).toEqual({ id, version: history.length - 1 });
    }
  });

  it('applied every event exactly once: totals and stage match the history, the list has each JV once', async () => {
    const listed: string[] = [];
    const summaries = new Map<string, { version: number; stage: string; totals: unknown[] }>();
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await get(VIEWER, `/joint-ventures?limit=${LIST_PAGE}${query}`);
      expect(page.status).toBe(200);
      for (const item of page.body.items) {
        listed.push(item.id);
        summaries.set(item.id, item);
      }
      cursor = page.body.nextCursor;
    } while (cursor !== null);

    // Each JV once; acknowledged ones all there, plus any whose cut establishment landed.
    expect(listed.length).toBe(new Set(listed).size);
    expect(listed).toEqual(expect.arrayContaining([...histories.keys()]));
    for (const id of listed) if (!histories.has(id)) histories.set(id, await historyOf(id));
    expect(listed.sort()).toEqual([...histories.keys()].sort());

    for (const [id, history] of histories) {
      const state = foldEvents(history.map(fromStored));
      if (state.status !== 'existing') throw new Error(`JV ${id} has no establishment`);
      const produced = history
        .filter((e) => e.type === 'BatchProduced')
        .reduce((sum, e) => sum + Number(e.data.quantity), 0);
      const detail = (await get(VIEWER, `/joint-ventures/${id}`)).body;
      const summary = summaries.get(id)!;

      expect({ id, version: detail.version, stage: detail.stage }).toEqual({
        id,
        version: history.length - 1,
        stage: state.stage,
      });
      const chassis = detail.productLines.find(
        (line: { productCode: string }) => line.productCode === CHASSIS,
      );
      expect({ id, produced: chassis?.produced }).toEqual({ id, produced });
      expect({ id, lines: detail.productLines }).toEqual({
        id,
        lines: state.productLines.map((line) =>
          expect.objectContaining({
            productCode: line.productCode,
            ...state.units[line.productCode],
          }),
        ),
      });
      expect({ id, version: summary.version, stage: summary.stage }).toEqual({
        id,
        version: history.length - 1,
        stage: state.stage,
      });
      expect({ id, totals: summary.totals }).toEqual({
        id,
        totals: [
          expect.objectContaining({ productCode: 'MZKT-7930', produced }),
          expect.objectContaining({ productCode: 'T-72B3', produced: 0 }),
        ],
      });
    }
  });

  it('holds the same read models as a full replay of the log', async () => {
    const stopped = await api!.stop();
    expect(stopped.forced).toBe(false);

    const db = new Database(config.databaseFile);
    let before: ReturnType<typeof snapshotTables>;
    let tables: string[];
    let head: number | null;
    try {
      tables = readModelTables(db);
      expect(tables).toEqual(
        expect.arrayContaining(['jv_summaries', 'jv_details', 'jv_timeline_periods']),
      );
      head = headPosition(db);
      // The restart appended nothing and lost nothing; the projections stopped at the head.
      expect((db.prepare('select count(*) as n from events').get() as { n: number }).n).toBe(
        atCrash.events,
      );
      expect(jointVentureStreams(db)).toEqual(
        [...histories.keys()].map((id) => `joint-venture-${id}`).sort(),
      );
      expect(checkpoints(db)).toEqual(
        Object.fromEntries([...PROJECTIONS, 'TransparencyLog'].map((name) => [name, String(head)])),
      );
      // The transparency log took in every event once across the SIGKILL: no leaf twice, none lost.
      const log = db.prepare('select size from transparency_log').get() as { size: number };
      const leaves = db
        .prepare('select count(distinct event_id) as n from transparency_leaves')
        .get() as { n: number };
      expect({ size: log.size, leaves: leaves.n }).toEqual({
        size: atCrash.events,
        leaves: atCrash.events,
      });
      before = snapshotTables(db, tables);
    } finally {
      db.close();
    }
    expect(before.jv_summaries).toHaveLength(histories.size);
    expect(before.jv_details).toHaveLength(histories.size);

    const report = await replayAll(config.databaseFile, scratchDir);
    expect(report.position).toBe(String(head));

    const replayed = new Database(config.databaseFile);
    try {
      expect(snapshotTables(replayed, tables)).toEqual(before);
    } finally {
      replayed.close();
    }
  });

  async function historyOf(id: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let after = -1;
    for (;;) {
      const page = await get(
        AUDITOR,
        `/joint-ventures/${id}/history?after=${after}&limit=${HISTORY_PAGE}`,
      );
      expect(page.status).toBe(200);
      events.push(...page.body.items);
      if (page.body.nextAfter === null) break;
      after = page.body.nextAfter;
    }
    // A stream has no holes: versions run 0, 1, 2, ... in order.
    expect(events.map((e) => e.version)).toEqual(events.map((_, index) => index));
    return events;
  }
});
