import {
  keyLabel,
  openNote,
  parseCheckpoint,
  type Checkpoint,
  type VerifierKey,
} from '../verifier/offline.verifier';
import type { KeyRing } from '../keys/key-ring';
import { isValidAt, type TrustedKey } from '../keys/key-ring';
import type { TransparencyLog } from '../log/transparency-log';
import { signNote } from '../note/note-signer';
import { HeadsTree } from './heads-tree';

export type { Checkpoint } from '../verifier/offline.verifier';

/**
 * The checkpoint's note text (C2SP tlog-checkpoint): origin, tree size, base64 root, then this
 * ledger's extension lines `heads <count> <base64 root>` and `time <RFC 3339 UTC>`.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, heads, time } = checkpoint;
  const text = [
    origin,
    String(size),
    root.toString('base64'),
    `heads ${heads.count} ${heads.root.toString('base64')}`,
    `time ${time}`,
    '',
  ].join('\n');
  parseCheckpoint(text); // a text the verifier would refuse is never signed
  return text;
}

export type SignedCheckpoint = Readonly<{ note: string; checkpoint: Checkpoint }>;

/**
 * Signs a checkpoint of the log as it is now: its size and root, the heads of every JV at that
 * size and the time, with the key valid at `now`.
 */
export async function signCheckpoint(
  log: TransparencyLog,
  options: Readonly<{ origin: string; keys: KeyRing; now: Date }>,
): Promise<SignedCheckpoint> {
  const { size, root } = await log.state();
  const heads = HeadsTree.of(await log.headsAt(size));
  const checkpoint: Checkpoint = {
    origin: options.origin,
    size,
    root,
    heads: { count: heads.count, root: heads.root },
    time: options.now.toISOString(),
  };
  const note = await signNote(formatCheckpoint(checkpoint), [options.keys.signerAt(options.now)]);
  return { note, checkpoint };
}

export type OpenedCheckpoint =
  | Readonly<{ ok: true; checkpoint: Checkpoint; signedBy: readonly VerifierKey[] }>
  | Readonly<{ ok: false; reason: 'signature' | 'malformed' | 'key-validity'; message: string }>;

/**
 * Verifies a signed checkpoint against trusted keys: a signature by one of them that holds, a
 * well-formed text, and a signing key whose validity includes the checkpoint's time (a retired
 * key's signature on a checkpoint dated after its retirement does not count).
 */
export function openCheckpoint(note: string, trusted: readonly TrustedKey[]): OpenedCheckpoint {
  const opened = openNote(
    note,
    trusted.map((entry) => entry.key),
  );
  if (!opened.ok) return { ok: false, reason: 'signature', message: opened.reason };
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(opened.text);
  } catch (error) {
    return { ok: false, reason: 'malformed', message: (error as Error).message };
  }
  const signedBy = opened.signedBy.filter((key) =>
    trusted.some((entry) => entry.key.text === key.text && isValidAt(entry, checkpoint.time)),
  );
  if (signedBy.length === 0)
    return {
      ok: false,
      reason: 'key-validity',
      message: `signed by ${opened.signedBy.map(keyLabel).join(', ')}, not valid at ${checkpoint.time}`,
    };
  return { ok: true, checkpoint, signedBy };
}
