/**
 * Domain events of the joint-venture aggregate: what the ledger records, one stream per JV.
 * Payloads hold primitives and ISO-8601 date strings only, so a stored event reads back
 * without a reviver. Who, when and why live in the event metadata, not here. Every event says
 * when it took effect (`effectiveOn`, a calendar date), which may lie before it was recorded.
 */
import type { ProposalEvent } from '../approvals/proposals';
import type {
  Basis,
  EffectiveDate,
  Partner,
  ProductLine,
  ProductVersion,
  Purpose,
  RightsHolder,
  ShareAllocation,
  WorkOrderKind,
} from './values';

type Event<Type extends string, Data> = Readonly<{
  type: Type;
  data: Readonly<Data & { effectiveOn: EffectiveDate }>;
}>;
type NoData = Record<never, never>;

/** Takes effect on the date of the decision that set the JV up. */
export type JointVentureEstablished = Event<
  'JointVentureEstablished',
  {
    name: string;
    decision: { reference: string; date: string };
    purposes: Purpose[];
    partners: Partner[];
    productLines: ProductLine[];
  }
>;

export type DevelopmentStarted = Event<'DevelopmentStarted', NoData>;
export type ProductionStarted = Event<'ProductionStarted', NoData>;
/** The wind-down: lots are disposed of, open work orders finish, then the JV closes. */
export type DisposalStarted = Event<'DisposalStarted', NoData>;
/** Completing the disposal closes the JV (terminal). */
export type DisposalCompleted = Event<'DisposalCompleted', NoData>;
/** Terminal from any non-terminal stage. */
export type JointVentureDissolved = Event<'JointVentureDissolved', { reason: string }>;

/** Takes effect on `reachedOn`. */
export type DevelopmentMilestoneReached = Event<
  'DevelopmentMilestoneReached',
  { name: string; reachedOn: string }
>;
/** Takes effect on `producedOn`; its units enter service at `productVersion`. */
export type BatchProduced = Event<
  'BatchProduced',
  {
    productCode: string;
    productVersion: ProductVersion;
    quantity: number;
    batchReference: string;
    producedOn: string;
  }
>;
/**
 * Units in service disposed of: of `productVersion` when it is named, otherwise units of
 * unrecorded version first, then of the recorded versions in the order they appeared.
 */
export type UnitsDisposed = Event<
  'UnitsDisposed',
  { productCode: string; productVersion: ProductVersion; quantity: number; method: string }
>;

/** The units a work order takes out of service when it opens. */
export type WorkOrderUnits = Readonly<{
  productCode: string;
  /** The version of the units taken; null for units whose version was never recorded. */
  fromVersion: ProductVersion;
  /** What a modernization upgrades them to; null for a repair. */
  toVersion: string | null;
  quantity: number;
}>;

/**
 * A modernization programme or a repair order opens. With `units` it takes them out of service
 * (into modernization or repair); without (`null`, an open-ended order, as release 0.1.0 and
 * the deprecated routes open them) it takes none, and names the units it handled when it completes.
 */
export type WorkOrderOpened = Event<
  'WorkOrderOpened',
  { workOrderId: string; kind: WorkOrderKind; units: WorkOrderUnits | null }
>;
/** Units of an order with units come back: upgraded to its toVersion, repaired, or written off. */
export type WorkOrderProgressed = Event<
  'WorkOrderProgressed',
  {
    workOrderId: string;
    kind: WorkOrderKind;
    productCode: string;
    fromVersion: ProductVersion;
    toVersion: string | null;
    upgraded: number;
    repaired: number;
    writtenOff: number;
  }
>;
/** What an open-ended order did to units that stayed in service: upgraded or repaired them. */
export type HandledUnits = Readonly<{
  productCode: string;
  /** As the request named it; units are taken from it first, then from any other version. */
  fromVersion: string | null;
  toVersion: string | null;
  quantity: number;
}>;
/**
 * The order is done; the units it still held (`returned`) go back into service unchanged.
 * `workOrderId` is null only for a completion recorded by release 0.1.0, which named no order:
 * it completes the JV's open open-ended order of that kind.
 */
export type WorkOrderCompleted = Event<
  'WorkOrderCompleted',
  {
    workOrderId: string | null;
    kind: WorkOrderKind;
    productCode: string | null;
    fromVersion: ProductVersion;
    returned: number;
    handled: HandledUnits | null;
  }
