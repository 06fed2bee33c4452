/**
 * How signed checkpoints are kept in the event store: events of a stream of their own (not a JV
 * stream, so never a leaf of the log), replicated and backed up with the events they cover.
 * The ledger appends them; the notifier publishes them to the witnesses' topic.
 */
export const CHECKPOINT_STREAM = 'transparency-checkpoints';
export const CHECKPOINT_SIGNED = 'CheckpointSigned';

/** The data of a `CheckpointSigned` event. */
export type CheckpointSignedData = Readonly<{
  /** The signed note, exactly as signed. */
  note: string;
  treeSize: number;
  /** Base64 RFC 9162 root at `treeSize`. */
  rootHash: string;
  /** RFC 3339, the checkpoint's `time` line. */
  signedAt: string;
}>;
