/**
 * The notifications release 0.1.0 published, kept as they were so that v1 consumers keep
 * working: an event recorded by 0.1.0 (schema version 1) is published, whenever it is published
 * again, as the same `.v1` type with the same payload, read from the upcast event. Frozen: a
 * change here would break the consumers this file exists for.
 */
import {
  PURPOSES,
  stageEnteredBy,
  type JointVentureEvent,
  type JointVentureEventType,
} from '@app/domain';
import { publicDataOf } from './public-data';
import {
  allocation,
  basisPoints,
  closed,
  date,
  memberState,
  productLine,
  quantity,
  text,
  type Schema,
} from './schema-parts';

/** Each 0.1.0 type's own fields, in 0.1.0's order of types; a phase change adds `phase`. */
export const RELEASE_0_1_0_FIELDS: Readonly<Record<string, Record<string, Schema>>> = {
  JointVentureEstablished: {
    name: text,
    decision: closed({ reference: text, date }),
    purposes: { type: 'array', minItems: 1, items: { enum: [...PURPOSES] } },
    partners: {
      type: 'array',
      minItems: 2,
      items: closed({
        enterpriseCode: text,
        name: text,
        memberState,
        shareBasisPoints: basisPoints,
      }),
    },
    productLines: { type: 'array', items: productLine },
  },
  DevelopmentStarted: {},
  ProductionStarted: {},
  ModernizationStarted: {},
  RepairStarted: {},
  DisposalStarted: {},
  DevelopmentMilestoneReached: { name: text, reachedOn: date },
  BatchProduced: { productCode: text, quantity, batchReference: text, producedOn: date },
  ModernizationCompleted: { productCode: text, fromVersion: text, toVersion: text, quantity },
  RepairCompleted: { productCode: text, quantity },
  UnitsDisposed: { productCode: text, quantity, method: text },
  DisposalCompleted: {},
  JointVentureDissolved: { reason: text },
  PartnerAdmitted: {
    partner: closed({ enterpriseCode: text, name: text, memberState }),
    allocation,
  },
  PartnerWithdrawn: { enterpriseCode: text, allocation },
  SharesReallocated: { allocation },
  ProductLineAdded: { productCode: text, name: text, standard: text },
  IntellectualPropertyRegistered: {
    ipResultId: text,
    title: text,
    kind: text,
    rightsHolders: allocation,
  },
};

export const RELEASE_0_1_0_TYPES = Object.keys(RELEASE_0_1_0_FIELDS);

/** The phases 0.1.0 had besides today's stages: modernization and repair were phases then. */
const RETIRED_PHASES: Readonly<Record<string, string>> = {
  ModernizationStarted: 'modernization',
  ModernizationCompleted: 'production',
  RepairStarted: 'repair',
  RepairCompleted: 'production',
};

/** The phase a 0.1.0 notification of this type announced, if it announced one. */
export function release010PhaseOf(type: string): string | undefined {
  if (type === 'JointVentureEstablished') return undefined;
  return RETIRED_PHASES[type] ?? stageEnteredBy(type as JointVentureEventType);
}

/** Whether a stored event was recorded by release 0.1.0, and is published as it published it. */
export function isRelease010Event(type: string, schemaVersion: number): boolean {
  return schemaVersion === 1 && RELEASE_0_1_0_TYPES.includes(type);
}

/** The payload 0.1.0 published for a stored event of `type`, from the event it upcasts to. */
export function release010DataOf(type: string, event: JointVentureEvent): Record<string, unknown> {
  const phase = release010PhaseOf(type);
  const withPhase = (fields: Record<string, unknown>) =>
    phase === undefined ? fields : { ...fields, phase };
  if (event.type === 'WorkOrderCompleted' && event.data.handled !== null) {
    const { productCode, fromVersion, toVersion, quantity: handled } = event.data.handled;
    return withPhase(
      type === 'ModernizationCompleted'
        ? { productCode, fromVersion, toVersion, quantity: handled }
        : { productCode, quantity: handled },
    );
  }
  const current = publicDataOf(event);
  const fields = Object.keys(RELEASE_0_1_0_FIELDS[type] ?? {}).filter((key) => key in current);
  return withPhase(Object.fromEntries(fields.map((key) => [key, current[key]])));
}
