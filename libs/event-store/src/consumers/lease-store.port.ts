/** Who may run a consumer right now: one active process per consumer, the others stand by. */
export type Lease = Readonly<{
  consumer: string;
  /** The process holding it (host, pid and a random part). */
  holder: string;
  /** Grows by one at every change of holder: the fencing token every checkpoint write carries. */
  epoch: number;
  /** Milliseconds since the epoch; a lease not renewed by then may be taken over. */
  expiresAt: number;
}>;

/**
 * Leases of consumers, kept where their checkpoints are. A checkpoint write fenced with an epoch
 * (`CheckpointStore.store(..., { epoch })`) is refused once the epoch moved on, so a paused old
 * holder that wakes up cannot write behind the new one.
 */
export interface LeaseStore {
  /**
   * Takes the lease of `consumer` for `holder` when it is free, expired or held by a process that
   * is known to be dead, or renews it when `holder` has it; undefined while another holder has a
   * live one.
   */
  acquire(consumer: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Gives the lease up (a graceful stop), so a standby need not wait for it to expire. */
  release(lease: Lease): Promise<void>;
  /** Every consumer's lease, for metrics and operators. */
  all(): Promise<Lease[]>;
}