>;
/** The order is called off; the units it still held go back into service unchanged. */
export type WorkOrderCancelled = Event<
  'WorkOrderCancelled',
  {
    workOrderId: string;
    kind: WorkOrderKind;
    productCode: string | null;
    fromVersion: ProductVersion;
    returned: number;
    reason: string | null;
  }
>;

/**
 * An earlier fact does not count. Takes effect on the reversed fact's own effective date, so
 * that as of any date the two are seen together or not at all.
 */
export type FactReversed = Event<
  'FactReversed',
  {
    reversedVersion: number;
    /** The reversed event's id, as notifications carried it; null when the state did not know it. */
    reversedEventId: string | null;
    reversedType: ReversibleEventType;
    reason: string;
  }
>;

export type PartnerAdmitted = Event<
  'PartnerAdmitted',
  { partner: Omit<Partner, 'shareBasisPoints'>; allocation: ShareAllocation[] }
>;
export type PartnerWithdrawn = Event<
  'PartnerWithdrawn',
  { enterpriseCode: string; allocation: ShareAllocation[] }
>;
export type SharesReallocated = Event<'SharesReallocated', { allocation: ShareAllocation[] }>;
export type ProductLineAdded = Event<'ProductLineAdded', ProductLine>;
export type IntellectualPropertyRegistered = Event<
  'IntellectualPropertyRegistered',
  { ipResultId: string; title: string; kind: string; rightsHolders: RightsHolder[] }
>;

export type JointVentureEvent =
  | JointVentureEstablished
  | DevelopmentStarted
  | ProductionStarted
  | DisposalStarted
  | DisposalCompleted
  | JointVentureDissolved
  | DevelopmentMilestoneReached
  | BatchProduced
  | UnitsDisposed
  | WorkOrderOpened
  | WorkOrderProgressed
  | WorkOrderCompleted
  | WorkOrderCancelled
  | FactReversed
  | PartnerAdmitted
  | PartnerWithdrawn
  | SharesReallocated
  | ProductLineAdded
  | IntellectualPropertyRegistered
  // Shared control (issue 10 §2): proposals, approvals and their end are facts of the stream.
  | ProposalEvent;

export type JointVentureEventType = JointVentureEvent['type'];
export type EventOf<T extends JointVentureEventType> = Extract<JointVentureEvent, { type: T }>;

/** Facts a correction may reverse. Stage transitions and partner or share changes are not. */
export const REVERSIBLE_EVENT_TYPES = [
  'BatchProduced',
  'UnitsDisposed',
  'DevelopmentMilestoneReached',
  'WorkOrderProgressed',
] as const satisfies readonly JointVentureEventType[];
export type ReversibleEventType = (typeof REVERSIBLE_EVENT_TYPES)[number];
export type ReversibleEvent = EventOf<ReversibleEventType>;

export function isReversible(event: JointVentureEvent): event is ReversibleEvent {
  return (REVERSIBLE_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** Every event type with the schema version written today; older versions are upcast on read. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<JointVentureEventType, number>> = {
  JointVentureEstablished: 2,
  DevelopmentStarted: 2,
  ProductionStarted: 2,
  DisposalStarted: 2,
  DisposalCompleted: 2,
  JointVentureDissolved: 2,
  DevelopmentMilestoneReached: 2,
  BatchProduced: 2,
  UnitsDisposed: 2,
  WorkOrderOpened: 1,
  WorkOrderProgressed: 1,
  WorkOrderCompleted: 1,
  WorkOrderCancelled: 1,
  FactReversed: 1,
  PartnerAdmitted: 2,
  PartnerWithdrawn: 2,
  SharesReallocated: 2,
  ProductLineAdded: 2,
  IntellectualPropertyRegistered: 2,
  ChangeProposed: 1,
  ChangeApproved: 1,
  ChangeRejected: 1,
  ProposalWithdrawn: 1,
  ProposalClosed: 1,
};

export const JOINT_VENTURE_EVENT_TYPES = Object.keys(
  EVENT_SCHEMA_VERSIONS,
) as JointVentureEventType[];

export function isJointVentureEventType(type: string): type is JointVentureEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}

/** The date an event took effect. */
export function effectiveDateOf(event: JointVentureEvent): EffectiveDate {
  return event.data.effectiveOn;
}

/** Marker kept for readability where a basis-point amount is meant. */
export type { Basis };
