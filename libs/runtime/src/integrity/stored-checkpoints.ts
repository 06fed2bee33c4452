import type { EventReader, RecordedEvent } from '@app/event-store';
import { openCheckpoint, type TrustedKey } from '@app/transparency';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM } from '../transparency/transparency-ledger';
import type { IntegrityFinding } from './integrity-finding';

/** A checkpoint that a trusted key signed: the tree it commits to. */
export type StoredCheckpointCheck = Readonly<{
  streamId: string;
  /** Its revision in the checkpoint stream. */
  revision: number;
  size: number;
  root: Buffer;
}>;

export type ReadCheckpoint = Readonly<{
  revision: number;
  check?: StoredCheckpointCheck;
  finding?: IntegrityFinding;
}>;

/**
 * The stored checkpoints from `fromRevision` on, each opened against the trusted keys: the
 * tree it signs, or why it does not count (its note no trusted key signed, as after an edit or
 * with a foreign key; fields beside the note that disagree with it).
 */
export async function readCheckpoints(
  events: Pick<EventReader, 'readStream'>,
  fromRevision: number,
  trusted: readonly TrustedKey[],
): Promise<ReadCheckpoint[]> {
  const stored = await events.readStream(CHECKPOINT_STREAM, { fromRevision });
  return stored.map((event) => ({ revision: event.revision, ...openStored(event, trusted) }));
}

function openStored(
  event: RecordedEvent,
  trusted: readonly TrustedKey[],
): Pick<ReadCheckpoint, 'check' | 'finding'> {
  const finding = (check: IntegrityFinding['check'], message: string) => ({
    finding: {
      check,
      streamId: event.streamId,
      eventId: event.id,
      revision: event.revision,
      message,
    },
  });
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type !== CHECKPOINT_SIGNED || typeof data.note !== 'string')
    return finding('checkpoint-content', `not a ${CHECKPOINT_SIGNED} event with a note`);
  const opened = openCheckpoint(data.note, trusted);
  if (!opened.ok)
    return finding(
      'checkpoint-signature',
      `the stored checkpoint does not verify against the ledger's keys (${opened.reason}): ${opened.message}`,
    );
  const { size, root } = opened.checkpoint;
  if (
    (data.treeSize !== undefined && data.treeSize !== size) ||
    (data.rootHash !== undefined && data.rootHash !== root.toString('base64'))
  )
    return finding(
      'checkpoint-content',
      `treeSize or rootHash beside the note differ from the signed note (size ${size})`,
    );
  return { check: { streamId: event.streamId, revision: event.revision, size, root } };
}
