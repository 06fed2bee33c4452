/**
 * Public integration events: what downstream systems see of each recorded event. They are
 * separate from the domain events (a gateway transform, as Eventuous calls it): every type is
 * mapped field by field, so a field added to a domain event for internal use never leaks.
 * Who recorded an event, why, and the hash chain stay inside the ledger.
 */
import {
  fromStored,
  jointVentureIdOf,
  phaseEnteredBy,
  type JointVentureEvent,
  type JointVentureEventType,
  type Partner,
  type ProductLine,
  type ShareAllocation,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const INTEGRATION_EVENT_VERSION = 1;

/** `ProductionStarted` -> `jv.lifecycle.production-started.v1`. */
export function integrationTypeOf(
  type: JointVentureEventType,
  version = INTEGRATION_EVENT_VERSION,
): string {
  const kebab = type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `jv.lifecycle.${kebab}.v${version}`;
}

/** A CloudEvents 1.0 message in structured mode. */
export type LifecycleCloudEvent = Readonly<{
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  /** Extension attribute: the JV's stream revision ("version"), for ordering and gaps. */
  streamrevision: number;
  data: Readonly<Record<string, unknown>>;
}>;

const partner = ({ enterpriseCode, name, memberState, shareBasisPoints }: Partner) => ({
  enterpriseCode,
  name,
  memberState,
  shareBasisPoints,
});
const allocation = (shares: readonly ShareAllocation[]) =>
  shares.map(({ enterpriseCode, shareBasisPoints }) => ({ enterpriseCode, shareBasisPoints }));
const productLine = ({ productCode, name, standard }: ProductLine) =>
  standard === undefined ? { productCode, name } : { productCode, name, standard };

/**
 * The phase a notification announces: a JV's events that move it to another phase carry the
 * phase they enter (the establishment's phase is implied by its type).
 */
export function announcedPhase(type: JointVentureEventType): string | undefined {
  return type === 'JointVentureEstablished' ? undefined : phaseEnteredBy(type);
}

/** The public payload of a domain event: its mapped fields, plus the phase it enters. */
export function publicDataOf(event: JointVentureEvent): Record<string, unknown> {
  const phase = announcedPhase(event.type);
  return phase === undefined ? mappedFields(event) : { ...mappedFields(event), phase };
}

/** Each type's public fields; the switch is exhaustive, so a new type must be mapped. */
function mappedFields(event: JointVentureEvent): Record<string, unknown> {
  switch (event.type) {
    case 'JointVentureEstablished': {
      const { name, decision, purposes, partners, productLines } = event.data;
      return {
        name,
        decision: { reference: decision.reference, date: decision.date },
        purposes: [...purposes],
        partners: partners.map(partner),
        productLines: productLines.map(productLine),
      };
    }
    case 'DevelopmentStarted':
    case 'ProductionStarted':
    case 'ModernizationStarted':
    case 'RepairStarted':
    case 'DisposalStarted':
    case 'DisposalCompleted':
      return {};
    case 'DevelopmentMilestoneReached':
      return { name: event.data.name, reachedOn: event.data.reachedOn };
    case 'BatchProduced': {
      const { productCode, quantity, batchReference, producedOn } = event.data;
      return { productCode, quantity, batchReference, producedOn };
    }
    case 'ModernizationCompleted': {
      const { productCode, fromVersion, toVersion, quantity } = event.data;
      return { productCode, fromVersion, toVersion, quantity };
    }
    case 'RepairCompleted':
      return { productCode: event.data.productCode, quantity: event.data.quantity };
    case 'UnitsDisposed': {
      const { productCode, quantity, method } = event.data;
      return { productCode, quantity, method };
    }
    case 'JointVentureDissolved':
      return { reason: event.data.reason };
    case 'PartnerAdmitted': {
      const { enterpriseCode, name, memberState } = event.data.partner;
      return {
        partner: { enterpriseCode, name, memberState },
        allocation: allocation(event.data.allocation),
      };
    }
    case 'PartnerWithdrawn':
      return {
        enterpriseCode: event.data.enterpriseCode,
        allocation: allocation(event.data.allocation),
      };
    case 'SharesReallocated':
      return { allocation: allocation(event.data.allocation) };
    case 'ProductLineAdded':
      return productLine(event.data);
    case 'IntellectualPropertyRegistered': {
      const { ipResultId, title, kind, rightsHolders } = event.data;
      return { ipResultId, title, kind, rightsHolders: allocation(rightsHolders) };
    }
    default: {
      const _exhaustive: never = event;
      throw new Error(`no integration event for ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export type CloudEventSettings = Readonly<{
  /** CloudEvents `source`: identifies this ledger instance. */
  source: string;
  /** Base URI of the published JSON Schemas; the type and `.json` are appended. */
  schemaBaseUri: string;
}>;

/** The notification for one recorded joint-venture event, or undefined for any other stream. */
export function toCloudEvent(
  recorded: RecordedEvent,
  settings: CloudEventSettings,
): LifecycleCloudEvent | undefined {
  const jointVentureId = jointVentureIdOf(recorded.streamId);
  if (jointVentureId === undefined) return undefined;
  const event = fromStored(recorded);
  const type = integrationTypeOf(event.type);
  return {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: recorded.id,
    source: settings.source,
    type,
    subject: jointVentureId,
    time: String(recorded.metadata.recordedAt ?? recorded.committedAt),
    datacontenttype: 'application/json',
    dataschema: `${settings.schemaBaseUri}${type}.json`,
    streamrevision: recorded.revision,
    data: publicDataOf(event),
  };
}
