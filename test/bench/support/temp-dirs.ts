/** Every file a benchmark writes lives under one temp folder, removed at the end (or on Ctrl-C). */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DATABASE_FILE = 'ledger.db';

export class TempDirs {
  readonly root = mkdtempSync(join(tmpdir(), 'jv-bench-'));
  private counter = 0;
  private readonly onSignal = () => {
    this.cleanup();
    process.exit(130);
  };

  constructor() {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** A fresh, empty data folder. */
  make(label: string): string {
    const dir = join(this.root, `${String(++this.counter).padStart(2, '0')}-${label}`);
    mkdirSync(dir);
    return dir;
  }

  /** A fresh data folder holding a copy of another folder's closed database. */
  copyOf(sourceDir: string, label: string): string {
    const dir = this.make(label);
    for (const suffix of ['', '-wal']) {
      const source = join(sourceDir, DATABASE_FILE + suffix);
      if (existsSync(source)) copyFileSync(source, join(dir, DATABASE_FILE + suffix));
    }
    return dir;
  }

  /** Removes one folder early, to keep the disk footprint small. */
  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  cleanup(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    rmSync(this.root, { recursive: true, force: true });
  }
}
