/**
 * Folds recorded events into the state commands are decided against. Events record what
 * already happened, so `evolve` applies them without re-checking the rules `decide` enforced;
 * the stage follows the lifecycle's `stageEnteredBy`, the units follow `applyUnits`.
 */
import { evolveProposals } from '../approvals/proposals';
import type { EventOf, JointVentureEvent } from './events';
import { stageEnteredBy } from './lifecycle';
import {
  initialState,
  type ExistingJointVenture,
  type JointVentureState,
  type RecordedFact,
  type WorkOrder,
} from './state';
import { applyUnits, countUnits, NO_UNITS } from './units';
import type { Partner, ShareAllocation } from './values';

/**
 * An event as a reader folds it: with the stored event's id and revision when there are, so
 * that facts keep the version a correction names even when only some events are folded.
 */
export type FoldableEvent = JointVentureEvent & Readonly<{ id?: string; revision?: number }>;

/** Events kept in `facts`: those that move units and those a correction may reverse. */
const FACT_TYPES: ReadonlySet<JointVentureEvent['type']> = new Set([
  'BatchProduced',
  'UnitsDisposed',
  'DevelopmentMilestoneReached',
  'WorkOrderOpened',
  'WorkOrderProgressed',
  'WorkOrderCompleted',
  'WorkOrderCancelled',
]);

function withShares(
  partners: readonly Partner[],
  allocation: readonly ShareAllocation[],
): Partner[] {
  const shares = new Map(allocation.map((a) => [a.enterpriseCode, a.shareBasisPoints]));
  return partners.map((p) => ({ ...p, shareBasisPoints: shares.get(p.enterpriseCode) ?? 0 }));
}

/** Applies one event to the state; pure. */
export function evolve(state: JointVentureState, event: FoldableEvent): JointVentureState {
  if (event.type === 'JointVentureEstablished') return established(event);
  // A stream always starts with its establishment; anything before it cannot change the state.
  if (state.status === 'none') return state;
  const version = event.revision ?? state.version + 1;
  const fact: RecordedFact | undefined = FACT_TYPES.has(event.type)
    ? { version, eventId: event.id ?? null, event: stripId(event), reversed: false }
    : undefined;
  const next = applyData(
    { ...state, version, facts: fact ? [...state.facts, fact] : state.facts },
    event,
    version,
  );
  const stage = stageEnteredBy(event.type);
  return stage === undefined ? next : { ...next, stage, stageSince: event.data.effectiveOn };
}

function stripId(event: FoldableEvent): JointVentureEvent {
  return { type: event.type, data: event.data } as JointVentureEvent;
}

function established(
  event: FoldableEvent & EventOf<'JointVentureEstablished'>,
): ExistingJointVenture {
  const { name, decision, purposes, partners, productLines, effectiveOn } = event.data;
  return {
    status: 'existing',
    stage: 'established',
    stageSince: effectiveOn,
    name,
    decision: { reference: decision.reference, date: decision.date },
    purposes: [...purposes],
    partners: partners.map((p) => ({ ...p })),
    productLines: productLines.map((l) => ({ ...l })),
    ipResults: [],
    milestones: [],
    units: Object.fromEntries(productLines.map((l) => [l.productCode, NO_UNITS])),
    workOrders: [],
    facts: [],
    proposals: {},
    version: event.revision ?? 0,
  };
}

