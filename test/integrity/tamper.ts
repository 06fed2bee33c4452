/**
 * Tampering as an insider with write access to the event store would do it, for the integrity
 * tests: edits, deletions, swaps and a rewritten chain re-hashed with the project's own
 * `hashEvent`, and checkpoints edited or signed with a foreign key. Scenarios act on a
 * `TamperableStore` (raw rows), so the same ones run wherever a store lets a test reach its rows.
 */
import { hashEvent } from '@app/event-store';
import { signCheckpoint, KeyRing, parseKeyList, parseSignerKey } from '@app/transparency';
import { generateSignerKey, type Bundle, type TransparencyLog } from '@app/transparency';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { KurrentDbDouble, TamperedRecord } from '../services/kurrentdb/kurrentdb-double';
import { CHECKPOINT_STREAM, type IntegrityCheck } from '@app/runtime';
import type { BundleCheck } from '@app/transparency';

export type RawEvent = TamperedRecord;

/** Row-level access to a store's events, as someone holding its files or its admin rights has. */
export interface TamperableStore {
  rows(streamId: string): RawEvent[];
  /** Rewrites the row at (streamId, revision) with `event` (which may name another revision). */
  replace(streamId: string, revision: number, event: RawEvent): void;
  remove(streamId: string, revision: number): void;
  /** Appends a row at the end of the global log, bypassing the store's own append rules. */
  insert(event: RawEvent): void;
  close(): void;
}

/** The events table of a SQLite ledger file (`libs/event-store/src/sqlite/group-commit.ts`). */
export function sqliteTamperable(file: string): TamperableStore {
  const db = new Database(file);
  type Row = {
    event_id: string;
    stream_id: string;
    revision: number;
    type: string;
    data: string;
    metadata: string;
  };
  const parse = (row: Row): RawEvent => ({
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  });
  return {
    rows: (streamId) =>
      (
        db
          .prepare('select * from events where stream_id = ? order by revision')
          .all(streamId) as Row[]
      ).map(parse),
    replace: (streamId, revision, event) => {
      db.prepare(
        'update events set event_id = ?, revision = ?, type = ?, data = ?, metadata = ? where stream_id = ? and revision = ?',
      ).run(
        event.id,
        event.revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        streamId,
        revision,
      );
    },
    remove: (streamId, revision) => {
      db.prepare('delete from events where stream_id = ? and revision = ?').run(streamId, revision);
    },
    insert: (event) => {
      db.prepare(
        'insert into events (event_id, stream_id, revision, type, data, metadata, committed_at) values (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        event.id,
        event.streamId,
        event.revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        new Date().toISOString(),
      );
    },
    close: () => db.close(),
  };
}

/** The records of the KurrentDB double, through its test-only tamper hooks. */
export function doubleTamperable(double: KurrentDbDouble): TamperableStore {
  return { ...double.tamper, close: () => undefined };
}

export type TamperContext = Readonly<{
  store: TamperableStore;
  /** The JV tampered with (a stream of at least four events). */
  streamId: string;
  /** The transparency log of the ledger, for a checkpoint signed with a foreign key. */
  log: TransparencyLog;
  origin: string;
}>;

export type TamperScenario = Readonly<{
  name: string;
  tamper: (context: TamperContext) => Promise<void> | void;
  /** What the server's verifier must name first for the JV (or the checkpoint stream). */
  server: Readonly<{ check: IntegrityCheck; revision?: (context: TamperContext) => number }>;
  /** What the offline verifier must answer for a bundle served after the tampering. */
  offline: BundleCheck;
}>;

const last = (store: TamperableStore, streamId: string) => store.rows(streamId).at(-1)!;

