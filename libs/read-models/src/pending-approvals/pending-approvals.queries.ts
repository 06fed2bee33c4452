import type { Kysely } from 'kysely';
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
   * first, at most `limit` (capped at MAX_PENDING_APPROVALS).
   */
  async awaiting(memberState: string, now: string, limit: number): Promise<PendingApproval[]> {
    const rows = await this.db
      .selectFrom('jv_pending_approvals')
      .selectAll()
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      // States are two capitals: the quoted code matches one element of the JSON array exactly.
      .where('awaiting', 'like', `%"${memberState.replace(/[^A-Z0-9]/g, '')}"%`)
      .orderBy('proposed_at')
      .orderBy('proposal_id')
      .limit(Math.min(limit, MAX_PENDING_APPROVALS))
      .execute();
    return rows.map((row) => ({
      proposalId: row.proposal_id,
      jointVentureId: row.jv_id,
      command: row.command_type,
      proposedBy: row.proposed_by,
      required: JSON.parse(row.required) as string[],
      awaiting: JSON.parse(row.awaiting) as string[],
      expiresAt: row.expires_at,
      proposedAt: row.proposed_at,
    }));
  }
}
