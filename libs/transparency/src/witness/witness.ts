import type { Checkpoint } from '../verifier/offline.verifier';
import { openCheckpoint } from '../checkpoint/checkpoint';
import type { TrustedKey } from '../keys/key-ring';
import { verifyConsistency } from '../merkle/verify-consistency';

export type WitnessRefusal =
  | 'bad-signature'
  | 'malformed'
  | 'wrong-origin'
  | 'previous-invalid'
  | 'shrunk'
  | 'forked'
  | 'time-went-backwards';

export type WitnessVerdict =
  | Readonly<{ accepted: true; checkpoint: Checkpoint }>
  | Readonly<{ accepted: false; reason: WitnessRefusal; message: string }>;

export type WitnessInput = Readonly<{
  /** The log's origin line, as the witness was configured. */
  origin: string;
  trustedKeys: readonly TrustedKey[];
  /** The last checkpoint this witness kept (a signed note), if any. */
  previous?: string;
  next: string;
  /** RFC 9162 consistency proof from the previous size to the next one. */
  consistencyProof: readonly Uint8Array[];
}>;

/**
 * A witness's decision on a new checkpoint: accept only a checkpoint signed by a trusted key, of
 * this log, that extends the one it kept (consistency proof), is not smaller and not older. The
 * first checkpoint is accepted on its signature alone. Pure: the caller keeps what is accepted.
 */
export function witnessCheckpoint(input: WitnessInput): WitnessVerdict {
  const refuse = (reason: WitnessRefusal, message: string): WitnessVerdict => ({
    accepted: false,
    reason,
    message,
  });
  const next = openCheckpoint(input.next, input.trustedKeys);
  if (!next.ok)
    return refuse(next.reason === 'malformed' ? 'malformed' : 'bad-signature', next.message);
  const checkpoint = next.checkpoint;
  if (checkpoint.origin !== input.origin)
    return refuse('wrong-origin', `origin ${checkpoint.origin}, expected ${input.origin}`);
  if (input.previous === undefined) return { accepted: true, checkpoint };

  const kept = openCheckpoint(input.previous, input.trustedKeys);
  if (!kept.ok) return refuse('previous-invalid', `the kept checkpoint: ${kept.message}`);
  const previous = kept.checkpoint;
  if (checkpoint.size < previous.size)
    return refuse('shrunk', `size ${checkpoint.size} is below the kept size ${previous.size}`);
  if (Date.parse(checkpoint.time) < Date.parse(previous.time))
    return refuse('time-went-backwards', `time ${checkpoint.time} is before ${previous.time}`);
  const consistent =
    previous.size === 0
      ? input.consistencyProof.length === 0
      : verifyConsistency(
          previous.size,
          checkpoint.size,
          input.consistencyProof,
          previous.root,
          checkpoint.root,
        );
  if (!consistent)
    return refuse(
      'forked',
      `the tree of size ${checkpoint.size} does not extend the kept tree of size ${previous.size}`,
    );
  return { accepted: true, checkpoint };
}
