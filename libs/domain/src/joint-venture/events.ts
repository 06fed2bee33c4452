/**
 * Domain events of the joint-venture aggregate: what the ledger records, one stream per JV.
 * Payloads hold primitives and ISO-8601 date strings only, so a stored event reads back
 * without a reviver. Who, when and why live in the event metadata, not here.
 */
import type { Basis, Partner, ProductLine, Purpose, RightsHolder, ShareAllocation } from './values';

type Event<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data> }>;

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

export type DevelopmentStarted = Event<'DevelopmentStarted', Record<string, never>>;
export type ProductionStarted = Event<'ProductionStarted', Record<string, never>>;
export type ModernizationStarted = Event<'ModernizationStarted', Record<string, never>>;
export type RepairStarted = Event<'RepairStarted', Record<string, never>>;
export type DisposalStarted = Event<'DisposalStarted', Record<string, never>>;

export type DevelopmentMilestoneReached = Event<
  'DevelopmentMilestoneReached',
  { name: string; reachedOn: string }
>;
export type BatchProduced = Event<
  'BatchProduced',
  { productCode: string; quantity: number; batchReference: string; producedOn: string }
>;
/** Completing a modernization returns the JV to production. */
export type ModernizationCompleted = Event<
  'ModernizationCompleted',
  { productCode: string; fromVersion: string; toVersion: string; quantity: number }
>;
/** Completing a repair returns the JV to production. */
export type RepairCompleted = Event<'RepairCompleted', { productCode: string; quantity: number }>;
export type UnitsDisposed = Event<
  'UnitsDisposed',
  { productCode: string; quantity: number; method: string }
>;
/** Completing the disposal closes the JV (terminal). */
export type DisposalCompleted = Event<'DisposalCompleted', Record<string, never>>;
/** Terminal from any non-terminal phase. */
export type JointVentureDissolved = Event<'JointVentureDissolved', { reason: string }>;

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
  | ModernizationStarted
  | RepairStarted
  | DisposalStarted
  | DevelopmentMilestoneReached
  | BatchProduced
  | ModernizationCompleted
  | RepairCompleted
  | UnitsDisposed
  | DisposalCompleted
  | JointVentureDissolved
  | PartnerAdmitted
  | PartnerWithdrawn
  | SharesReallocated
  | ProductLineAdded
  | IntellectualPropertyRegistered;

export type JointVentureEventType = JointVentureEvent['type'];

/** Every event type with the schema version written today; older versions are upcast on read. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<JointVentureEventType, number>> = {
  JointVentureEstablished: 1,
  DevelopmentStarted: 1,
  ProductionStarted: 1,
  ModernizationStarted: 1,
  RepairStarted: 1,
  DisposalStarted: 1,
  DevelopmentMilestoneReached: 1,
  BatchProduced: 1,
  ModernizationCompleted: 1,
  RepairCompleted: 1,
  UnitsDisposed: 1,
  DisposalCompleted: 1,
  JointVentureDissolved: 1,
  PartnerAdmitted: 1,
  PartnerWithdrawn: 1,
  SharesReallocated: 1,
  ProductLineAdded: 1,
  IntellectualPropertyRegistered: 1,
};

export const JOINT_VENTURE_EVENT_TYPES = Object.keys(
  EVENT_SCHEMA_VERSIONS,
) as JointVentureEventType[];

export function isJointVentureEventType(type: string): type is JointVentureEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}

/** Marker kept for readability where a basis-point amount is meant. */
export type { Basis };
