import type { Lease, LeaseStore } from './lease-store.port';

export type LeaseSettings = Readonly<{
  store: LeaseStore;
  /** This process (see `processHolderId`). */
  holder: string;
  /** A lease not renewed for this long may be taken over by a standby (ms). */
  ttlMs: number;
}>;

/**
 * Keeps one consumer's lease: waits for it while another process holds it, then renews it every
 * third of its time to live. It is lost when a renewal finds another holder, or when renewals
 * have failed for longer than the lease lives (someone may have taken it over meanwhile).
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private keeping = false;
  private waiting: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(
    private readonly consumer: string,
    private readonly settings: LeaseSettings,
    private readonly clock: () => number,
  ) {}

  private get interval(): number {
    return Math.max(10, Math.floor(this.settings.ttlMs / 3));
  }

  /** Resolves with the lease once held; undefined when `stopped()` turns true first. */
  async acquire(stopped: () => boolean): Promise<Lease | undefined> {
    while (!stopped()) {
      try {
        const lease = await this.settings.store.acquire(
          this.consumer,
          this.settings.holder,
          this.settings.ttlMs,
        );
        if (lease) return lease;
      } catch {
        // The store is away: a standby just tries again at its next turn.
      }
      await new Promise<void>((resolve) => {
        this.waiting = { timer: setTimeout(resolve, this.interval), resolve };
      });
      this.waiting = undefined;
    }
    return undefined;
  }

  /** Renews `lease` until it is lost (then `onLost` runs once) or `stop` is called. */
  keep(lease: Lease, onLost: (lease: Lease) => void): void {
    let current = lease;
    let lastRenewed = this.clock();
    this.keeping = true;
    const lost = () => {
      if (!this.keeping) return;
      this.keeping = false;
      onLost(current);
    };
    const renew = async () => {
      try {
        const renewed = await this.settings.store.acquire(
          this.consumer,
          this.settings.holder,
          this.settings.ttlMs,
        );
        if (!renewed || renewed.epoch !== current.epoch) return lost();
        current = renewed;
        lastRenewed = this.clock();
      } catch {
        if (this.clock() - lastRenewed >= this.settings.ttlMs) return lost();
      }
      if (this.keeping) this.timer = setTimeout(() => void renew(), this.interval);
    };
    this.timer = setTimeout(() => void renew(), this.interval);
  }

  /** Stops renewing and waiting; releases `lease` when given (a graceful stop). */
  async stop(lease?: Lease): Promise<void> {
    this.keeping = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting) {
      clearTimeout(this.waiting.timer);
      this.waiting.resolve();
    }
    if (lease) await this.settings.store.release(lease).catch(() => undefined);
  }
}
