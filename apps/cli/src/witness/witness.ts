/**
 * A member state's witness of the ledger's transparency log: it keeps the last checkpoint it
 * accepted and accepts a new one only if the library's `witnessCheckpoint` does (a trusted
 * signature, this log's origin, not smaller, not older, and a consistency proof that the new
 * tree extends the kept one). What it refuses is kept as evidence and stops it.
 */
import {
  parseCheckpoint,
  witnessCheckpoint,
  type TrustedKey,
  type WitnessRefusal,
} from '@app/transparency';
import type { WitnessState } from './witness-state';

/** Fetches the log's RFC 9162 consistency proof between two tree sizes (the ledger's API). */
export type ProofSource = (first: number, second: number) => Promise<readonly Uint8Array[]>;

export type OfferedCheckpoint = Readonly<{
  note: string;
  /** Index among the ledger's checkpoints, when the source gives one (Kafka). */
  position?: number;
  /** A proof the source carried with the checkpoint, valid from `fromTreeSize`. */
  consistency?: Readonly<{ fromTreeSize: number; proof: readonly Uint8Array[] }>;
}>;

export type WitnessOutcome =
  | Readonly<{ kind: 'accepted'; size: number; root: string; fromSize: number | undefined }>
  /** The kept checkpoint offered again, or an earlier one replayed by the source. */
  | Readonly<{ kind: 'already-seen' }>
  | Readonly<{ kind: 'refused'; reason: WitnessRefusal; message: string; evidence: string }>;

/** The witness could not decide: no proof from the kept size is available. Not a verdict. */
export class CannotCheckError extends Error {}

export type WitnessOptions = Readonly<{
  origin: string;
  trustedKeys: readonly TrustedKey[];
  state: WitnessState;
  /** Where proofs come from when the offered checkpoint carries none from the kept size. */
  proofs?: ProofSource;
  now?: () => Date;
}>;

export class Witness {
  private readonly now: () => Date;

  constructor(private readonly options: WitnessOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The note of the checkpoint kept now, if any. */
  kept(): string | undefined {
    return this.options.state.load()?.note;
  }

  async offer(offered: OfferedCheckpoint): Promise<WitnessOutcome> {
    const { state, origin, trustedKeys } = this.options;
    const kept = state.load();
    if (kept !== undefined) {
      if (offered.note === kept.note) return { kind: 'already-seen' };
      if (
        offered.position !== undefined &&
        kept.position !== undefined &&
        offered.position <= kept.position
      )
        return { kind: 'already-seen' };
    }
    const fromSize = kept === undefined ? undefined : sizeOf(kept.note);
    const verdict = witnessCheckpoint({
      origin,
      trustedKeys,
      previous: kept?.note,
      next: offered.note,
      consistencyProof: await this.proofFor(fromSize, offered),
    });
    if (!verdict.accepted) {
      const evidence = state.recordRefusal(
        offered.note,
        verdict.reason,
        verdict.message,
        this.now(),
      );
      return { kind: 'refused', reason: verdict.reason, message: verdict.message, evidence };
    }
    state.keep({
      note: offered.note,
      ...(offered.position !== undefined && { position: offered.position }),
      acceptedAt: this.now().toISOString(),
    });
    const { size, root } = verdict.checkpoint;
    return { kind: 'accepted', size, root: root.toString('base64'), fromSize };
  }

  /**
   * The proof from the kept size to the offered one: none when there is nothing to prove (no
   * kept checkpoint, an empty kept tree, the same size, a smaller one or a note that does not
   * parse: the verdict needs no proof then), the one the checkpoint carried if it starts at the
   * kept size, else one fetched.
   */
  private async proofFor(
    fromSize: number | undefined,
    offered: OfferedCheckpoint,
  ): Promise<readonly Uint8Array[]> {
    const toSize = sizeOf(offered.note);
    if (fromSize === undefined || toSize === undefined || fromSize === 0 || toSize <= fromSize)
      return [];
    if (offered.consistency?.fromTreeSize === fromSize) return offered.consistency.proof;
    if (!this.options.proofs)
      throw new CannotCheckError(
        `checkpoint of size ${toSize} carries no consistency proof from the kept size ${fromSize}, ` +
          'and no --ledger-url to fetch one from',
      );
    return this.options.proofs(fromSize, toSize);
  }
}

/** The tree size a note claims (unverified: only to pick a proof), or undefined. */
function sizeOf(note: string): number | undefined {
  const text = note.slice(0, note.indexOf('\n\n') + 1);
  try {
    return parseCheckpoint(text).size;
  } catch {
    return undefined;
  }
}
