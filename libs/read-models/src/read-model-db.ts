/**
 * The tables of every read model, as Kysely sees them. Each projection owns its tables and
 * declares their rows beside its code; this file only gathers them into one database type.
 * Values are portable across SQLite and PostgreSQL: instants and JSON are text, global
 * positions are decimal strings (compared as bigint in code), counts are integers.
 */
import type { CheckpointRow } from './checkpoints';
import type { JointVentureDetailsRow } from './joint-venture-details/details.tables';
import type {
  SummaryPartnerRow,
  SummaryProductRow,
  SummaryRow,
} from './joint-venture-summaries/summaries.tables';
import type { TimelinePeriodRow } from './joint-venture-timeline/timeline.tables';

export interface ReadModelDb {
  projection_checkpoints: CheckpointRow;
  jv_summaries: SummaryRow;
  jv_summary_partners: SummaryPartnerRow;
  jv_summary_products: SummaryProductRow;
  jv_details: JointVentureDetailsRow;
  jv_timeline_periods: TimelinePeriodRow;
}

export type ReadModelTable = keyof ReadModelDb & string;
