import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import {
  isTransientSqlError,
  LogConsumer,
  type CheckpointStore,
  type EventReader,
  type LogConsumerOptions,
  type RecordedEvent,
} from '@app/event-store';
import { KyselyLogStore, TransparencyLog, type LogEntry, type LogTables } from '@app/transparency';
import type { Kysely } from 'kysely';

/** The consumer's name: its subscription, checkpoint and lease key. */
export const TRANSPARENCY_LOG_CONSUMER = 'TransparencyLog';

export type TransparencyLogConsumerOptions<DB> = Readonly<{
  events: Pick<EventReader, 'subscribeToAll'>;
  /** The checkpoint store over the database that holds the log's tables. */
  checkpoints: CheckpointStore<Kysely<DB>>;
  maxBatchSize?: number;
  lease?: LogConsumerOptions<Kysely<DB>>['lease'];
  onError?: (error: unknown, attempt: number) => void;
}>;

/** A JV event's leaf: its 32-byte hash; an event without a SHA-256 hash is refused, not skipped. */
export function logEntryOf(event: RecordedEvent): LogEntry {
  const hash = event.metadata.hash;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
    throw new TypeError(
      `event ${event.id} (${event.streamId}@${event.revision}) has no SHA-256 metadata.hash`,
    );
  return {
    eventId: event.id,
    streamId: event.streamId,
    revision: event.revision,
    eventHash: Buffer.from(hash, 'hex'),
  };
}

/**
 * Keeps the transparency log (issue 9): every joint-venture event, in global-log order, becomes
 * the next leaf, and the leaves commit in one transaction with the consumer's checkpoint (the
 * log's cursor too), so a replay or a crash never adds a leaf twice or skips one. Other streams
 * (the checkpoints' own) are never leaves. No dead letters: a leaf cannot be skipped and added
 * later without changing every leaf index after it, so a refused event stops the log (degraded).
 */
export function transparencyLogConsumer<DB>(
  options: TransparencyLogConsumerOptions<DB>,
): LogConsumer<Kysely<DB>> {
  return new LogConsumer({
    name: TRANSPARENCY_LOG_CONSUMER,
    events: options.events,
    checkpoints: options.checkpoints,
    streamPrefix: JOINT_VENTURE_STREAM_PREFIX,
    maxBatchSize: options.maxBatchSize,
    onError: options.onError,
    lease: options.lease,
    handler: {
      kind: 'transactional',
      isTransient: isTransientSqlError,
      handle: async (events, trx) => {
        const log = new TransparencyLog(new KyselyLogStore(trx as unknown as Kysely<LogTables>));
        await log.append(events.map(logEntryOf), String(events[events.length - 1].position));
      },
    },
  });
}
