/**
 * Reads the joint-venture read models for the API. Dialect-neutral Kysely only, so the same
 * queries run over SQLite and PostgreSQL.
 */
import type { ExistingJointVenture, Phase, Purpose } from '@app/domain';
import { sql, type Kysely } from 'kysely';
import type { SummaryProductRow, SummaryRow } from '../joint-venture-summaries/summaries.tables';
import type { ReadModelDb } from '../read-model-db';
import { decodeCursor, encodeCursor } from './cursor';
import type {
  JointVentureDetail,
  JointVentureListItem,
  JointVenturePage,
  PhasePeriod,
  ProductTotals,
} from './views';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type ListJointVenturesQuery = Readonly<{
  phase?: Phase;
  /** ISO 3166-1 alpha-2; JVs with at least one current partner from it. */
  memberState?: string;
  /** Case-insensitive substring of the name. */
  q?: string;
  /** Page size, default DEFAULT_PAGE_SIZE, capped at MAX_PAGE_SIZE. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}>;

export class JointVentureQueries {
  constructor(private readonly db: Kysely<ReadModelDb>) {}

  /**
   * JVs newest first (establishedAt, then id, descending), one keyset page at a time.
   * Throws InvalidCursorError for a cursor this API did not issue, RangeError for a bad limit.
   */
  async list(query: ListJointVenturesQuery = {}): Promise<JointVenturePage> {
    const limit = pageSize(query.limit);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const search = query.q?.trim().toLowerCase();
    const memberState = query.memberState?.toUpperCase();

    let select = this.db.selectFrom('jv_summaries as s').selectAll('s');
    if (query.phase !== undefined) select = select.where('s.phase', '=', query.phase);
    if (memberState !== undefined) {
      select = select.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('jv_summary_partners as p')
            .select('p.jv_id')
            .whereRef('p.jv_id', '=', 's.id')
            .where('p.member_state', '=', memberState),
        ),
      );
    }
    if (search) {
      // Both sides lower-cased (the stored side in code); LIKE wildcards in the input are literal.
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      select = select.where(sql<boolean>`${sql.ref('s.search_name')} like ${pattern} escape '\\'`);
    }
    if (after !== undefined) {
      select = select.where((eb) =>
        eb.or([
          eb('s.established_at', '<', after.establishedAt),
          eb.and([eb('s.established_at', '=', after.establishedAt), eb('s.id', '<', after.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('s.established_at', 'desc')
      .orderBy('s.id', 'desc')
      .limit(limit + 1)
      .execute();

    const page = rows.slice(0, limit);
    const items = await this.withChildren(page);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last !== undefined
        ? encodeCursor({ establishedAt: last.established_at, id: last.id })
        : null;
    return { items, nextCursor };
  }

  /** The detail view of one JV, or undefined when the read model does not know it (yet). */
  async get(id: string): Promise<JointVentureDetail | undefined> {
    const row = await this.db
      .selectFrom('jv_details')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const state = JSON.parse(row.state) as ExistingJointVenture;
    return {
      id: row.id,
      name: state.name,
      phase: state.phase,
      purposes: [...state.purposes],
      decision: { ...state.decision },
      memberStates: [...new Set(state.partners.map((p) => p.memberState))].sort(),
      partners: state.partners.map((p) => ({ ...p })),
      productLines: state.productLines.map((line) => {
        const units = state.units[line.productCode];
        return {
          productCode: line.productCode,
          name: line.name,
          standard: line.standard ?? null,
          produced: units?.produced ?? 0,
          modernized: units?.modernized ?? 0,
          repaired: units?.repaired ?? 0,
          disposed: units?.disposed ?? 0,
          inService: units?.inService ?? 0,
        };
      }),
      ipResults: state.ipResults.map((ip) => ({ ...ip, rightsHolders: [...ip.rightsHolders] })),
      milestones: state.milestones.map((m) => ({ ...m })),
      establishedAt: row.established_at,
      updatedAt: row.updated_at,
      version: row.version,
    };
  }

  /** The phases a JV went through, oldest first; undefined when the JV is unknown. */
  async timeline(id: string): Promise<PhasePeriod[] | undefined> {
    const rows = await this.db
      .selectFrom('jv_timeline_periods')
      .selectAll()
      .where('jv_id', '=', id)
      .orderBy('entered_at_version')
      .execute();
    if (rows.length === 0) return undefined;
    return rows.map((row) => ({
      phase: row.phase as Phase,
      enteredAt: row.entered_at,
      leftAt: row.left_at,
      durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
      enteredAtVersion: Number(row.entered_at_version),
    }));
  }

  /** Adds member states and product totals to a page with one query each. */
  private async withChildren(rows: readonly SummaryRow[]): Promise<JointVentureListItem[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [partners, products] = await Promise.all([
      this.db
        .selectFrom('jv_summary_partners')
        .select(['jv_id', 'member_state'])
        .distinct()
        .where('jv_id', 'in', ids)
        .orderBy('member_state')
        .execute(),
      this.db
        .selectFrom('jv_summary_products')
        .selectAll()
        .where('jv_id', 'in', ids)
        .orderBy('product_code')
        .execute(),
    ]);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      phase: row.phase as Phase,
      purposes: JSON.parse(row.purposes) as Purpose[],
      decision: { reference: row.decision_reference, date: row.decision_date },
      memberStates: partners.filter((p) => p.jv_id === row.id).map((p) => p.member_state),
      establishedAt: row.established_at,
      updatedAt: row.updated_at,
      version: Number(row.version),
      totals: products.filter((p) => p.jv_id === row.id).map(toTotals),
    }));
  }
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

function toTotals(row: SummaryProductRow): ProductTotals {
  return {
    productCode: row.product_code,
    name: row.name,
    produced: Number(row.produced),
    modernized: Number(row.modernized),
    repaired: Number(row.repaired),
    disposed: Number(row.disposed),
    inService: Number(row.in_service),
  };
}
