import { isUniqueViolation, type CommandSideDb } from './command-side.db';

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

/**
 * Reserves JV names so that no two active JVs share one. The event store stays the truth:
 * a reservation whose holder never got recorded (a crash) or has since closed or dissolved
 * is stale, and `reserve` takes it over; the caller says which holders are still active.
 */
export class NameRegistry {
  constructor(private readonly db: CommandSideDb) {}

  /** True when the name is now reserved for `jointVentureId`; false when an active JV holds it. */
  async reserve(
    name: string,
    jointVentureId: string,
    now: string,
    holderIsActive: (holderId: string) => Promise<boolean>,
  ): Promise<boolean> {
    const nameKey = nameKeyOf(name);
    try {
      await this.db
        .insertInto('jv_name_reservations')
        .values({ name_key: nameKey, joint_venture_id: jointVentureId, reserved_at: now })
        .execute();
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const holder = await this.db
      .selectFrom('jv_name_reservations')
      .select('joint_venture_id')
      .where('name_key', '=', nameKey)
      .executeTakeFirst();
    if (!holder) return this.reserve(name, jointVentureId, now, holderIsActive);
    if (holder.joint_venture_id === jointVentureId) return true;
    if (await holderIsActive(holder.joint_venture_id)) return false;
    // Compare-and-set: of two takers of a stale name, only one updates the row.
    const taken = await this.db
      .updateTable('jv_name_reservations')
      .set({ joint_venture_id: jointVentureId, reserved_at: now })
      .where('name_key', '=', nameKey)
      .where('joint_venture_id', '=', holder.joint_venture_id)
      .executeTakeFirst();
    return taken.numUpdatedRows === 1n;
  }

  /** Drops a reservation made for a JV whose establishment was then refused. */
  async release(name: string, jointVentureId: string): Promise<void> {
    await this.db
      .deleteFrom('jv_name_reservations')
      .where('name_key', '=', nameKeyOf(name))
      .where('joint_venture_id', '=', jointVentureId)
      .execute();
  }
}
