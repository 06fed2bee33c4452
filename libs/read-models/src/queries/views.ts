/** What the query layer returns: plain, JSON-ready objects (instants as ISO-8601 strings). */
import type { IpResult, Partner, Purpose, Stage, VersionUnits, WorkOrder } from '@app/domain';

/** Where a product's units are, and what was done to them (see the domain's unit accounting). */
export type UnitTotals = Readonly<{
  produced: number;
  inService: number;
  inRepair: number;
  inModernization: number;
  writtenOff: number;
  disposed: number;
  /** Units modernized to another version. */
  upgraded: number;
  /** Units returned to service from a repair. */
  repaired: number;
}>;

export type ProductTotals = Readonly<{ productCode: string; name: string }> & UnitTotals;

export type JointVentureListItem = Readonly<{
  id: string;
  name: string;
  stage: Stage;
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

export type ProductLineDetail = ProductTotals &
  Readonly<{
    standard: string | null;
    /** Per version, in the order each first appeared; only in the current detail, not as of a date. */
    versions?: readonly VersionUnits[];
  }>;

export type JointVentureDetail = Readonly<{
  id: string;
  name: string;
  stage: Stage;
  purposes: Purpose[];
  decision: Readonly<{ reference: string; date: string }>;
  memberStates: string[];
  partners: Partner[];
  /** In the order they were added. */
  productLines: ProductLineDetail[];
  openWorkOrders: number;
  ipResults: IpResult[];
  /** With the version that recorded each (what a correction names). */
  milestones: Readonly<{ name: string; reachedOn: string; version: number }>[];
  establishedAt: string;
  updatedAt: string;
  version: number;
  /** Present when the unit totals are as of that date (by the facts' effective dates). */
  asOf?: string;
}>;

export type WorkOrderView = WorkOrder;

export type StagePeriod = Readonly<{
  stage: Stage;
  /** When the stage took effect. */
  enteredOn: string;
  enteredAt: string;
  /** Null while the JV is in this stage (and forever for a terminal one). */
  leftAt: string | null;
  durationSeconds: number | null;
  /** Revision of the event that entered the stage. */
  enteredAtVersion: number;
}>;

/** The member states a JV's access is decided on. */
export type PartnerStates = Readonly<{
  /** Of the current partners, sorted. */
  current: readonly string[];
  /** States with no current partner any more, with the version of the withdrawal that ended their part. */
  former: readonly Readonly<{ memberState: string; untilVersion: number }>[];
}>;
