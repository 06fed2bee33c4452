/**
 * What a witness keeps between runs, in its state directory: the last checkpoint it accepted
 * (`checkpoint.json`, replaced atomically: written beside, synced, renamed) and, for each
 * checkpoint it refused, the signed note and the reason (`refused/`): a signed checkpoint that
 * does not extend the kept one is evidence that the log forked, worth handing to others.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export type KeptCheckpoint = Readonly<{
  /** The signed note, exactly as received. */
  note: string;
  /** Its index among the ledger's checkpoints, when the source said (Kafka's streamrevision). */
  position?: number;
  acceptedAt: string;
}>;

export class WitnessState {
  private readonly file: string;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'checkpoint.json');
  }

  /** The kept checkpoint, or undefined before the first one. */
  load(): KeptCheckpoint | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const kept = JSON.parse(text) as KeptCheckpoint;
    if (typeof kept.note !== 'string') throw new Error(`${this.file} holds no checkpoint note`);
    return kept;
  }

  keep(kept: KeptCheckpoint): void {
    writeDurably(this.file, `${JSON.stringify(kept, null, 2)}\n`);
  }

  /** Keeps a refused checkpoint with the reason; returns the file it wrote. */
  recordRefusal(note: string, reason: string, message: string, at: Date): string {
    const dir = join(this.dir, 'refused');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${at.toISOString().replace(/[:.]/g, '-')}-${reason}.json`);
    writeDurably(file, `${JSON.stringify({ reason, message, note, refusedAt: at }, null, 2)}\n`);
    return file;
  }
}

function writeDurably(file: string, text: string): void {
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, file);
}
