/**
 * The lifecycle as data: which transitions leave each phase, which in-phase actions it allows,
 * which action each command performs and which event enters which phase. `decide` refuses
 * whatever these tables do not allow, `evolve` moves the phase by them, and read models,
 * notifications and the API derive what they show from them.
 */
import type { JointVentureCommandType } from './commands';
import type { JointVentureEventType } from './events';
import { isTerminal, type Phase } from './phases';
import type { ExistingJointVenture } from './state';
import { PURPOSES, type Purpose } from './values';

export const TRANSITION_ACTIONS = [
  'start-development',
  'start-production',
  'start-modernization',
  'start-repair',
  'start-disposal',
  'complete-modernization',
  'complete-repair',
  'complete-disposal',
  'dissolve',
] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

/** Actions that record something without changing the phase. */
export const IN_PHASE_ACTIONS = [
  'record-milestone',
  'record-batch',
  'record-disposal-lot',
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
] as const;
export type InPhaseAction = (typeof IN_PHASE_ACTIONS)[number];

export type LifecycleAction = 'establish' | TransitionAction | InPhaseAction;

export type Transition = Readonly<{ action: TransitionAction; to: Phase }>;

const dissolve: Transition = { action: 'dissolve', to: 'dissolved' };

/** Transitions out of each phase, before the purpose gate is applied. */
export const TRANSITIONS: Readonly<Record<Phase, readonly Transition[]>> = {
  established: [
    { action: 'start-development', to: 'development' },
    // A licensed design goes straight to production without a development phase.
    { action: 'start-production', to: 'production' },
    dissolve,
  ],
  development: [{ action: 'start-production', to: 'production' }, dissolve],
  production: [
    { action: 'start-modernization', to: 'modernization' },
    { action: 'start-repair', to: 'repair' },
    { action: 'start-disposal', to: 'disposal' },
    dissolve,
  ],
  modernization: [{ action: 'complete-modernization', to: 'production' }, dissolve],
  repair: [{ action: 'complete-repair', to: 'production' }, dissolve],
  disposal: [{ action: 'complete-disposal', to: 'closed' }, dissolve],
  closed: [],
  dissolved: [],
};

/** In-phase actions of one phase only; the common ones are allowed in any non-terminal phase. */
const PHASE_ONLY_ACTIONS: Partial<Record<Phase, readonly InPhaseAction[]>> = {
  development: ['record-milestone'],
  production: ['record-batch'],
  disposal: ['record-disposal-lot'],
};

const COMMON_ACTIONS: readonly InPhaseAction[] = [
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
];

/** The action each command performs, as named in the lifecycle and in refusals. */
export const COMMAND_ACTIONS: Readonly<Record<JointVentureCommandType, LifecycleAction>> = {
  EstablishJointVenture: 'establish',
  StartDevelopment: 'start-development',
  StartProduction: 'start-production',
  StartModernization: 'start-modernization',
  StartRepair: 'start-repair',
  StartDisposal: 'start-disposal',
  RecordMilestone: 'record-milestone',
  RecordBatch: 'record-batch',
  CompleteModernization: 'complete-modernization',
  CompleteRepair: 'complete-repair',
  RecordDisposalLot: 'record-disposal-lot',
  CompleteDisposal: 'complete-disposal',
  DissolveJointVenture: 'dissolve',
  AdmitPartner: 'admit-partner',
  WithdrawPartner: 'withdraw-partner',
  ReallocateShares: 'reallocate-shares',
  AddProductLine: 'add-product-line',
  RegisterIpResult: 'register-ip-result',
};

function isPurpose(phase: Phase): phase is Phase & Purpose {
  return (PURPOSES as readonly string[]).includes(phase);
}

/** A phase named by a purpose can be entered only by a JV set up with that purpose. */
function mayEnter(state: ExistingJointVenture, phase: Phase): boolean {
  return !isPurpose(phase) || state.purposes.includes(phase);
}

/** Lifecycle transitions allowed from the JV's phase, given its purposes. */
export function allowedTransitions(state: ExistingJointVenture): TransitionAction[] {
  return TRANSITIONS[state.phase].filter((t) => mayEnter(state, t.to)).map((t) => t.action);
}

/** In-phase actions allowed in a phase; none in a terminal one. */
export function allowedInPhaseActions(phase: Phase): InPhaseAction[] {
  if (isTerminal(phase)) return [];
  return [...(PHASE_ONLY_ACTIONS[phase] ?? []), ...COMMON_ACTIONS];
}

/** Everything the JV may do next: its allowed transitions, then its in-phase actions. */
export function allowedActions(state: ExistingJointVenture): (TransitionAction | InPhaseAction)[] {
  return [...allowedTransitions(state), ...allowedInPhaseActions(state.phase)];
}

export function isAllowed(state: ExistingJointVenture, action: LifecycleAction): boolean {
  return (allowedActions(state) as string[]).includes(action);
}

/**
 * The phase each event moves a JV into; every other event leaves the phase as it is. The one
 * place this is written: `evolve`, the read models and the notifications read it from here.
 */
export const PHASE_ENTERED_BY: Readonly<Partial<Record<JointVentureEventType, Phase>>> = {
  JointVentureEstablished: 'established',
  DevelopmentStarted: 'development',
  ProductionStarted: 'production',
  ModernizationStarted: 'modernization',
  ModernizationCompleted: 'production',
  RepairStarted: 'repair',
  RepairCompleted: 'production',
  DisposalStarted: 'disposal',
  DisposalCompleted: 'closed',
  JointVentureDissolved: 'dissolved',
};

/** The phase an event of this type enters, or undefined when it records something in-phase. */
export function phaseEnteredBy(type: JointVentureEventType): Phase | undefined {
  return PHASE_ENTERED_BY[type];
}
