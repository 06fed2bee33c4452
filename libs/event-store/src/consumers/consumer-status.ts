/** What health checks, metrics and operators see of a consumer. */
export type ConsumerStatus = Readonly<{
  name: string;
  /** Subscribed and handling; false while stopped or standing by for the lease. */
  running: boolean;
  /** `standby` while another process holds the lease. */
  role: 'active' | 'standby' | 'stopped';
  /** Global position of the last event finished, as a decimal string; null before the first. */
  checkpoint: string | null;
  /** True once it has finished everything that existed when it started. */
  caughtUp: boolean;
  /** Events handled since this process started it. */
  handled: number;
  /** Dead letters blocking some of its streams. */
  parked: number;
  /** The last batch failed, the one in flight is stalled, or events are parked. */
  degraded: boolean;
  /** Why it is degraded; null when it is not. */
  lastError: string | null;
  lease: Readonly<{ holder: string; epoch: number }> | null;
}>;