/** The eight scenarios of issue 9, "Tests that must exist". */
export const TAMPER_SCENARIOS: readonly TamperScenario[] = [
  {
    name: "an event's data edited",
    tamper: ({ store, streamId }) => {
      const event = store.rows(streamId)[2];
      store.replace(streamId, 2, { ...event, data: { ...event.data, tampered: 'quantity +1' } });
    },
    server: { check: 'hash', revision: () => 2 },
    offline: 'hash',
  },
  {
    name: "an event's metadata edited",
    tamper: ({ store, streamId }) => {
      const event = store.rows(streamId)[1];
      const actor = { ...(event.metadata.actor as object), subject: 'mallory' };
      store.replace(streamId, 1, { ...event, metadata: { ...event.metadata, actor } });
    },
    server: { check: 'hash', revision: () => 1 },
    offline: 'hash',
  },
  {
    name: 'the last event of a JV deleted',
    tamper: ({ store, streamId }) => store.remove(streamId, last(store, streamId).revision),
    server: { check: 'missing-event' },
    offline: 'head',
  },
  {
    name: 'an event in the middle deleted',
    tamper: ({ store, streamId }) => store.remove(streamId, 1),
    // Its leaf comes before the next event of its JV in the log: named as missing first.
    server: { check: 'missing-event', revision: () => 1 },
    offline: 'revision',
  },
  {
    name: 'two events swapped',
    tamper: ({ store, streamId }) => {
      const [, one, two] = store.rows(streamId);
      // Contents exchanged between versions 1 and 2; event ids are unique, hence the detour.
      store.replace(streamId, 1, { ...two, id: `${two.id}-moving`, revision: 1 });
      store.replace(streamId, 2, { ...one, revision: 2 });
      store.replace(streamId, 1, { ...two, revision: 1 });
    },
    server: { check: 'prev-hash', revision: () => 1 },
    offline: 'hash',
  },
  {
    name: 'a whole JV chain rewritten and re-hashed with hashEvent',
    tamper: ({ store, streamId }) => {
      let prevHash: string | null = null;
      for (const event of store.rows(streamId)) {
        const data = event.revision === 1 ? { ...event.data, rewritten: true } : event.data;
        const { hash: _old, ...kept } = event.metadata;
        const metadata = { ...kept, prevHash };
        const hash = hashEvent({ ...event, data, metadata });
        store.replace(streamId, event.revision, {
          ...event,
          data,
          metadata: { ...metadata, hash },
        });
        prevHash = hash;
      }
    },
    server: { check: 'leaf', revision: () => 1 },
    offline: 'inclusion',
  },
  {
    name: 'a stored checkpoint edited',
    tamper: ({ store }) => {
      const checkpoint = last(store, CHECKPOINT_STREAM);
      const lines = String(checkpoint.data.note).split('\n');
      lines[2] = Buffer.alloc(32, 7).toString('base64'); // another root
      store.replace(CHECKPOINT_STREAM, checkpoint.revision, {
        ...checkpoint,
        data: { ...checkpoint.data, note: lines.join('\n') },
      });
    },
    server: {
      check: 'checkpoint-signature',
      revision: (c) => last(c.store, CHECKPOINT_STREAM).revision,
    },
    offline: 'signature',
  },
  {
    name: 'a checkpoint signed with an untrusted key',
    tamper: async ({ store, log, origin }) => {
      const signer = parseSignerKey(generateSignerKey(origin).signerKey);
      const foreign = KeyRing.of(parseKeyList([{ verifierKey: signer.verifierKey }]), [signer]);
      const { note, checkpoint } = await signCheckpoint(log, {
        origin,
        keys: foreign,
        now: new Date(),
      });
      const previous = last(store, CHECKPOINT_STREAM);
      store.insert({
        ...previous,
        id: randomUUID(),
        revision: previous.revision + 1,
        data: {
          note,
          treeSize: checkpoint.size,
          rootHash: checkpoint.root.toString('base64'),
          signedAt: checkpoint.time,
        },
      });
    },
    server: {
      check: 'checkpoint-signature',
      revision: (c) => last(c.store, CHECKPOINT_STREAM).revision,
    },
    offline: 'signature',
  },
];

/**
 * The bundle an auditor gets from the tampered ledger, checked against what they took before:
 * the JV's events as the store now holds them, each with the proof it had (by event id, else by
 * place), and the latest stored checkpoint note.
 */
export function bundleAfter(before: Bundle, store: TamperableStore): Bundle {
  const events = store.rows(before.streamId);
  const proofs = new Map(before.events.map((event, i) => [event.id, before.inclusionProofs[i]]));
  return {
    ...before,
    checkpoint: String(last(store, CHECKPOINT_STREAM).data.note),
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      version: event.revision,
      data: event.data,
      metadata: event.metadata,
    })),
    inclusionProofs: events.map((event, i) => proofs.get(event.id) ?? before.inclusionProofs[i]),
  };
}
