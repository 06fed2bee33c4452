/**
 * The state a command is decided against, folded from events by `evolve`. A discriminated
 * union on `status`: nothing recorded yet, or an existing JV in some stage.
 */
import type { Proposals } from '../approvals/proposals';
import type { HandledUnits, JointVentureEvent, WorkOrderUnits } from './events';
import type { Stage } from './stages';
import type { ProductUnits } from './units';
import type {
  EffectiveDate,
  Partner,
  ProductLine,
  Purpose,
  RightsHolder,
  WorkOrderKind,
} from './values';

export type IpResult = Readonly<{
  ipResultId: string;
  title: string;
  kind: string;
  rightsHolders: RightsHolder[];
}>;

export type Milestone = Readonly<{ name: string; reachedOn: string; version: number }>;

export type WorkOrderStatus = 'open' | 'completed' | 'cancelled';

export type WorkOrder = Readonly<{
  workOrderId: string;
  kind: WorkOrderKind;
  status: WorkOrderStatus;
  openedOn: EffectiveDate;
  closedOn: EffectiveDate | null;
  /** What it took out of service when it opened; null for an open-ended order. */
  units: WorkOrderUnits | null;
  /** Units it still holds out of service. */
  held: number;
  upgraded: number;
  repaired: number;
  writtenOff: number;
  /** Units it gave back unchanged when it completed or was cancelled. */
  returned: number;
  /** What an open-ended order upgraded or repaired in service when it completed. */
  handled: HandledUnits | null;
}>;

/**
 * A fact that moves units or may be reversed, kept with its version so that a correction can
 * name it and the units can be counted again as of any effective date.
 */
export type RecordedFact = Readonly<{
  version: number;
  /** The stored event's id, when the events were folded with their ids. */
  eventId: string | null;
  event: JointVentureEvent;
  reversed: boolean;
}>;

export type NoJointVenture = Readonly<{ status: 'none' }>;

export type ExistingJointVenture = Readonly<{
  status: 'existing';
  stage: Stage;
  /** When the current stage took effect. */
  stageSince: EffectiveDate;
  name: string;
  decision: Readonly<{ reference: string; date: string }>;
  purposes: readonly Purpose[];
  partners: readonly Partner[];
  productLines: readonly ProductLine[];
  ipResults: readonly IpResult[];
  /** Milestones that count (a reversed one is removed), in the order they were recorded. */
  milestones: readonly Milestone[];
  /** Keyed by product code; every product line has an entry, all zero at first. */
  units: Readonly<Record<string, ProductUnits>>;
  /** In the order they were opened. */
  workOrders: readonly WorkOrder[];
  facts: readonly RecordedFact[];
  /**
   * Its proposals of shared-control changes, by id, whatever their status (issue 10 §2).
   * Added to the state's shape: a snapshot of the state before it lacks this field, so the
   * snapshots' EVOLVE_VERSION must be bumped with it.
   */
  proposals: Proposals;
  /** Revision of the last event folded in (0: the establishment). */
  version: number;
}>;

export type JointVentureState = NoJointVenture | ExistingJointVenture;

export const initialState = (): JointVentureState => ({ status: 'none' });

export function openWorkOrders(jv: ExistingJointVenture): WorkOrder[] {
  return jv.workOrders.filter((order) => order.status === 'open');
}
