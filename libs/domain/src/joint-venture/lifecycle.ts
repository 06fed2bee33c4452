/**
 * The lifecycle as data: which transitions leave each stage, which in-stage actions it allows,
 * which action each command performs and which event enters which stage. `decide` refuses
 * whatever these tables do not allow, `evolve` moves the stage by them, and read models,
 * notifications and the API derive what they show from them.
 */
import type { CommandOf, JointVentureCommand, JointVentureCommandType } from './commands';
import type { JointVentureEventType } from './events';
import { isTerminal, type Stage } from './stages';
import type { ExistingJointVenture } from './state';
import type { Purpose, WorkOrderKind } from './values';

export const TRANSITION_ACTIONS = [
  'start-development',
  'start-production',
  'start-disposal',
  'complete-disposal',
  'dissolve',
] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

/** Actions that record something without changing the stage. */
export const IN_STAGE_ACTIONS = [
  'record-milestone',
  'record-batch',
  'open-modernization-order',
  'open-repair-order',
  'record-work-order-progress',
  'complete-work-order',
  'cancel-work-order',
  'record-disposal-lot',
  'correct-fact',
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
] as const;
export type InStageAction = (typeof IN_STAGE_ACTIONS)[number];

export type LifecycleAction = 'establish' | TransitionAction | InStageAction;

export type Transition = Readonly<{ action: TransitionAction; to: Stage }>;

const dissolve: Transition = { action: 'dissolve', to: 'dissolved' };

/** Transitions out of each stage, before the purpose gate is applied. */
export const TRANSITIONS: Readonly<Record<Stage, readonly Transition[]>> = {
  established: [
    { action: 'start-development', to: 'development' },
    // A licensed design goes straight to production without a development stage.
    { action: 'start-production', to: 'production' },
    dissolve,
  ],
  development: [{ action: 'start-production', to: 'production' }, dissolve],
  production: [{ action: 'start-disposal', to: 'disposal' }, dissolve],
  // Closing also needs every work order finished (checked by `decide`).
  disposal: [{ action: 'complete-disposal', to: 'closed' }, dissolve],
  closed: [],
  dissolved: [],
};

/** Work orders that are already open may still finish during the wind-down. */
const WORK_ORDER_UPKEEP: readonly InStageAction[] = [
  'record-work-order-progress',
  'complete-work-order',
  'cancel-work-order',
];

/** In-stage actions of one stage only; the common ones are allowed in any non-terminal stage. */
const STAGE_ONLY_ACTIONS: Partial<Record<Stage, readonly InStageAction[]>> = {
  development: ['record-milestone'],
  production: [
    'record-batch',
    'open-modernization-order',
    'open-repair-order',
    ...WORK_ORDER_UPKEEP,
  ],
  disposal: ['record-disposal-lot', ...WORK_ORDER_UPKEEP],
};

const COMMON_ACTIONS: readonly InStageAction[] = [
  'correct-fact',
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
];

/** Stages and actions named by a purpose: possible only for a JV set up with that purpose. */
const PURPOSE_OF: Readonly<Partial<Record<Stage | InStageAction, Purpose>>> = {
  development: 'development',
  production: 'production',
  disposal: 'disposal',
  'open-modernization-order': 'modernization',
  'open-repair-order': 'repair',
};

const OPEN_ORDER: Readonly<Record<WorkOrderKind, InStageAction>> = {
  modernization: 'open-modernization-order',
  repair: 'open-repair-order',
};

/** The action each command performs, as named in the lifecycle and in refusals. */
const COMMAND_ACTIONS: Readonly<
  Record<
    Exclude<JointVentureCommandType, 'OpenWorkOrder' | 'StartOpenEndedWorkOrder'>,
    LifecycleAction
  >
> = {
  EstablishJointVenture: 'establish',
  StartDevelopment: 'start-development',
  StartProduction: 'start-production',
  StartDisposal: 'start-disposal',
  CompleteDisposal: 'complete-disposal',
  DissolveJointVenture: 'dissolve',
  RecordMilestone: 'record-milestone',
  RecordBatch: 'record-batch',
  RecordDisposalLot: 'record-disposal-lot',
  RecordWorkOrderProgress: 'record-work-order-progress',
  CompleteWorkOrder: 'complete-work-order',
  CancelWorkOrder: 'cancel-work-order',
  CompleteOpenEndedWorkOrder: 'complete-work-order',
  CorrectFact: 'correct-fact',
  AdmitPartner: 'admit-partner',
  WithdrawPartner: 'withdraw-partner',
  ReallocateShares: 'reallocate-shares',
  AddProductLine: 'add-product-line',
  RegisterIpResult: 'register-ip-result',
};

/** The action a command performs; opening a work order is named by its (valid) kind. */
export function actionOf(command: JointVentureCommand): LifecycleAction {
  if (command.type === 'OpenWorkOrder' || command.type === 'StartOpenEndedWorkOrder')
    return OPEN_ORDER[(command as CommandOf<'OpenWorkOrder'>).data.kind];
  return COMMAND_ACTIONS[command.type];
}

/** A stage or action named by a purpose is allowed only to a JV set up with that purpose. */
function purposeAllows(state: ExistingJointVenture, named: Stage | InStageAction): boolean {
  const purpose = PURPOSE_OF[named];
  return purpose === undefined || state.purposes.includes(purpose);
}

/** Lifecycle transitions allowed from the JV's stage, given its purposes. */
export function allowedTransitions(state: ExistingJointVenture): TransitionAction[] {
  return TRANSITIONS[state.stage].filter((t) => purposeAllows(state, t.to)).map((t) => t.action);
}

/** In-stage actions allowed in a stage (given the purposes, when a JV is named); none in a terminal one. */
export function allowedInStageActions(stage: Stage, state?: ExistingJointVenture): InStageAction[] {
  if (isTerminal(stage)) return [];
  const actions = [...(STAGE_ONLY_ACTIONS[stage] ?? []), ...COMMON_ACTIONS];
  return state === undefined ? actions : actions.filter((a) => purposeAllows(state, a));
}

/** Everything the JV may do next: its allowed transitions, then its in-stage actions. */
export function allowedActions(state: ExistingJointVenture): (TransitionAction | InStageAction)[] {
  return [...allowedTransitions(state), ...allowedInStageActions(state.stage, state)];
}

export function isAllowed(state: ExistingJointVenture, action: LifecycleAction): boolean {
  return (allowedActions(state) as string[]).includes(action);
}

/**
 * The stage each event moves a JV into; every other event leaves the stage as it is. The one
 * place this is written: `evolve`, the read models and the notifications read it from here.
 */
export const STAGE_ENTERED_BY: Readonly<Partial<Record<JointVentureEventType, Stage>>> = {
  JointVentureEstablished: 'established',
  DevelopmentStarted: 'development',
  ProductionStarted: 'production',
  DisposalStarted: 'disposal',
  DisposalCompleted: 'closed',
  JointVentureDissolved: 'dissolved',
};

/** The stage an event of this type enters, or undefined when it records something in-stage. */
export function stageEnteredBy(type: JointVentureEventType): Stage | undefined {
  return STAGE_ENTERED_BY[type];
}
