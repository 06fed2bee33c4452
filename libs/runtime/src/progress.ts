import { SingleBar } from 'cli-progress';

/**
 * Progress of a long operator command (verify --all, a rebuild): on a terminal a bar with the
 * count, the rate and the time left, redrawn at most a few times a second; elsewhere (CI, a pipe,
 * a log collector) nothing while it runs and one JSON line at the end, so scripts can parse it.
 */
export interface Progress {
  /** Sets how much is done so far (absolute, not an increment); `total` may be revised. */
  update(done: number, total?: number): void;
  /**
   * Ends the bar and returns the summary: `{operation, done, total, seconds, perSecond, ...extra}`.
   * Off a terminal, the summary is also written as one JSON line to `out`.
   */
  finish(extra?: Readonly<Record<string, unknown>>): ProgressSummary;
}

export type ProgressSummary = Readonly<{
  operation: string;
  done: number;
  total: number;
  seconds: number;
  perSecond: number;
  [key: string]: unknown;
}>;

export type ProgressOptions = Readonly<{
  /** What is running, e.g. `verify` or `rebuild`; first on the line and in the summary. */
  operation: string;
  total: number;
  /** What is counted, e.g. `events`. */
  unit: string;
  /** Where the bar goes (a terminal if it is one); stderr by default, so stdout stays data. */
  terminal?: NodeJS.WriteStream;
  /** Where the summary line goes off a terminal; stdout by default. */
  out?: NodeJS.WritableStream;
  /** Overrides the terminal check (tests). */
  interactive?: boolean;
  now?: () => number;
}>;

export function progress(options: ProgressOptions): Progress {
  const terminal = options.terminal ?? process.stderr;
  const out = options.out ?? process.stdout;
  const interactive = options.interactive ?? Boolean(terminal.isTTY);
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  let done = 0;
  let total = options.total;
  const perSecond = () => {
    const seconds = (now() - startedAt) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  const bar = interactive
    ? new SingleBar({
        stream: terminal,
        format: `${options.operation} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {perSecond}/s | ETA {eta_formatted}`,
        fps: 5,
        etaBuffer: 50,
        hideCursor: true,
      })
    : undefined;
  bar?.start(total, 0, { perSecond: 0 });

  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined && newTotal !== total) {
        total = newTotal;
        bar?.setTotal(total);
      }
      bar?.update(done, { perSecond: perSecond() });
    },
    finish(extra = {}) {
      bar?.update(done, { perSecond: perSecond() });
      bar?.stop();
      const seconds = (now() - startedAt) / 1000;
      const summary: ProgressSummary = {
        operation: options.operation,
        done,
        total,
        seconds: Math.round(seconds * 1000) / 1000,
        perSecond: perSecond(),
        ...extra,
      };
      if (!interactive) out.write(`${JSON.stringify(summary)}\n`);
      return summary;
    },
  };
}
