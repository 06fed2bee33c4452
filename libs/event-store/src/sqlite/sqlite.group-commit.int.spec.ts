import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { idsOf, newEvents, newStreamId } from '../contract/fixtures';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import type { GroupCommitLoad } from './group-commit-load.child';
import { openSqlite } from './open-sqlite';
import { SqliteEventStore } from './sqlite.event-store';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

describe('SqliteEventStore group commit', () => {
  let dir: string;
  let db: Database.Database;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = openSqlite(join(dir, 'ledger.db'), { busyTimeoutMs: 0 });
    store = new SqliteEventStore(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Appends made within one event-loop turn commit as one group, with one commit time. */
  const asOneGroup = <T>(appends: () => Promise<T>[]) => Promise.allSettled(appends());

  it('answers each append of one group with its own outcome: a conflict fails only itself', async () => {
    const [ok1, conflicted, ok2] = [newStreamId(), newStreamId(), newStreamId()];
    await store.appendToStream(conflicted, newEvents(1));
    const [a, b, c] = [newEvents(2), newEvents(1), newEvents(3)];

    const outcomes = await asOneGroup(() => [
      store.appendToStream(ok1, a, { expectedRevision: 'no_stream' }),
      store.appendToStream(conflicted, b, { expectedRevision: 'no_stream' }),
      store.appendToStream(ok2, c, { expectedRevision: 'no_stream' }),
    ]);

    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
    expect(outcomes[1].status).toBe('rejected');
    const refusal = (outcomes[1] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(WrongExpectedRevisionError);
    expect(refusal).toMatchObject({ streamId: conflicted, expected: 'no_stream', actual: 0 });
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2 } });

    const [first, second] = [await store.readStream(ok1), await store.readStream(ok2)];
    expect(idsOf(first)).toEqual(idsOf(a));
    expect(idsOf(second)).toEqual(idsOf(c));
    expect(await store.readStream(conflicted)).toHaveLength(1);
    expect(new Set([...first, ...second].map((event) => event.committedAt)).size).toBe(1);
    // The group's positions follow the order the appends were made in, without a hole.
    const positions = [...first, ...second].map((event) => Number(event.position));
    expect(positions).toEqual(positions.map((_, i) => positions[0] + i));
  });

  it('lets two appends of one group race for one revision: the first wins, the second conflicts', async () => {
    const streamId = newStreamId();
    const [winner, loser] = [newEvents(1), newEvents(1)];

    const outcomes = await asOneGroup(() => [
      store.appendToStream(streamId, winner, { expectedRevision: 'no_stream' }),
      store.appendToStream(streamId, loser, { expectedRevision: 'no_stream' }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      name: 'WrongExpectedRevisionError',
      actual: 0,
    });
    expect(idsOf(await store.readStream(streamId))).toEqual(idsOf(winner));
  });

  it('answers a retried append inside the group that records it with the same result, once', async () => {
    const streamId = newStreamId();
    const earlier = newEvents(2);
    const original = await store.appendToStream(streamId, earlier);
    const events = newEvents(2);

    const outcomes = await asOneGroup(() => [
      store.appendToStream(streamId, events, { expectedRevision: 1 }),
      store.appendToStream(streamId, events, { expectedRevision: 1 }), // the client's retry
      store.appendToStream(streamId, earlier, { expectedRevision: 'no_stream' }), // an old retry
      store.appendToStream(newStreamId(), events), // the same ids elsewhere: refused
    ]);

    const [first, retry, oldRetry, elsewhere] = outcomes;
    expect(first).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 3 } });
    expect(retry).toEqual(first);
    expect(oldRetry).toEqual({ status: 'fulfilled', value: original });
    expect((elsewhere as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
    expect(idsOf(await store.readStream(streamId))).toEqual(idsOf([...earlier, ...events]));
  });

  it('refuses a payload JSON cannot hold with a TypeError, and commits the rest of the group', async () => {
    const [bad, good] = [newStreamId(), newStreamId()];
    const [event] = newEvents(1);
    const outcomes = await asOneGroup(() => [
      store.appendToStream(bad, [{ ...event, data: { amount: 10n } }]),
      store.appendToStream(good, newEvents(1)),
    ]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect(outcomes[1].status).toBe('fulfilled');
    expect(await store.readStream(bad)).toEqual([]);
  });
});

type Ack = Readonly<{ streamId: string; first: number; ids: string[] }>;

/** Runs the load child until `killAfterAcks` appends were acknowledged, then SIGKILLs it. */
function loadUntilKilled(load: GroupCommitLoad, killAfterAcks: number): Promise<Ack[]> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'group-commit-load.child.ts'),
      JSON.stringify(load),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const acks: Ack[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, streamId, first, ...ids] = line.split(' ');
    if (word !== 'ack' || acks.length >= killAfterAcks) return;
    acks.push({ streamId, first: Number(first), ids });
    // Synchronously on the ack: the other writers' appends are in the next groups.
    if (acks.length === killAfterAcks) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve(acks)
        : reject(new Error(`load exited with ${code} before the kill:\n${stderr}`)),
    ),
  );
}

describe('SqliteEventStore group commit across a SIGKILL', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'group-commit-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // A group is one SQLite transaction, so the WAL's atomic commit makes it all or nothing; what
  // can be seen from outside is checked: a sound file, no hole in the log, every append whole,
  // every acknowledged append there.
  it('keeps every acknowledged append, each append whole and the log without a hole', async () => {
    const file = join(dir, 'ledger.db');
    openSqlite(file).close(); // the file exists before the child opens it
    const eventsPerAppend = 3;
    const load = { file, writers: 48, sharedStreams: 4, eventsPerAppend, limitMs: 40_000 };

    const acks = await loadUntilKilled(load, 600);

    const db = openSqlite(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db
        .prepare(
          'SELECT position, event_id, stream_id, revision, committed_at FROM events ORDER BY position',
        )
        .all() as {
        position: number;
        event_id: string;
        stream_id: string;
        revision: number;
        committed_at: string;
      }[];
      const byId = new Map(rows.map((row) => [row.event_id, row]));

      // Nothing acknowledged is lost, each at the revisions its answer gave.
      for (const ack of acks)
        expect(ack.ids.map((id) => byId.get(id)?.revision)).toEqual(
          ack.ids.map((_, i) => ack.first + i),
        );
      expect(rows.length).toBeGreaterThanOrEqual(acks.length * eventsPerAppend);
      // No hole in the log: no group was half written.
      expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
      // Every stream runs 0, 1, 2, ... and each append landed whole (whole multiples of it).
      const streams = new Map<string, number[]>();
      for (const row of rows)
        streams.set(row.stream_id, [...(streams.get(row.stream_id) ?? []), row.revision]);
      for (const [streamId, revisions] of streams) {
        expect({ streamId, revisions }).toEqual({
          streamId,
          revisions: revisions.map((_, i) => i),
        });
        expect(revisions.length % eventsPerAppend).toBe(0);
      }
      // The load really was group-committed: fewer commit times (one per group) than appends.
      const commitTimes = new Set(rows.map((row) => row.committed_at));
      expect(commitTimes.size).toBeLessThan(rows.length / eventsPerAppend);
    } finally {
      db.close();
    }
  }, 60_000);
});
