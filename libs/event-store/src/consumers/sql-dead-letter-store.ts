import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../event-store.port';
import { defineTable, type RowOf, type TablesOf } from '../sql/table';
import type {
  DeadLetter,
  DeadLetterStatus,
  DeadLetterStore,
  ParkedEvent,
} from './dead-letter-store.port';

export const DEAD_LETTERS_TABLE = defineTable(
  'consumer_dead_letters',
  {
    id: 'text',
    consumer: 'text',
    /** Decimal text; ordered as bigint in code. */
    position: 'text',
    stream_id: 'text',
    /** The recorded event as JSON (position as a decimal string): what a retry hands over. */
    event: 'text',
    status: 'text',
    error: 'text',
    attempts: 'integer',
    first_failed_at: 'text',
    last_failed_at: 'text',
    skipped_by: 'text?',
    skip_reason: 'text?',
    skipped_at: 'text?',
  },
  // One letter per event and consumer: parking the same event again (a redelivery) adds nothing.
  ['consumer', 'position'],
);

export type DeadLetterTables = TablesOf<typeof DEAD_LETTERS_TABLE>;
type Row = RowOf<typeof DEAD_LETTERS_TABLE>;

const BLOCKING: readonly DeadLetterStatus[] = ['failed', 'waiting', 'retry'];

const byPosition = (a: DeadLetter, b: DeadLetter) =>
  a.event.position < b.event.position ? -1 : a.event.position > b.event.position ? 1 : 0;

function toDeadLetter(row: Row): DeadLetter {
  const stored = JSON.parse(row.event) as Omit<RecordedEvent, 'position'> & { position: string };
  return {
    id: row.id,
    consumer: row.consumer,
    event: { ...stored, position: BigInt(stored.position) },
    status: row.status as DeadLetterStatus,
    error: row.error,
    attempts: Number(row.attempts),
    firstFailedAt: row.first_failed_at,
    lastFailedAt: row.last_failed_at,
    ...(row.status === 'skipped'
      ? {
          skipped: {
            by: row.skipped_by ?? '',
            reason: row.skip_reason ?? '',
            at: row.skipped_at ?? '',
          },
        }
      : {}),
  };
}

/** Dead letters in an SQL table beside the checkpoints (SQLite, PostgreSQL). */
export class SqlDeadLetterStore<DB extends DeadLetterTables> implements DeadLetterStore<
  Kysely<DB>
> {
  constructor(
    private readonly database: Kysely<DB>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private letters(tx?: Kysely<DB>): Kysely<DeadLetterTables> {
    return (tx ?? this.database) as unknown as Kysely<DeadLetterTables>;
  }

  async park(consumer: string, parked: readonly ParkedEvent[], tx?: Kysely<DB>): Promise<void> {
    if (parked.length === 0) return;
    const now = this.clock().toISOString();
    await this.letters(tx)
      .insertInto('consumer_dead_letters')
      .values(
        parked.map(({ event, status, error, attempts }) => ({
          id: randomUUID(),
          consumer,
          position: event.position.toString(),
          stream_id: event.streamId,
          event: JSON.stringify({ ...event, position: event.position.toString() }),
          status,
          error,
          attempts,
          first_failed_at: now,
          last_failed_at: now,
          skipped_by: null,
          skip_reason: null,
          skipped_at: null,
        })),
      )
      .onConflict((oc) => oc.columns(['consumer', 'position']).doNothing())
      .execute();
  }

  async blockedStreams(consumer: string, tx?: Kysely<DB>): Promise<ReadonlySet<string>> {
    const rows = await this.letters(tx)
      .selectFrom('consumer_dead_letters')
      .select('stream_id')
      .distinct()
      .where('consumer', '=', consumer)
      .where('status', 'in', BLOCKING)
      .execute();
    return new Set(rows.map((row) => row.stream_id));
  }

  async list(consumer?: string): Promise<DeadLetter[]> {
    let query = this.letters().selectFrom('consumer_dead_letters').selectAll();
    if (consumer !== undefined) query = query.where('consumer', '=', consumer);
    return (await query.execute()).map(toDeadLetter).sort(byPosition);
  }

  /** How many letters each consumer has in each status, for metrics. */
  async counts(): Promise<{ consumer: string; status: DeadLetterStatus; count: number }[]> {
    const rows = await this.letters()
      .selectFrom('consumer_dead_letters')
      .select((eb) => ['consumer', 'status', eb.fn.countAll<number>().as('n')])
      .groupBy(['consumer', 'status'])
      .execute();
    return rows.map((row) => ({
      consumer: row.consumer,
      status: row.status as DeadLetterStatus,
      count: Number(row.n),
    }));
  }

  async requestRetry(selection: Readonly<{ id: string } | { all: true }>): Promise<number> {
    let update = this.letters()
      .updateTable('consumer_dead_letters')
      .set({ status: 'retry' })
      .where('status', '=', 'failed');
    if ('id' in selection) update = update.where('id', '=', selection.id);
    const { numUpdatedRows } = await update.executeTakeFirst();
    return Number(numUpdatedRows);
  }

  async skip(id: string, by: string, reason: string): Promise<boolean> {
    const { numUpdatedRows } = await this.letters()
      .updateTable('consumer_dead_letters')
      .set({
        status: 'skipped',
        skipped_by: by,
        skip_reason: reason,
        skipped_at: this.clock().toISOString(),
      })
      .where('id', '=', id)
      .where('status', 'in', ['failed', 'retry'])
      .executeTakeFirst();
    return numUpdatedRows === 1n;
  }

  async due(consumer: string): Promise<DeadLetter[]> {
    const blocking = (await this.list(consumer)).filter((letter) => letter.status !== 'skipped');
    const due: DeadLetter[] = [];
    const stopped = new Set<string>();
    for (const letter of blocking) {
      const stream = letter.event.streamId;
      if (stopped.has(stream)) continue;
      if (letter.status === 'failed') stopped.add(stream);
      else due.push(letter);
    }
    return due;
  }

  async resolve(id: string, tx?: Kysely<DB>): Promise<void> {
    await this.letters(tx).deleteFrom('consumer_dead_letters').where('id', '=', id).execute();
  }

  async failedAgain(id: string, error: string, tx?: Kysely<DB>): Promise<void> {
    await this.letters(tx)
      .updateTable('consumer_dead_letters')
      .set((eb) => ({
        status: 'failed',
        error,
        attempts: eb(eb.ref('attempts'), '+', 1),
        last_failed_at: this.clock().toISOString(),
      }))
      .where('id', '=', id)
      .execute();
  }
}
