import type { JointVentureState, StateSnapshot } from '@app/domain';
import type { StateSnapshotTables } from '@app/runtime';
import type { Kysely } from 'kysely';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/**
 * A state as the column holds it: its JSON, deflated (a 10,000-event state's 2.6 MB become
 * 0.3 MB, which SQLite reads back in a fraction of the time) and base64 text on both dialects.
 * zlib runs on libuv's threads, off the event loop.
 */
const encode = async (state: JointVentureState) =>
  (await deflate(JSON.stringify(state), { level: 1 })).toString('base64');
const decode = async (text: string) =>
  JSON.parse((await inflate(Buffer.from(text, 'base64'))).toString('utf8')) as JointVentureState;

/**
 * Where folded states of JVs are kept between processes. A cache: a reader checks what it gets
 * against the stream (`snapshotFits`) and replays when it does not fit or when there is none.
 */
export interface StateSnapshotStore {
  /** The newest snapshot of the stream folded by `evolveVersion`, at or below `atOrBelow` when given. */
  latest(
    streamId: string,
    evolveVersion: number,
    atOrBelow?: number,
  ): Promise<StateSnapshot | undefined>;
  /**
   * Keeps a snapshot (in place of one under the same stream, version and revision), and
   * of its stream only the newest `keep` of this version, none of another.
   */
  save(snapshot: StateSnapshot, keep: number, writtenAt: string): Promise<void>;
  /** Streams with the most recently written snapshots of this version, newest first. */
  recentStreams(evolveVersion: number, limit: number): Promise<string[]>;
}

/** Snapshots in the SQL database beside the read models (SQLite or PostgreSQL). */
export class SqlStateSnapshotStore implements StateSnapshotStore {
  constructor(private readonly db: Kysely<StateSnapshotTables>) {}

  async latest(streamId: string, evolveVersion: number, atOrBelow?: number) {
    let query = this.db
      .selectFrom('jv_state_snapshots')
      .select(['revision', 'event_hash', 'state'])
      .where('stream_id', '=', streamId)
      .where('evolve_version', '=', evolveVersion);
    if (atOrBelow !== undefined) query = query.where('revision', '<=', atOrBelow);
    const row = await query.orderBy('revision', 'desc').limit(1).executeTakeFirst();
    if (!row) return undefined;
    return {
      streamId,
      revision: Number(row.revision),
      evolveVersion,
      eventHash: row.event_hash,
      state: await decode(row.state),
    };
  }

  async save(snapshot: StateSnapshot, keep: number, writtenAt: string): Promise<void> {
    const { streamId, evolveVersion, revision } = snapshot;
    const json = await encode(snapshot.state);
    await this.db
      .insertInto('jv_state_snapshots')
      .values({
        stream_id: streamId,
        evolve_version: evolveVersion,
        revision,
        event_hash: snapshot.eventHash,
        state: json,
        written_at: writtenAt,
      })
      // Replaces one at the same revision: one that did not fit the stream is replaced by the
      // replay that refused it (and two replicas' snapshots of one revision are equal anyway).
      .onConflict((oc) =>
        oc
          .columns(['stream_id', 'evolve_version', 'revision'])
          .doUpdateSet({ event_hash: snapshot.eventHash, state: json, written_at: writtenAt }),
      )
      .execute();
    await this.db
      .deleteFrom('jv_state_snapshots')
      .where('stream_id', '=', streamId)
      .where((eb) =>
        eb.or([
          eb('evolve_version', '<>', evolveVersion),
          eb(
            'revision',
            '<',
            // The keep-th newest revision; null (nothing deleted) while there are fewer.
            eb
              .selectFrom('jv_state_snapshots')
              .select('revision')
              .where('stream_id', '=', streamId)
              .where('evolve_version', '=', evolveVersion)
              .orderBy('revision', 'desc')
              .limit(1)
              .offset(keep - 1),
          ),
        ]),
      )
      .execute();
  }

  async recentStreams(evolveVersion: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('jv_state_snapshots')
      .select(['stream_id', (eb) => eb.fn.max('written_at').as('last_written')])
      .where('evolve_version', '=', evolveVersion)
      .groupBy('stream_id')
      .orderBy('last_written', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => row.stream_id);
  }
}
