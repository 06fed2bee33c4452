import { isUniqueViolation } from '@app/event-store';
import type { Kysely } from 'kysely';
import type { CommandSideTables } from '@app/runtime';

/**
 * Names compare as a reader sees them: NFKC-normalised (full-width and compatibility forms
 * become plain letters), invisible characters removed (zero-width spaces and joiners, soft
 * hyphens, bidirectional controls), case-folded (upper- then lower-casing folds `ß` to `ss`
 * as full case folding does), normalised again, and runs of spaces folded.
 */
export function nameKeyOf(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the event store says of a reservation's holder. */
export type NameHolder = 'active' | 'ended' | 'unrecorded';

/**
 * Reserves JV names so that no two active JVs share one. The event store stays the truth:
 * a reservation whose holder has closed or dissolved, or never got recorded (a crash), is
 * stale, and `reserve` takes it over; the caller says what became of the holder.
 */
export interface NameRegistry {
  /** True when the name is now reserved for `jointVentureId`; false when an active JV holds it. */
  reserve(
    name: string,
    jointVentureId: string,
    holderOf: (holderId: string) => Promise<NameHolder>,
  ): Promise<boolean>;
  /** Drops a reservation made for a JV whose establishment was then refused. */
  release(name: string, jointVentureId: string): Promise<void>;
}

/**
 * Name reservations in the SQL database beside the read models. A holder not yet recorded is
 * in flight, not a crash's leftover, for `leaseMs` after it reserved (the idempotency claims' lease): its
 * establishment may still be on its way to the log, on this replica or another.
 */
export class SqlNameRegistry implements NameRegistry {
  constructor(
    private readonly db: Kysely<CommandSideTables>,
    private readonly leaseMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async reserve(
    name: string,
    jointVentureId: string,
    holderOf: (holderId: string) => Promise<NameHolder>,
  ): Promise<boolean> {
    const nameKey = nameKeyOf(name);
    try {
      await this.db
        .insertInto('jv_name_reservations')
        .values({
          name_key: nameKey,
          joint_venture_id: jointVentureId,
          claimed_at: this.clock().toISOString(),
        })
        .execute();
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const holder = await this.db
      .selectFrom('jv_name_reservations')
      .select(['joint_venture_id', 'claimed_at'])
      .where('name_key', '=', nameKey)
      .executeTakeFirst();
    if (!holder) return this.reserve(name, jointVentureId, holderOf);
    if (holder.joint_venture_id === jointVentureId) return true;
    const status = await holderOf(holder.joint_venture_id);
    if (status === 'active') return false;
    if (status === 'unrecorded' && this.inFlight(holder.claimed_at)) return false;
    // Compare-and-set: of two takers of a stale name, only one updates the row.
    const taken = await this.db
      .updateTable('jv_name_reservations')
      .set({ joint_venture_id: jointVentureId, claimed_at: this.clock().toISOString() })
      .where('name_key', '=', nameKey)
      .where('joint_venture_id', '=', holder.joint_venture_id)
      .executeTakeFirst();
    return taken.numUpdatedRows === 1n;
  }

  /** Reserved within the lease (rows of earlier releases carry no time: long settled). */
  private inFlight(claimedAt: string | null): boolean {
    return claimedAt !== null && this.clock().getTime() - Date.parse(claimedAt) < this.leaseMs;
  }

  async release(name: string, jointVentureId: string): Promise<void> {
    await this.db
      .deleteFrom('jv_name_reservations')
      .where('name_key', '=', nameKeyOf(name))
      .where('joint_venture_id', '=', jointVentureId)
      .execute();
  }
}
