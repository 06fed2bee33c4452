/**
 * Reads the joint-venture read models for the API. Dialect-neutral Kysely only, so the same
 * queries run over SQLite and PostgreSQL.
 */
import type { ExistingJointVenture, Purpose, Stage, WorkOrderStatus } from '@app/domain';
import { sql, type Kysely } from 'kysely';
import { TOTAL_COLUMNS } from '../joint-venture-details/details.tables';
import type { SummaryRow } from '../joint-venture-summaries/summaries.tables';
import type { ReadModelDb } from '../read-model-db';
import { decodeCursor, keysetPage } from './cursor';
import type {
  JointVentureDetail,
  JointVentureListItem,
  JointVenturePage,
  PartnerStates,
  StagePeriod,
  UnitTotals,
  WorkOrderView,
} from './views';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type ListJointVenturesQuery = Readonly<{
  stage?: Stage;
  /** ISO 3166-1 alpha-2; JVs with at least one current partner from it. */
  memberState?: string;
  /** Case-insensitive substring of the name. */
  q?: string;
  /** Page size, default DEFAULT_PAGE_SIZE, capped at MAX_PAGE_SIZE. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Need-to-know: only JVs with a current partner from this member state (the caller's own),
   * filtered in the query so that pages, counts and cursors never show the others.
   */
  visibleTo?: string;
}>;

