import type { GlobalPosition } from '../event-store.port';

/**
 * Where each consumer keeps its checkpoint: the global position of the last event it finished.
 * `Tx` is the store's transaction: a consumer whose writes live in the same database (a read
 * model) runs its handler and the checkpoint write in one `transaction`, passing `tx` to both, so
 * the two can never disagree.
 */
/** The lease epoch a write is made under (see `LeaseStore`). */
export type Fence = Readonly<{ epoch: number }>;

export interface CheckpointStore<Tx = unknown> {
  /** The stored checkpoint, or undefined when the consumer has finished nothing yet. */
  load(consumer: string, tx?: Tx): Promise<GlobalPosition | undefined>;
  /**
   * Stores the checkpoint (inside `tx` when given). With a `fence`, throws `FencedOffError` and
   * writes nothing when the consumer's lease has moved on to another epoch; inside `tx`, that
   * refusal rolls back everything the handler wrote with it.
   */
  store(consumer: string, position: GlobalPosition, tx?: Tx, fence?: Fence): Promise<void>;
  /** Forgets the checkpoint: the consumer starts again from the beginning of the log. */
  reset(consumer: string, tx?: Tx): Promise<void>;
  /** Runs `work` in one transaction of the store's database and commits it if `work` resolves. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}
