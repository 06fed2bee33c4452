import type { Kysely, Selectable } from 'kysely';
import { decodeCursor, keysetPage } from '../queries/cursor';
import type { ReadModelDb } from '../read-model-db';

/** A proposal that waits for a state's approval, as the list of pending approvals shows it. */
export type PendingApproval = Readonly<{
  proposalId: string;
  jointVentureId: string;
  command: string;
  proposedBy: string;
  required: string[];
  awaiting: string[];
  expiresAt: string;
  proposedAt: string;
}>;

export const MAX_PENDING_APPROVALS = 100;

/** Reads JointVenturePendingApprovals (dialect-neutral, SQLite and PostgreSQL alike). */
export class PendingApprovalsQueries {
  constructor(private readonly db: Kysely<ReadModelDb>) {}

  /**
   * Pending proposals awaiting `memberState`'s approval that have not expired by `now`, oldest
   * first, at most `limit` (capped at MAX_PENDING_APPROVALS), after `cursor` (the `nextCursor` of
   * the page before; throws InvalidCursorError for one this API did not issue).
   */
  async awaiting(
    memberState: string,
    now: string,
    limit: number,
    cursor?: string,
  ): Promise<Readonly<{ items: PendingApproval[]; nextCursor: string | null }>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const pageSize = Math.min(limit, MAX_PENDING_APPROVALS);
    let select = this.db
      .selectFrom('jv_pending_approvals')
      .selectAll()
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      // States are two capitals: the quoted code matches one element of the JSON array exactly.
      .where('awaiting', 'like', `%"${memberState.replace(/[^A-Z0-9]/g, '')}"%`);
    if (after !== undefined)
      select = select.where((eb) =>
        eb.or([
          eb('proposed_at', '>', after.at),
          eb.and([eb('proposed_at', '=', after.at), eb('proposal_id', '>', after.id)]),
        ]),
      );
    const rows = await select
      .orderBy('proposed_at')
      .orderBy('proposal_id')
      .limit(pageSize + 1)
      .execute();
    const { page, nextCursor } = keysetPage(rows, pageSize, (row) => ({
      at: row.proposed_at,
      id: row.proposal_id,
    }));
    return { items: page.map(pendingApprovalOf), nextCursor };
  }
}

type PendingApprovalRow = Selectable<ReadModelDb['jv_pending_approvals']>;

const pendingApprovalOf = (row: PendingApprovalRow): PendingApproval => ({
  proposalId: row.proposal_id,
  jointVentureId: row.jv_id,
  command: row.command_type,
  proposedBy: row.proposed_by,
  required: JSON.parse(row.required) as string[],
  awaiting: JSON.parse(row.awaiting) as string[],
  expiresAt: row.expires_at,
  proposedAt: row.proposed_at,
});