/** What an event changes besides the stage. */
function applyData(
  state: ExistingJointVenture,
  event: JointVentureEvent,
  version: number,
): ExistingJointVenture {
  switch (event.type) {
    case 'JointVentureEstablished':
    case 'DevelopmentStarted':
    case 'ProductionStarted':
    case 'DisposalStarted':
    case 'DisposalCompleted':
    case 'JointVentureDissolved':
      return state;
    case 'DevelopmentMilestoneReached': {
      const { name, reachedOn } = event.data;
      return { ...state, milestones: [...state.milestones, { name, reachedOn, version }] };
    }
    case 'BatchProduced':
    case 'UnitsDisposed':
      return { ...state, units: applyUnits(state.units, event) };
    case 'WorkOrderOpened':
    case 'WorkOrderProgressed':
    case 'WorkOrderCompleted':
    case 'WorkOrderCancelled':
      return {
        ...state,
        units: applyUnits(state.units, event),
        workOrders: applyToWorkOrders(state.workOrders, event),
      };
    case 'FactReversed':
      return reverse(state, event.data.reversedVersion);
    case 'PartnerAdmitted': {
      const admitted: Partner = { ...event.data.partner, shareBasisPoints: 0 };
      return {
        ...state,
        partners: withShares([...state.partners, admitted], event.data.allocation),
      };
    }
    case 'PartnerWithdrawn': {
      const { enterpriseCode, allocation } = event.data;
      const remaining = state.partners.filter((p) => p.enterpriseCode !== enterpriseCode);
      return { ...state, partners: withShares(remaining, allocation) };
    }
    case 'SharesReallocated':
      return { ...state, partners: withShares(state.partners, event.data.allocation) };
    case 'ProductLineAdded': {
      const { effectiveOn: _, ...line } = event.data;
      return {
        ...state,
        productLines: [...state.productLines, line],
        units: { ...state.units, [line.productCode]: state.units[line.productCode] ?? NO_UNITS },
      };
    }
    case 'IntellectualPropertyRegistered': {
      const { effectiveOn: _, ...registered } = event.data;
      const rightsHolders = registered.rightsHolders.map((h) => ({ ...h }));
      return { ...state, ipResults: [...state.ipResults, { ...registered, rightsHolders }] };
    }
    case 'ChangeProposed':
    case 'ChangeApproved':
    case 'ChangeRejected':
    case 'ProposalWithdrawn':
    case 'ProposalClosed':
      return { ...state, proposals: evolveProposals(state.proposals, event) };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

type WorkOrderEvent = EventOf<
  'WorkOrderOpened' | 'WorkOrderProgressed' | 'WorkOrderCompleted' | 'WorkOrderCancelled'
>;

/**
 * The order an event is about: by id, or for a completion of release 0.1.0 (no id) the JV's
 * open open-ended order of that kind.
 */
export function workOrderIndex(
  orders: readonly WorkOrder[],
  workOrderId: string | null,
  kind: WorkOrder['kind'],
): number {
  return workOrderId === null
    ? orders.findIndex((o) => o.status === 'open' && o.units === null && o.kind === kind)
    : orders.findIndex((o) => o.workOrderId === workOrderId);
}

function applyToWorkOrders(orders: readonly WorkOrder[], event: WorkOrderEvent): WorkOrder[] {
  if (event.type === 'WorkOrderOpened') {
    const { workOrderId, kind, units, effectiveOn } = event.data;
    const opened: WorkOrder = {
      workOrderId,
      kind,
      status: 'open',
      openedOn: effectiveOn,
      closedOn: null,
      units,
      held: units?.quantity ?? 0,
      upgraded: 0,
      repaired: 0,
      writtenOff: 0,
      returned: 0,
      handled: null,
    };
    return [...orders, opened];
  }
  const index = workOrderIndex(orders, event.data.workOrderId, event.data.kind);
  // An order the state does not know (a completion of 0.1.0 without a start): units only.
  if (index < 0) return [...orders];
  const order = orders[index];
  const updated: WorkOrder =
    event.type === 'WorkOrderProgressed'
      ? progressed(order, event.data, 1)
      : {
          ...order,
          status: event.type === 'WorkOrderCompleted' ? 'completed' : 'cancelled',
          closedOn: event.data.effectiveOn,
          held: order.held - event.data.returned,
          returned: order.returned + event.data.returned,
          handled: event.type === 'WorkOrderCompleted' ? event.data.handled : null,
        };
  return orders.map((o, i) => (i === index ? updated : o));
}

/** Counts progress on an order (`sign` -1 takes it back, for a reversal). */
function progressed(
  order: WorkOrder,
  { upgraded, repaired, writtenOff }: EventOf<'WorkOrderProgressed'>['data'],
  sign: 1 | -1,
): WorkOrder {
  return {
    ...order,
    held: order.held - sign * (upgraded + repaired + writtenOff),
    upgraded: order.upgraded + sign * upgraded,
    repaired: order.repaired + sign * repaired,
    writtenOff: order.writtenOff + sign * writtenOff,
  };
}

/**
 * The fact at `version` no longer counts: it is marked reversed, its own effect undone, and the
 * units counted again without it (so they are exactly what they would be had it never been
 * recorded).
 */
function reverse(state: ExistingJointVenture, version: number): ExistingJointVenture {
  const target = state.facts.find((fact) => fact.version === version);
  if (target === undefined) return state;
  const facts = state.facts.map((f) => (f.version === version ? { ...f, reversed: true } : f));
  const counted = facts.filter((f) => !f.reversed).map((f) => f.event);
  let next: ExistingJointVenture = {
    ...state,
    facts,
    units: countUnits(state.productLines, counted),
  };
  const { event } = target;
  if (event.type === 'DevelopmentMilestoneReached')
    next = { ...next, milestones: next.milestones.filter((m) => m.version !== version) };
  if (event.type === 'WorkOrderProgressed') {
    const index = workOrderIndex(next.workOrders, event.data.workOrderId, event.data.kind);
    if (index >= 0)
      next = {
        ...next,
        workOrders: next.workOrders.map((o, i) =>
          i === index ? progressed(o, event.data, -1) : o,
        ),
      };
  }
  return next;
}

/** The state after replaying a stream's events from the beginning. */
export function foldEvents(events: readonly FoldableEvent[]): JointVentureState {
  return events.reduce<JointVentureState>((state, event) => evolve(state, event), initialState());
}
