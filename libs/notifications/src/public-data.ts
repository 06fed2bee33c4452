/**
 * The public payload of each domain event, mapped field by field: a field added to a domain
 * event for internal use never leaks. Shared by today's notifications and by the ones release
 * 0.1.0 published (which pick their own fields from it).
 */
import {
  stageEnteredBy,
  type JointVentureEvent,
  type JointVentureEventType,
  type Partner,
  type ProductLine,
  type ShareAllocation,
} from '@app/domain';

/** `ProductionStarted` -> `production-started`. */
export const kebab = (type: string): string =>
  type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

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
 * The stage a notification announces: a JV's events that move it to another stage carry the
 * stage they enter (the establishment's is implied by its type).
 */
export function announcedStage(type: JointVentureEventType): string | undefined {
  return type === 'JointVentureEstablished' ? undefined : stageEnteredBy(type);
}

/** The public payload of a domain event: its mapped fields, the stage it enters, when it took effect. */
export function publicDataOf(event: JointVentureEvent): Record<string, unknown> {
  const stage = announcedStage(event.type);
  return {
    ...mappedFields(event),
    ...(stage === undefined ? {} : { stage }),
    effectiveOn: event.data.effectiveOn,
  };
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
    case 'DisposalStarted':
    case 'DisposalCompleted':
      return {};
    case 'JointVentureDissolved':
      return { reason: event.data.reason };
    case 'DevelopmentMilestoneReached':
      return { name: event.data.name, reachedOn: event.data.reachedOn };
    case 'BatchProduced': {
      const { productCode, productVersion, quantity, batchReference, producedOn } = event.data;
      return { productCode, productVersion, quantity, batchReference, producedOn };
    }
    case 'UnitsDisposed': {
      const { productCode, productVersion, quantity, method } = event.data;
      return { productCode, productVersion, quantity, method };
    }
    case 'WorkOrderOpened': {
      const { workOrderId, kind, units } = event.data;
      return { workOrderId, kind, units: units === null ? null : { ...units } };
    }
    case 'WorkOrderProgressed': {
      const { workOrderId, kind, productCode, fromVersion, toVersion } = event.data;
      const { upgraded, repaired, writtenOff } = event.data;
      return {
        workOrderId,
        kind,
        productCode,
        fromVersion,
        toVersion,
        upgraded,
        repaired,
        writtenOff,
      };
    }
    case 'WorkOrderCompleted':
    case 'WorkOrderCancelled': {
      const { workOrderId, kind, productCode, fromVersion, returned } = event.data;
      const closing = { workOrderId, kind, productCode, fromVersion, returned };
      return event.type === 'WorkOrderCompleted'
        ? { ...closing, handled: event.data.handled === null ? null : { ...event.data.handled } }
        : { ...closing, reason: event.data.reason };
    }
    case 'FactReversed': {
      const { reversedEventId, reversedVersion, reversedType, reason } = event.data;
      return { reversedEventId, reversedVersion, reversedType: kebab(reversedType), reason };
    }
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
    // Proposals name the states that act, never the subjects (who recorded stays inside).
    case 'ChangeProposed': {
      const { proposalId, change, proposedBy, required, expiresAt } = event.data;
      return {
        proposalId,
        change: { command: change.type, data: { ...change.data } },
        proposedBy: proposedBy.memberState,
        required: [...required],
        expiresAt,
      };
    }
    case 'ChangeApproved':
      return { proposalId: event.data.proposalId, approvedBy: event.data.by.memberState };
    case 'ChangeRejected': {
      const { proposalId, by, reason } = event.data;
      return { proposalId, rejectedBy: by.memberState, reason };
    }
    case 'ProposalWithdrawn':
      return { proposalId: event.data.proposalId, reason: event.data.reason };
    case 'ProposalClosed': {
      const { proposalId, reason, detail } = event.data;
      return { proposalId, reason, detail };
    }
    default: {
      const _exhaustive: never = event;
      throw new Error(`no integration event for ${JSON.stringify(_exhaustive)}`);
    }
  }
}
