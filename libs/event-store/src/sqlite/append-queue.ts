import { isBusy } from './group-commit';

/** What the queue does with a group: commit it and answer each item, or answer them with an error. */
export type GroupHandlers<T> = Readonly<{
  /** Commits the group (synchronously) and answers its items; throws when nothing was committed. */
  commit: (items: readonly T[]) => void;
  /** Answers items whose group could not commit. */
  fail: (items: readonly T[], error: unknown) => void;
}>;

type Waiting<T> = Readonly<{ item: T; deadline: number }>;

/**
 * Groups appends by event-loop turn: the appends that arrive within one turn, or while the
 * thread was busy committing the previous group, are committed together at the next turn.
 * While another connection holds the write lock (`commit` throws SQLITE_BUSY) the group waits
 * asynchronously with a capped backoff, appends arriving meanwhile join it, and an append still
 * refused `lockWaitMs` after it arrived is failed with that SQLITE_BUSY error. Any other error
 * fails the whole group.
 */
export class AppendQueue<T> {
  private waiting: Waiting<T>[] = [];
  private scheduled = false;
  private backoffMs = 1;
  private idle: (() => void)[] = [];

  constructor(
    private readonly handlers: GroupHandlers<T>,
    private readonly lockWaitMs: number,
  ) {}

  push(item: T): void {
    this.waiting.push({ item, deadline: Date.now() + this.lockWaitMs });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Calls back once every append pushed so far has been answered. */
  whenIdle(callback: () => void): void {
    if (this.scheduled || this.waiting.length > 0) this.idle.push(callback);
    else callback();
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.waiting;
    this.waiting = [];
    if (group.length > 0) this.commit(group);
    if (this.waiting.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    } else if (!this.scheduled) {
      const idle = this.idle;
      this.idle = [];
      for (const callback of idle) callback();
    }
  }

  private commit(group: readonly Waiting<T>[]): void {
    try {
      this.handlers.commit(group.map((waiting) => waiting.item));
      this.backoffMs = 1;
    } catch (error) {
      if (!isBusy(error)) {
        this.handlers.fail(
          group.map((waiting) => waiting.item),
          error,
        );
      } else {
        const now = Date.now();
        const expired = group.filter((waiting) => now >= waiting.deadline);
        if (expired.length > 0)
          this.handlers.fail(
            expired.map((waiting) => waiting.item),
            error,
          );
        this.waiting = [...group.filter((waiting) => now < waiting.deadline), ...this.waiting];
        if (this.waiting.length === 0) return;
        this.scheduled = true;
        setTimeout(() => this.flush(), this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, 50);
      }
    }
  }
}
