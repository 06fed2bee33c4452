/** What the query layer returns: plain, JSON-ready objects (instants as ISO-8601 strings). */
import type { IpResult, Partner, Phase, Purpose } from '@app/domain';

export type ProductTotals = Readonly<{
  productCode: string;
  name: string;
  produced: number;
  modernized: number;
  repaired: number;
  disposed: number;
  /** produced − disposed */
  inService: number;
}>;

export type JointVentureListItem = Readonly<{
  id: string;
  name: string;
  phase: Phase;
  purposes: Purpose[];
  decision: Readonly<{ reference: string; date: string }>;
  /** Distinct member states of the current partners, sorted. */
  memberStates: string[];
  establishedAt: string;
  updatedAt: string;
  /** Revision of the last event reflected here (the ETag a client sends back in If-Match). */
  version: number;
  /** Per product code, sorted by code. */
  totals: ProductTotals[];
}>;

export type JointVenturePage = Readonly<{
  items: JointVentureListItem[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}>;

export type ProductLineDetail = ProductTotals & Readonly<{ standard: string | null }>;

export type JointVentureDetail = Readonly<{
  id: string;
  name: string;
  phase: Phase;
  purposes: Purpose[];
  decision: Readonly<{ reference: string; date: string }>;
  memberStates: string[];
  partners: Partner[];
  /** In the order they were added. */
  productLines: ProductLineDetail[];
  ipResults: IpResult[];
  milestones: Readonly<{ name: string; reachedOn: string }>[];
  establishedAt: string;
  updatedAt: string;
  version: number;
}>;

export type PhasePeriod = Readonly<{
  phase: Phase;
  enteredAt: string;
  /** Null while the JV is in this phase (and forever for a terminal one). */
  leftAt: string | null;
  durationSeconds: number | null;
  /** Revision of the event that entered the phase. */
  enteredAtVersion: number;
}>;