type Total = keyof UnitTotals;
const TOTALS = Object.keys(TOTAL_COLUMNS) as Total[];
const NO_TOTALS = Object.fromEntries(TOTALS.map((t) => [t, 0])) as UnitTotals;

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
    if (query.stage !== undefined) select = select.where('s.stage', '=', query.stage);
    for (const state of new Set([memberState, query.visibleTo])) {
      if (state === undefined) continue;
      select = select.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('jv_summary_partners as p')
            .select('p.jv_id')
            .whereRef('p.jv_id', '=', 's.id')
            .where('p.member_state', '=', state),
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
          eb('s.established_at', '<', after.at),
          eb.and([eb('s.established_at', '=', after.at), eb('s.id', '<', after.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('s.established_at', 'desc')
      .orderBy('s.id', 'desc')
      .limit(limit + 1)
      .execute();

    const { page, nextCursor } = keysetPage(rows, limit, (row) => ({
      at: row.established_at,
      id: row.id,
    }));
    return { items: await this.withChildren(page), nextCursor };
  }

  /**
   * The member states access to a JV is decided on (current partners', and those that withdrew),
   * or undefined when the read model does not know the JV.
   */
  async partnerStatesOf(id: string): Promise<PartnerStates | undefined> {
    const [summary, current, former] = await Promise.all([
      this.db.selectFrom('jv_summaries').select('id').where('id', '=', id).executeTakeFirst(),
      this.db
        .selectFrom('jv_summary_partners')
        .select('member_state')
        .distinct()
        .where('jv_id', '=', id)
        .execute(),
      this.db
        .selectFrom('jv_summary_former_states')
        .select(['member_state', 'until_version'])
        .where('jv_id', '=', id)
        .execute(),
    ]);
    if (summary === undefined) return undefined;
    return {
      current: current.map((row) => row.member_state).sort(),
      former: former.map((row) => ({
        memberState: row.member_state,
        untilVersion: Number(row.until_version),
      })),
    };
  }

  /**
   * The detail view of one JV, or undefined when the read model does not know it (yet). With
   * `asOf` (`YYYY-MM-DD`) its unit totals are those of the facts effective by then.
   */
  async get(
    id: string,
    options: Readonly<{ asOf?: string }> = {},
  ): Promise<JointVentureDetail | undefined> {
    const row = await this.db
      .selectFrom('jv_details')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const state = JSON.parse(row.state) as ExistingJointVenture;
    const asOf = options.asOf === undefined ? undefined : await this.totals([id], options.asOf);
    return {
      id: row.id,
      name: state.name,
      stage: state.stage,
      purposes: [...state.purposes],
      decision: { ...state.decision },
      memberStates: [...new Set(state.partners.map((p) => p.memberState))].sort(),
      partners: state.partners.map((p) => ({ ...p })),
      productLines: state.productLines.map((line) => {
        const units = state.units[line.productCode];
        const { productCode, name } = line;
        const head = { productCode, name, standard: line.standard ?? null };
        if (asOf !== undefined)
          return { ...head, ...(asOf.get(`${id}\n${productCode}`) ?? NO_TOTALS) };
        const totals = Object.fromEntries(TOTALS.map((t) => [t, units?.[t] ?? 0])) as UnitTotals;
        return { ...head, ...totals, versions: units?.versions ?? [] };
      }),
      openWorkOrders: state.workOrders.filter((o) => o.status === 'open').length,
      ipResults: state.ipResults.map((ip) => ({ ...ip, rightsHolders: [...ip.rightsHolders] })),
      milestones: state.milestones.map(({ name, reachedOn, version }) => ({
        name,
        reachedOn,
        version,
      })),
      establishedAt: row.established_at,
      updatedAt: row.updated_at,
      version: row.version,
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    };
  }

  /** A JV's work orders in the order they were opened, optionally of one status; undefined when the JV is unknown. */
  async workOrders(
    id: string,
    options: Readonly<{ status?: WorkOrderStatus }> = {},
  ): Promise<WorkOrderView[] | undefined> {
    const row = await this.db
      .selectFrom('jv_details')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const { workOrders } = JSON.parse(row.state) as ExistingJointVenture;
    return workOrders.filter((o) => options.status === undefined || o.status === options.status);
  }

  /** The stages a JV went through, oldest first; undefined when the JV is unknown. */
  async timeline(id: string): Promise<StagePeriod[] | undefined> {
    const rows = await this.db
      .selectFrom('jv_timeline_periods')
      .selectAll()
      .where('jv_id', '=', id)
      .orderBy('entered_at_version')
      .execute();
    if (rows.length === 0) return undefined;
    return rows.map((row) => ({
      stage: row.stage as Stage,
      enteredOn: row.entered_on,
      enteredAt: row.entered_at,
      leftAt: row.left_at,
      durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
      enteredAtVersion: Number(row.entered_at_version),
    }));
  }

  /** Unit totals per JV and product code (`${jvId}\n${productCode}`), of the facts effective by `asOf`. */
  private async totals(ids: readonly string[], asOf?: string): Promise<Map<string, UnitTotals>> {
    let select = this.db
      .selectFrom('jv_unit_changes')
      .select(['jv_id', 'product_code'])
      .select((eb) => TOTALS.map((t) => eb.fn.sum<number | string>(TOTAL_COLUMNS[t]).as(t)))
      .where('jv_id', 'in', ids);
    if (asOf !== undefined) select = select.where('effective_on', '<=', asOf);
    const rows = await select.groupBy(['jv_id', 'product_code']).execute();
    return new Map(
      rows.map((row) => [
        `${row.jv_id}\n${row.product_code}`,
        Object.fromEntries(TOTALS.map((t) => [t, Number(row[t] ?? 0)])) as UnitTotals,
      ]),
    );
  }

  /** Adds member states and product totals to a page with one query each. */
  private async withChildren(rows: readonly SummaryRow[]): Promise<JointVentureListItem[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [partners, products, totals] = await Promise.all([
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
      this.totals(ids),
    ]);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      stage: row.stage as Stage,
      purposes: JSON.parse(row.purposes) as Purpose[],
      decision: { reference: row.decision_reference, date: row.decision_date },
      memberStates: partners.filter((p) => p.jv_id === row.id).map((p) => p.member_state),
      establishedAt: row.established_at,
      updatedAt: row.updated_at,
      version: Number(row.version),
      totals: products
        .filter((p) => p.jv_id === row.id)
        .map((p) => ({
          productCode: p.product_code,
          name: p.name,
          ...(totals.get(`${row.id}\n${p.product_code}`) ?? NO_TOTALS),
        })),
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
