import type { LinkCheck } from '@app/event-store';

/**
 * What the integrity checks look at:
 * - `revision`, `prev-hash`, `hash`: one link of a JV's hash chain (`checkLink`);
 * - `leaf`: an event differs from the transparency log's leaf at its ordinal (a rewritten and
 *   re-hashed event, or events out of place);
 * - `missing-event`: the log holds a leaf whose event is gone from the store (a deleted event);
 * - `tree-root`: the tree at a signed checkpoint's size, recomputed from the events or read from
 *   the stored log, is not the checkpoint's root;
 * - `checkpoint-signature`: a stored checkpoint no trusted key signed (edited, or signed by a
 *   key the ledger does not list);
 * - `checkpoint-content`: a checkpoint event whose fields disagree with its signed note.
 */
export type IntegrityCheck =
  | LinkCheck
  | 'leaf'
  | 'missing-event'
  | 'tree-root'
  | 'checkpoint-signature'
  | 'checkpoint-content';

export const INTEGRITY_CHECKS: readonly IntegrityCheck[] = [
  'revision',
  'prev-hash',
  'hash',
  'leaf',
  'missing-event',
  'tree-root',
  'checkpoint-signature',
  'checkpoint-content',
];

/** One thing that does not hold, named so that an operator can find it. */
export type IntegrityFinding = Readonly<{
  check: IntegrityCheck;
  /** The JV's stream, or the checkpoint stream for a checkpoint finding. */
  streamId: string;
  /** The JV, when the finding is about one. */
  jointVentureId?: string;
  eventId?: string;
  /** The event's revision in its stream (the API's version). */
  revision?: number;
  leafIndex?: number;
  treeSize?: number;
  message: string;
}>;

/** A stable key of a finding, so that finding it again does not count it twice. */
export function findingKey(finding: IntegrityFinding): string {
  const { check, streamId, eventId, revision, leafIndex, treeSize } = finding;
  return [check, streamId, eventId ?? '', revision ?? '', leafIndex ?? '', treeSize ?? ''].join(
    '|',
  );
}

/** One line for logs, health and the CLI. */
export function describeFinding(finding: IntegrityFinding): string {
  const where = [
    finding.jointVentureId ? `JV ${finding.jointVentureId}` : finding.streamId,
    finding.revision !== undefined ? `version ${finding.revision}` : undefined,
    finding.eventId ? `event ${finding.eventId}` : undefined,
    finding.leafIndex !== undefined ? `leaf ${finding.leafIndex}` : undefined,
  ].filter(Boolean);
  return `${finding.check} at ${where.join(', ')}: ${finding.message}`;
}
