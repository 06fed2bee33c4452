/**
 * The database every read model lives in, as Kysely sees it: the intersection of the tables each
 * read model declares beside its projection, and the consumers' checkpoints (so a projection's
 * writes and its checkpoint share a transaction), and the shapes the tables were built with. Nothing here is imported back by the tables.
 */
import type { ConsumerTables } from '@app/event-store';
import type { DetailsTables } from './joint-venture-details/details.tables';
import type { PendingApprovalsTables } from './pending-approvals/pending-approvals.tables';
import type { SummaryTables } from './joint-venture-summaries/summaries.tables';
import type { TimelineTables } from './joint-venture-timeline/timeline.tables';
import type { ShapeTables } from './read-model-shapes';

export type ReadModelDb = SummaryTables &
  DetailsTables &
  TimelineTables &
  PendingApprovalsTables &
  ConsumerTables &
  ShapeTables;
