import { createTable, defineTable, type TablesOf } from '@app/event-store';
import type { Kysely } from 'kysely';
import { findingKey, type IntegrityCheck, type IntegrityFinding } from './integrity-finding';

/**
 * What the integrity monitor found, kept where every process of the deployment reads it (API
 * replicas refuse commands on an affected JV from it). A finding stays until a full run no
 * longer finds it (the ledger was restored from a backup).
 */
export const INTEGRITY_FINDINGS = defineTable(
  'integrity_findings',
  {
    finding_key: 'text',
    check_name: 'text',
    stream_id: 'text',
    joint_venture_id: 'text?',
    event_id: 'text?',
    revision: 'integer?',
    leaf_index: 'integer?',
    tree_size: 'integer?',
    message: 'text',
    /** The walk's order within the run that first found it: the alarm names the first. */
    seq: 'integer',
    first_seen: 'text',
    last_seen: 'text',
  },
  ['finding_key'],
);

export type IntegrityTables = TablesOf<typeof INTEGRITY_FINDINGS>;

/** Migration 0005: the findings table and its index by JV (commands look a JV up in it). */
export async function migrateIntegrityFindings(db: Kysely<IntegrityTables>): Promise<void> {
  await createTable(db.schema, INTEGRITY_FINDINGS);
  await db.schema
    .createIndex('integrity_findings_jv')
    .ifNotExists()
    .on('integrity_findings')
    .column('joint_venture_id')
    .execute();
}

export type StoredFinding = IntegrityFinding & Readonly<{ firstSeen: string; lastSeen: string }>;

const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export class SqlFindingsStore {
  constructor(private readonly db: Kysely<IntegrityTables>) {}

  /** Records what a run found at `seenAt`: new findings are added, known ones seen again. */
  async record(findings: readonly IntegrityFinding[], seenAt: string): Promise<void> {
    if (findings.length === 0) return;
    const rows = findings.map((finding, seq) => ({
      finding_key: findingKey(finding),
      check_name: finding.check,
      stream_id: finding.streamId,
      joint_venture_id: finding.jointVentureId ?? null,
      event_id: finding.eventId ?? null,
      revision: finding.revision ?? null,
      leaf_index: finding.leafIndex ?? null,
      tree_size: finding.treeSize ?? null,
      message: finding.message,
      seq,
      first_seen: seenAt,
      last_seen: seenAt,
    }));
    await this.db
      .insertInto('integrity_findings')
      .values(rows)
      .onConflict((conflict) =>
        conflict
          .column('finding_key')
          .doUpdateSet({ last_seen: (eb) => eb.ref('excluded.last_seen') }),
      )
      .execute();
  }

  /** After a full run started at `runStartedAt`: what it did not find again no longer holds. */
  async forgetNotSeenSince(runStartedAt: string): Promise<void> {
    await this.db.deleteFrom('integrity_findings').where('last_seen', '<', runStartedAt).execute();
  }

  /** The findings in the order they were found, at most `limit`. */
  async list(limit: number): Promise<StoredFinding[]> {
    const rows = await this.db
      .selectFrom('integrity_findings')
      .selectAll()
      .orderBy('first_seen')
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      check: row.check_name as IntegrityCheck,
      streamId: row.stream_id,
      jointVentureId: optional(row.joint_venture_id),
      eventId: optional(row.event_id),
      revision: optional(row.revision),
      leafIndex: optional(row.leaf_index === null ? null : Number(row.leaf_index)),
      treeSize: optional(row.tree_size === null ? null : Number(row.tree_size)),
      message: row.message,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
    }));
  }

  /** How many findings each check has. */
  async countsByCheck(): Promise<Partial<Record<IntegrityCheck, number>>> {
    const rows = await this.db
      .selectFrom('integrity_findings')
      .select((eb) => ['check_name', eb.fn.countAll().as('count')])
      .groupBy('check_name')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.check_name, Number(row.count)]));
  }

  /** Every JV with a finding. */
  async affectedJointVentures(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('integrity_findings')
      .select('joint_venture_id')
      .distinct()
      .where('joint_venture_id', 'is not', null)
      .execute();
    return rows.map((row) => row.joint_venture_id!);
  }
}
