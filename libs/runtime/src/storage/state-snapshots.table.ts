/**
 * Snapshots of JVs' folded states, beside the read models (in the same SQL database): a cache
 * that spares a cold reader the replay of a long stream, never a source of truth.
 */
import { createTable, defineTable, type TablesOf } from '@app/event-store';
import type { Kysely } from 'kysely';

export const STATE_SNAPSHOTS = defineTable(
  'jv_state_snapshots',
  {
    stream_id: 'text',
    /** The EVOLVE_VERSION the state was folded by. */
    evolve_version: 'integer',
    /** Revision of the last event folded in. */
    revision: 'integer',
    /** Hash of the event at `revision`: checked against the stream before the state is used. */
    event_hash: 'text',
    /** The folded state: its JSON deflated, base64 (the store's encoding). */
    state: 'text',
    written_at: 'text',
  },
  ['stream_id', 'evolve_version', 'revision'],
);

export type StateSnapshotTables = TablesOf<typeof STATE_SNAPSHOTS>;

/** Creates the snapshot table and the index that finds the most recently written ones. */
export async function migrateStateSnapshots(db: Kysely<unknown>): Promise<void> {
  await createTable(db.schema, STATE_SNAPSHOTS);
  await db.schema
    .createIndex('jv_state_snapshots_written_at')
    .ifNotExists()
    .on(STATE_SNAPSHOTS.name)
    .column('written_at')
    .execute();
}
