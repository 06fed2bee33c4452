import type { EventReader, GlobalPosition } from '@app/event-store';

export type Lag = Readonly<{ events: number; seconds: number }>;

/**
 * The head of the log and what lies between it and each consumer's checkpoint. Positions are not
 * event counts on every store (KurrentDB's are byte offsets), so it keeps the position and commit
 * time of every event after the lowest checkpoint, reading only what was appended since its last
 * refresh: lag in events is a count, lag in seconds the age of the oldest event not yet handled.
 */
export class LogBacklog {
  private entries: { position: GlobalPosition; committedAt: number }[] = [];
  /** Everything after this position up to the head is in `entries` (undefined: the start). */
  private from: GlobalPosition | undefined;
  private read = false;
  private head: GlobalPosition | undefined;

  constructor(
    private readonly events: Pick<EventReader, 'readAll'>,
    private readonly options: Readonly<{
      streamPrefix?: string;
      pageSize?: number;
      clock?: () => number;
    }> = {},
  ) {}

  /** Position of the last event of the log (of `streamPrefix`), as last refreshed. */
  get headPosition(): GlobalPosition | undefined {
    return this.head;
  }

  /** Reads what was appended since the last refresh; forgets what lies at or before `floor`. */
  async refresh(floor: GlobalPosition | undefined): Promise<void> {
    // A checkpoint that moved back (a reset, a rebuild) needs events this already forgot.
    const movedBack = this.from !== undefined && (floor === undefined || floor < this.from);
    if (!this.read || movedBack) {
      this.entries = [];
      this.from = floor;
      this.head = floor;
      this.read = true;
    }
    const pageSize = this.options.pageSize ?? 1_000;
    for (;;) {
      const page = await this.events.readAll({
        after: this.head,
        maxCount: pageSize,
        streamPrefix: this.options.streamPrefix,
      });
      for (const event of page)
        this.entries.push({ position: event.position, committedAt: Date.parse(event.committedAt) });
      if (page.length > 0) this.head = page[page.length - 1].position;
      if (page.length < pageSize) break;
    }
    if (floor !== undefined && (this.from === undefined || floor > this.from)) {
      this.entries = this.entries.slice(this.firstAfter(floor));
      this.from = floor;
    }
  }

  /** Events after `checkpoint` up to the head, and the age of the first of them (0 when none). */
  lag(checkpoint: GlobalPosition | undefined): Lag {
    const first = checkpoint === undefined ? 0 : this.firstAfter(checkpoint);
    const events = this.entries.length - first;
    if (events === 0) return { events: 0, seconds: 0 };
    const now = (this.options.clock ?? Date.now)();
    return { events, seconds: Math.max(0, (now - this.entries[first].committedAt) / 1000) };
  }

  /** Index of the first entry after `position` (binary search: entries are in log order). */
  private firstAfter(position: GlobalPosition): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle].position <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
