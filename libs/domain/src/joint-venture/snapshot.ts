/**
 * A folded state kept so a reader need not replay a long stream: the state after the event at
 * `revision`, taken by a given version of `evolve`. It stands in for the fold only while both
 * still hold: the same `evolve` (EVOLVE_VERSION) and the same event at that revision (its hash,
 * which covers the stream id, the revision and the content). Anything else is ignored.
 */
import type { JointVentureState } from './state';

/**
 * The version of `evolve`'s output. Bump it with any change to what `evolve` returns for the
 * same events (a new field, a changed meaning): snapshots of another version are then ignored
 * and rebuilt. `snapshot.unit.spec.ts` fingerprints the output and fails until it is bumped.
 */
export const EVOLVE_VERSION = 2;

export type StateSnapshot = Readonly<{
  streamId: string;
  /** Revision of the last event folded into `state`. */
  revision: number;
  evolveVersion: number;
  /** Hash of the event at `revision`, as the stream holds it. */
  eventHash: string;
  state: JointVentureState;
}>;

/** The stream's own event at a snapshot's revision, as far as checking a snapshot needs it. */
export type EventAtRevision = Readonly<{
  streamId: string;
  revision: number;
  hash: string | null | undefined;
}>;

/**
 * Whether `snapshot` is the fold of its stream up to its revision, checked against the event
 * the stream has there: a stale, foreign or older-`evolve` snapshot is not.
 */
export function snapshotFits(snapshot: StateSnapshot, event: EventAtRevision | undefined): boolean {
  return (
    event !== undefined &&
    snapshot.evolveVersion === EVOLVE_VERSION &&
    snapshot.streamId === event.streamId &&
    snapshot.revision === event.revision &&
    typeof event.hash === 'string' &&
    snapshot.eventHash === event.hash &&
    snapshot.state.status === 'existing' &&
    snapshot.state.version === snapshot.revision
  );
}
