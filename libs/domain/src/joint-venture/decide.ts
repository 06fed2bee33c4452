/**
 * Decides which events a command records, or refuses it with a typed error: first existence,
 * then the lifecycle table, then the command's own content, then the JV's invariants.
 */
import type { DissolveJointVenture, EstablishJointVenture, JointVentureCommand } from './commands';
import { decideCorrection } from './decide-corrections';
import {
  addProductLine,
  admitPartner,
  reallocateShares,
  registerIpResult,
  withdrawPartner,
} from './decide-partners';
import { recordBatch, recordDisposalLot, recordMilestone } from './decide-facts';
import {
  cancelWorkOrder,
  completeOpenEndedWorkOrder,
  completeWorkOrder,
  openWorkOrder,
  recordWorkOrderProgress,
  startOpenEndedWorkOrder,
} from './decide-work-orders';
import {
  IllegalTransitionError,
  InvariantViolationError,
  JointVentureAlreadyExistsError,
  JointVentureNotFoundError,
} from './errors';
import type { JointVentureEvent } from './events';
import { evolve } from './evolve';
import { actionOf, allowedActions, isAllowed } from './lifecycle';
import {
  initialState,
  openWorkOrders,
  type ExistingJointVenture,
  type JointVentureState,
} from './state';
import { effectiveOnOf } from './effective-dates';
import { checkEstablishment, Violations } from './validation';
import { WORK_ORDER_KINDS, type Partner, type ProductLine } from './values';

const copyLine = ({ productCode, name, standard }: ProductLine): ProductLine =>
  standard === undefined ? { productCode, name } : { productCode, name, standard };

const copyPartner = ({
  enterpriseCode,
  name,
  memberState,
  shareBasisPoints,
}: Partner): Partner => ({
  enterpriseCode,
  name,
  memberState,
  shareBasisPoints,
});

/** The establishment takes effect on the date of the decision that set the JV up. */
function establish(command: EstablishJointVenture, state: JointVentureState): JointVentureEvent[] {
  if (state.status === 'existing') throw new JointVentureAlreadyExistsError(command.jointVentureId);
  const { name, decision, purposes, partners, productLines } = command.data;
  checkEstablishment(command.data, command.now);
  return [
    {
      type: 'JointVentureEstablished',
      data: {
        name,
        decision: { reference: decision.reference, date: decision.date },
        purposes: [...purposes],
        partners: partners.map(copyPartner),
        productLines: productLines.map(copyLine),
        effectiveOn: decision.date.slice(0, 10),
      },
    },
  ];
}

/** The JV the command applies to, provided the lifecycle allows the action in its stage. */
function applicable(command: JointVentureCommand, state: JointVentureState): ExistingJointVenture {
  if (state.status === 'none') throw new JointVentureNotFoundError(command.jointVentureId);
  if (command.type === 'OpenWorkOrder' || command.type === 'StartOpenEndedWorkOrder') {
    if (!(WORK_ORDER_KINDS as readonly string[]).includes(command.data.kind))
      new Violations()
        .add('kind', `must be one of ${WORK_ORDER_KINDS.join(', ')}`)
        .throwIfInvalid();
  }
  const action = actionOf(command);
  if (!isAllowed(state, action)) {
    throw new IllegalTransitionError(action, state.stage, allowedActions(state));
  }
  return state;
}

type Transition = Extract<
  JointVentureCommand,
  { type: 'StartDevelopment' | 'StartProduction' | 'StartDisposal' | 'CompleteDisposal' }
>;
const ENTERED_BY = {
  StartDevelopment: 'DevelopmentStarted',
  StartProduction: 'ProductionStarted',
  StartDisposal: 'DisposalStarted',
  CompleteDisposal: 'DisposalCompleted',
} as const;

/** A stage transition takes effect no earlier than the stage it leaves. */
function transitionDate(
  command: Readonly<{ now: string; data: Readonly<{ effectiveOn?: string }> }>,
  jv: ExistingJointVenture,
): string {
  const effectiveOn = effectiveOnOf(command, jv);
  if (effectiveOn < jv.stageSince)
    new Violations()
      .add('effectiveOn', `must not lie before ${jv.stageSince}, when the ${jv.stage} stage began`)
      .throwIfInvalid();
  return effectiveOn;
}

function transition(command: Transition, jv: ExistingJointVenture): JointVentureEvent[] {
  const effectiveOn = transitionDate(command, jv);
  if (command.type === 'CompleteDisposal') {
    const open = openWorkOrders(jv);
    if (open.length > 0)
      throw new InvariantViolationError([
        {
          field: 'workOrders',
          message: `cannot close with open work orders: ${open.map((o) => o.workOrderId).join(', ')}`,
        },
      ]);
  }
  return [{ type: ENTERED_BY[command.type], data: { effectiveOn } } as JointVentureEvent];
}

function dissolve(command: DissolveJointVenture, jv: ExistingJointVenture): JointVentureEvent[] {
  new Violations().text('reason', command.data.reason).throwIfInvalid();
  const effectiveOn = transitionDate(command, jv);
  return [{ type: 'JointVentureDissolved', data: { reason: command.data.reason, effectiveOn } }];
}

/** The events a command records against the JV's current state; throws a DomainError to refuse it. */
export function decide(
  command: JointVentureCommand,
  state: JointVentureState,
): JointVentureEvent[] {
  if (command.type === 'EstablishJointVenture') return establish(command, state);
  const jv = applicable(command, state);
  switch (command.type) {
    case 'StartDevelopment':
    case 'StartProduction':
    case 'StartDisposal':
    case 'CompleteDisposal':
      return transition(command, jv);
    case 'DissolveJointVenture':
      return dissolve(command, jv);
    case 'RecordMilestone':
      return recordMilestone(command, jv);
    case 'RecordBatch':
      return recordBatch(command, jv);
    case 'RecordDisposalLot':
      return recordDisposalLot(command, jv);
    case 'OpenWorkOrder':
      return openWorkOrder(command, jv);
    case 'RecordWorkOrderProgress':
      return recordWorkOrderProgress(command, jv);
    case 'CompleteWorkOrder':
      return completeWorkOrder(command, jv);
    case 'CancelWorkOrder':
      return cancelWorkOrder(command, jv);
    case 'StartOpenEndedWorkOrder':
      return startOpenEndedWorkOrder(command, jv);
    case 'CompleteOpenEndedWorkOrder':
      return completeOpenEndedWorkOrder(command, jv);
    case 'CorrectFact':
      return decideCorrection(command, jv);
    case 'AdmitPartner':
      return admitPartner(command, jv);
    case 'WithdrawPartner':
      return withdrawPartner(command, jv);
    case 'ReallocateShares':
      return reallocateShares(command, jv);
    case 'AddProductLine':
      return addProductLine(command, jv);
    case 'RegisterIpResult':
      return registerIpResult(command, jv);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** The emmett-style decider: everything a command handler needs to run the aggregate. */
export const jointVentureDecider = { decide, evolve, initialState } as const;
