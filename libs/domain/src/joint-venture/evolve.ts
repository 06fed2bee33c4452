/**
 * Folds recorded events into the state commands are decided against. Events record what
 * already happened, so `evolve` applies them without re-checking the rules `decide` enforced;
 * the phase follows the lifecycle's `phaseEnteredBy`.
 */
import type { JointVentureEvent } from './events';
import { phaseEnteredBy } from './lifecycle';
import {
  initialState,
  type ExistingJointVenture,
  type JointVentureState,
  type UnitTotals,
} from './state';
import type { Partner, ShareAllocation } from './values';

export const ZERO_UNITS: UnitTotals = {
  produced: 0,
  modernized: 0,
  repaired: 0,
  disposed: 0,
  inService: 0,
};

type UnitChange = Partial<Pick<UnitTotals, 'produced' | 'modernized' | 'repaired' | 'disposed'>>;

function countUnits(
  state: ExistingJointVenture,
  productCode: string,
  change: UnitChange,
): ExistingJointVenture {
  const current = state.units[productCode] ?? ZERO_UNITS;
  const produced = current.produced + (change.produced ?? 0);
  const disposed = current.disposed + (change.disposed ?? 0);
  const totals: UnitTotals = {
    produced,
    modernized: current.modernized + (change.modernized ?? 0),
    repaired: current.repaired + (change.repaired ?? 0),
    disposed,
    inService: produced - disposed,
  };
  return { ...state, units: { ...state.units, [productCode]: totals } };
}

function withShares(
  partners: readonly Partner[],
  allocation: readonly ShareAllocation[],
): Partner[] {
  const shares = new Map(allocation.map((a) => [a.enterpriseCode, a.shareBasisPoints]));
  return partners.map((p) => ({ ...p, shareBasisPoints: shares.get(p.enterpriseCode) ?? 0 }));
}

/** Applies one event to the state; pure. */
export function evolve(state: JointVentureState, event: JointVentureEvent): JointVentureState {
  const next = applyData(state, event);
  const phase = phaseEnteredBy(event.type);
  return phase === undefined || next.status === 'none' ? next : { ...next, phase };
}

/** What an event changes besides the phase. */
function applyData(state: JointVentureState, event: JointVentureEvent): JointVentureState {
  if (event.type === 'JointVentureEstablished') {
    const { name, decision, purposes, partners, productLines } = event.data;
    return {
      status: 'existing',
      phase: 'established',
      name,
      decision: { ...decision },
      purposes: [...purposes],
      partners: partners.map((p) => ({ ...p })),
      productLines: productLines.map((l) => ({ ...l })),
      ipResults: [],
      milestones: [],
      units: Object.fromEntries(productLines.map((l) => [l.productCode, ZERO_UNITS])),
    };
  }
  // A stream always starts with its establishment; anything before it cannot change the state.
  if (state.status === 'none') return state;

  switch (event.type) {
    case 'DevelopmentStarted':
    case 'ProductionStarted':
    case 'ModernizationStarted':
    case 'RepairStarted':
    case 'DisposalStarted':
    case 'DisposalCompleted':
    case 'JointVentureDissolved':
      return state;
    case 'DevelopmentMilestoneReached':
      return { ...state, milestones: [...state.milestones, { ...event.data }] };
    case 'BatchProduced':
      return countUnits(state, event.data.productCode, { produced: event.data.quantity });
    case 'ModernizationCompleted':
      return countUnits(state, event.data.productCode, { modernized: event.data.quantity });
    case 'RepairCompleted':
      return countUnits(state, event.data.productCode, { repaired: event.data.quantity });
    case 'UnitsDisposed':
      return countUnits(state, event.data.productCode, { disposed: event.data.quantity });
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
      const line = event.data;
      return {
        ...state,
        productLines: [...state.productLines, { ...line }],
        units: { ...state.units, [line.productCode]: state.units[line.productCode] ?? ZERO_UNITS },
      };
    }
    case 'IntellectualPropertyRegistered':
      return {
        ...state,
        ipResults: [
          ...state.ipResults,
          { ...event.data, rightsHolders: event.data.rightsHolders.map((h) => ({ ...h })) },
        ],
      };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The state after replaying a stream's events from the beginning. */
export function foldEvents(events: readonly JointVentureEvent[]): JointVentureState {
  return events.reduce(evolve, initialState());
}
