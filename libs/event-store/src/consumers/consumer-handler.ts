import type { RecordedEvent } from '../event-store.port';

/**
 * What a consumer does with each batch, and how its checkpoint becomes durable:
 * - `transactional`: the handler's writes and the checkpoint commit in one transaction of the
 *   checkpoint store's database (a read model). Events at or before the stored checkpoint are
 *   dropped inside that transaction, so a replay, or a rebuild done elsewhere, changes nothing.
 * - `at-least-once`: the handler finishes its work elsewhere (a broker acknowledged it); the
 *   checkpoint follows, written at most every `checkpointIntervalMs` off the handling path, so a
 *   crash repeats at most that window (0: after every batch, before the next one).
 * `isTransient` tells an outage (retried for as long as it lasts) from a refusal of the event
 * itself, which is parked as a dead letter after a bounded number of attempts.
 */
export type ConsumerHandler<Tx> = (
  | Readonly<{
      kind: 'transactional';
      handle(events: readonly RecordedEvent[], tx: Tx): Promise<void>;
    }>
  | Readonly<{
      kind: 'at-least-once';
      handle(events: readonly RecordedEvent[]): Promise<void>;
      checkpointIntervalMs: number;
    }>
) &
  Readonly<{ isTransient?: (error: unknown) => boolean }>;
