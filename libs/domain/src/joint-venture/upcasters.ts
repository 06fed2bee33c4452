/**
 * Upcasters of the events release 0.1.0 wrote (every type at schema version 1), to the shapes
 * written today. Each is pure and lifts one (type, version). What changed:
 * - every fact gained `effectiveOn`: the date it names (a batch's `producedOn`, a milestone's
 *   `reachedOn`, the establishment's decision date), else the UTC day it was recorded;
 * - batches and disposal lots gained `productVersion`: 0.1.0 recorded none (null);
 * - modernization and repair were phases: `ModernizationStarted` / `RepairStarted` become the
 *   opening of an open-ended work order (its id is the id of the event that started it), and
 *   `ModernizationCompleted` / `RepairCompleted` its completion, naming the units it upgraded or
 *   repaired while they stayed in service, exactly as 0.1.0 counted them.
 */
/** What an upcaster may know besides the payload: the stored event's own id and time. */
export type UpcastContext = Readonly<{ eventId: string; recordedAt: string }>;

export type UpcastPayload = Readonly<{
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}>;

/** Lifts a payload from the (type, version) of its key to the next shape; pure. */
export type Upcaster = (data: Record<string, unknown>, context: UpcastContext) => UpcastPayload;

/** The UTC calendar day of the instant the event was recorded. */
function recordedOn(context: UpcastContext): string {
  const time = Date.parse(context.recordedAt);
  if (Number.isNaN(time)) throw new Error(`recordedAt '${context.recordedAt}' is not an instant`);
  return new Date(time).toISOString().slice(0, 10);
}

const day = (value: unknown): string => String(value).slice(0, 10);

const v2 = (type: string, data: Record<string, unknown>): UpcastPayload => ({
  type,
  schemaVersion: 2,
  data,
});

/** v1 -> v2 of a type whose only change is `effectiveOn`, the day it was recorded. */
const recordedDay =
  (type: string): Upcaster =>
  (data, context) =>
    v2(type, { ...data, effectiveOn: recordedOn(context) });

const workOrderStarted =
  (kind: 'modernization' | 'repair'): Upcaster =>
  (_data, context) => ({
    type: 'WorkOrderOpened',
    schemaVersion: 1,
    data: { workOrderId: context.eventId, kind, units: null, effectiveOn: recordedOn(context) },
  });

const workOrderCompleted = (
  kind: 'modernization' | 'repair',
  handled: Record<string, unknown>,
  context: UpcastContext,
): UpcastPayload => ({
  type: 'WorkOrderCompleted',
  schemaVersion: 1,
  data: {
    // 0.1.0 named no order: the JV's open open-ended order of this kind is the one completed.
    workOrderId: null,
    kind,
    productCode: null,
    fromVersion: null,
    returned: 0,
    handled,
    effectiveOn: recordedOn(context),
  },
});

export const RELEASE_0_1_0_UPCASTERS: Readonly<Record<string, Upcaster>> = {
  'JointVentureEstablished@1': (data) =>
    v2('JointVentureEstablished', {
      ...data,
      effectiveOn: day((data.decision as { date?: unknown } | undefined)?.date),
    }),
  'DevelopmentStarted@1': recordedDay('DevelopmentStarted'),
  'ProductionStarted@1': recordedDay('ProductionStarted'),
  'DisposalStarted@1': recordedDay('DisposalStarted'),
  'DisposalCompleted@1': recordedDay('DisposalCompleted'),
  'JointVentureDissolved@1': recordedDay('JointVentureDissolved'),
  'DevelopmentMilestoneReached@1': (data) =>
    v2('DevelopmentMilestoneReached', { ...data, effectiveOn: day(data.reachedOn) }),
  'BatchProduced@1': (data) =>
    v2('BatchProduced', { ...data, productVersion: null, effectiveOn: day(data.producedOn) }),
  'UnitsDisposed@1': (data, context) =>
    v2('UnitsDisposed', { ...data, productVersion: null, effectiveOn: recordedOn(context) }),
  'PartnerAdmitted@1': recordedDay('PartnerAdmitted'),
  'PartnerWithdrawn@1': recordedDay('PartnerWithdrawn'),
  'SharesReallocated@1': recordedDay('SharesReallocated'),
  'ProductLineAdded@1': recordedDay('ProductLineAdded'),
  'IntellectualPropertyRegistered@1': recordedDay('IntellectualPropertyRegistered'),
  'ModernizationStarted@1': workOrderStarted('modernization'),
  'RepairStarted@1': workOrderStarted('repair'),
  'ModernizationCompleted@1': (data, context) =>
    workOrderCompleted(
      'modernization',
      {
        productCode: data.productCode,
        fromVersion: data.fromVersion,
        toVersion: data.toVersion,
        quantity: data.quantity,
      },
      context,
    ),
  'RepairCompleted@1': (data, context) =>
    workOrderCompleted(
      'repair',
      {
        productCode: data.productCode,
        fromVersion: null,
        toVersion: null,
        quantity: data.quantity,
      },
      context,
    ),
};

/** The event types release 0.1.0 wrote that are read but no longer written. */
export const RETIRED_EVENT_TYPES = [
  'ModernizationStarted',
  'ModernizationCompleted',
  'RepairStarted',
  'RepairCompleted',
] as const;
