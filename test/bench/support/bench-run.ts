/**
 * What every bench script shares: progress on stderr, sections that report a failure as a
 * FAILED row and go on, and the table (sorted by benchmark number) with the total time.
 */
import { ms, since } from './stats';
import { renderTable, type Row } from './table';

export const QUICK = process.env.BENCH_QUICK === '1';

/** BENCH_SECTIONS=1,3: only the sections with these numbers run (all when unset). */
const ONLY = process.env.BENCH_SECTIONS?.split(',')
  .map((n) => n.trim())
  .filter(Boolean);

/** A section named `3./4. projection ...` is sections 3 and 4. */
const numbersOf = (name: string) =>
  name
    .split(' ')[0]
    .split('/')
    .map((n) => n.replace(/\.$/, ''));

export class BenchRun {
  readonly rows: Row[] = [];
  private readonly failures: string[] = [];

  constructor(private readonly label: string) {}

  progress(message: string): void {
    process.stderr.write(`[${this.label} ${ms(since(0))}] ${message}\n`);
  }

  /** Runs one section; a failure is reported in the table and the run goes on. */
  async section(name: string, body: () => Promise<void>): Promise<void> {
    if (ONLY && !numbersOf(name).some((n) => ONLY.includes(n))) return;
    this.progress(name);
    try {
      await body();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failures.push(`${name}: ${error instanceof Error ? (error.stack ?? message) : message}`);
      this.rows.push({
        benchmark: name,
        setting: '-',
        figure: `FAILED: ${message.slice(0, 120)}`,
        target: '-',
      });
    }
  }

  /** Prints the table and the failures; returns the exit code (1 when a benchmark broke). */
  finish(): number {
    // Sections push rows as they run; the table lists them by benchmark number (a stable sort).
    const numberOf = (row: Row) => row.benchmark.split(' ')[0];
    const rows = [...this.rows].sort((a, b) =>
      numberOf(a) < numberOf(b) ? -1 : numberOf(a) > numberOf(b) ? 1 : 0,
    );
    process.stdout.write(
      `${renderTable(rows)}\n\ntotal time: ${ms(since(0))}${QUICK ? ' (BENCH_QUICK)' : ''}\n`,
    );
    for (const failure of this.failures) process.stderr.write(`\n${failure}\n`);
    return this.failures.length === 0 ? 0 : 1;
  }
}

/** The scripts' entry point: exit with the run's code, or 1 on an uncaught error. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
