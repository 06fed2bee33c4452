/**
 * Decides which events a command records, or refuses it with a typed error: first existence,
 * then the lifecycle table, then the command's own content, then the JV's invariants.
 */
import type {
  AddProductLine,
  AdmitPartner,
  CompleteModernization,
  CompleteRepair,
  DissolveJointVenture,
  EstablishJointVenture,
  JointVentureCommand,
  RecordBatch,
  RecordDisposalLot,
  RecordMilestone,
  ReallocateShares,
  RegisterIpResult,
  WithdrawPartner,
} from './commands';
import {
  IllegalTransitionError,
  InvariantViolationError,
  JointVentureAlreadyExistsError,
  JointVentureNotFoundError,
} from './errors';
import type { JointVentureEvent } from './events';
import { evolve } from './evolve';
import { allowedActions, COMMAND_ACTIONS, isAllowed, type LifecycleAction } from './lifecycle';
import { initialState, type ExistingJointVenture, type JointVentureState } from './state';
import {
  checkInService,
  checkKnownProduct,
  checkMemberState,
  checkPartnerChange,
  checkProductLine,
  checkEstablishment,
  checkShares,
  isText,
  Violations,
} from './validation';
import { IP_RESULT_KINDS, type Partner, type ProductLine, type ShareAllocation } from './values';

const copyShares = (entries: readonly ShareAllocation[]): ShareAllocation[] =>
  entries.map(({ enterpriseCode, shareBasisPoints }) => ({ enterpriseCode, shareBasisPoints }));

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
      },
    },
  ];
}

/**
 * A modernization or repair can only complete on units in service; entering one with none
 * would leave the JV in a phase it cannot complete, so it is refused up front.
 */
function requireUnitsInService(jv: ExistingJointVenture, work: string): void {
  const inService = Object.values(jv.units).reduce((sum, totals) => sum + totals.inService, 0);
  if (inService === 0)
    throw new InvariantViolationError([
      { field: 'units', message: `no units are in service to ${work}` },
    ]);
}

/** The JV the command applies to, provided the lifecycle allows the action in its phase. */
function applicable(command: JointVentureCommand, state: JointVentureState): ExistingJointVenture {
  if (state.status === 'none') throw new JointVentureNotFoundError(command.jointVentureId);
  const action: LifecycleAction = COMMAND_ACTIONS[command.type];
  if (!isAllowed(state, action)) {
    throw new IllegalTransitionError(action, state.phase, allowedActions(state));
  }
  return state;
}

function admitPartner({ data }: AdmitPartner, jv: ExistingJointVenture): JointVentureEvent[] {
  const { enterpriseCode, name, memberState } = data.partner;
  const v = new Violations()
    .text('partner.enterpriseCode', enterpriseCode)
    .text('partner.name', name);
  checkMemberState(v, 'partner.memberState', memberState);
  if (jv.partners.some((p) => p.enterpriseCode === enterpriseCode)) {
    v.add('partner.enterpriseCode', `${enterpriseCode} is already a partner`);
  }
  const admitted: Partner = { enterpriseCode, name, memberState, shareBasisPoints: 0 };
  checkPartnerChange(v, data.allocation, [...jv.partners, admitted], 'partner');
  const partner = { enterpriseCode, name, memberState };
  return [{ type: 'PartnerAdmitted', data: { partner, allocation: copyShares(data.allocation) } }];
}

function withdrawPartner({ data }: WithdrawPartner, jv: ExistingJointVenture): JointVentureEvent[] {
  const { enterpriseCode, allocation } = data;
  const v = new Violations();
  if (!jv.partners.some((p) => p.enterpriseCode === enterpriseCode)) {
    v.add('enterpriseCode', `${enterpriseCode} is not a partner`);
  }
  const remaining = jv.partners.filter((p) => p.enterpriseCode !== enterpriseCode);
  checkPartnerChange(v, allocation, remaining, 'enterpriseCode');
  return [
    { type: 'PartnerWithdrawn', data: { enterpriseCode, allocation: copyShares(allocation) } },
  ];
}

function reallocateShares(
  { data }: ReallocateShares,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  checkPartnerChange(new Violations(), data.allocation, [...jv.partners], 'allocation');
  return [{ type: 'SharesReallocated', data: { allocation: copyShares(data.allocation) } }];
}

function addProductLine({ data }: AddProductLine, jv: ExistingJointVenture): JointVentureEvent[] {
  const v = new Violations();
  checkProductLine(v, '', data);
  if (jv.productLines.some((l) => l.productCode === data.productCode)) {
    v.add('productCode', `${data.productCode} is already a product line`);
  }
  v.throwIfInvalid();
  return [{ type: 'ProductLineAdded', data: copyLine(data) }];
}

function registerIpResult(
  { data }: RegisterIpResult,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { ipResultId, title, kind, rightsHolders } = data;
  const v = new Violations().text('ipResultId', ipResultId).text('title', title);
  if (jv.ipResults.some((r) => r.ipResultId === ipResultId)) {
    v.add('ipResultId', `${ipResultId} is already registered`);
  }
  if (!(IP_RESULT_KINDS as readonly string[]).includes(kind)) {
    v.add('kind', `must be one of ${IP_RESULT_KINDS.join(', ')}`);
  }
  checkShares(v, 'rightsHolders', rightsHolders, {
    eligible: new Set(jv.partners.map((p) => p.enterpriseCode)),
    eligibleMessage: 'is not a partner of the joint venture',
  });
  v.throwIfInvalid();
  const registered = { ipResultId, title, kind, rightsHolders: copyShares(rightsHolders) };
  return [{ type: 'IntellectualPropertyRegistered', data: registered }];
}

function recordMilestone({ data, now }: RecordMilestone): JointVentureEvent[] {
  new Violations()
    .text('name', data.name)
    .isoDate('reachedOn', data.reachedOn)
    .notInFuture('reachedOn', data.reachedOn, now)
    .throwIfInvalid();
  return [
    { type: 'DevelopmentMilestoneReached', data: { name: data.name, reachedOn: data.reachedOn } },
  ];
}

function recordBatch({ data, now }: RecordBatch, jv: ExistingJointVenture): JointVentureEvent[] {
  const { productCode, quantity, batchReference, producedOn } = data;
  const v = new Violations()
    .positiveInteger('quantity', quantity)
    .text('batchReference', batchReference)
    .isoDate('producedOn', producedOn)
    .notInFuture('producedOn', producedOn, now);
  checkKnownProduct(v, jv, productCode);
  v.throwIfInvalid();
  return [{ type: 'BatchProduced', data: { productCode, quantity, batchReference, producedOn } }];
}

function completeModernization(
  { data }: CompleteModernization,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { productCode, fromVersion, toVersion, quantity } = data;
  const v = new Violations()
    .text('fromVersion', fromVersion)
    .text('toVersion', toVersion)
    .positiveInteger('quantity', quantity);
  checkKnownProduct(v, jv, productCode);
  if (isText(fromVersion) && fromVersion === toVersion)
    v.add('toVersion', 'must differ from fromVersion');
  v.throwIfInvalid();
  checkInService(jv, productCode, quantity, 'modernize');
  return [
    { type: 'ModernizationCompleted', data: { productCode, fromVersion, toVersion, quantity } },
  ];
}

function completeRepair({ data }: CompleteRepair, jv: ExistingJointVenture): JointVentureEvent[] {
  const { productCode, quantity } = data;
  const v = new Violations().positiveInteger('quantity', quantity);
  checkKnownProduct(v, jv, productCode);
  v.throwIfInvalid();
  checkInService(jv, productCode, quantity, 'repair');
  return [{ type: 'RepairCompleted', data: { productCode, quantity } }];
}

function recordDisposalLot(
  { data }: RecordDisposalLot,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { productCode, quantity, method } = data;
  const v = new Violations().positiveInteger('quantity', quantity).text('method', method);
  checkKnownProduct(v, jv, productCode);
  v.throwIfInvalid();
  checkInService(jv, productCode, quantity, 'dispose of');
  return [{ type: 'UnitsDisposed', data: { productCode, quantity, method } }];
}

function dissolve({ data }: DissolveJointVenture): JointVentureEvent[] {
  new Violations().text('reason', data.reason).throwIfInvalid();
  return [{ type: 'JointVentureDissolved', data: { reason: data.reason } }];
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
      return [{ type: 'DevelopmentStarted', data: {} }];
    case 'StartProduction':
      return [{ type: 'ProductionStarted', data: {} }];
    case 'StartModernization':
      requireUnitsInService(jv, 'modernize');
      return [{ type: 'ModernizationStarted', data: {} }];
    case 'StartRepair':
      requireUnitsInService(jv, 'repair');
      return [{ type: 'RepairStarted', data: {} }];
    case 'StartDisposal':
      return [{ type: 'DisposalStarted', data: {} }];
    case 'CompleteDisposal':
      return [{ type: 'DisposalCompleted', data: {} }];
    case 'RecordMilestone':
      return recordMilestone(command);
    case 'RecordBatch':
      return recordBatch(command, jv);
    case 'CompleteModernization':
      return completeModernization(command, jv);
    case 'CompleteRepair':
      return completeRepair(command, jv);
    case 'RecordDisposalLot':
      return recordDisposalLot(command, jv);
    case 'DissolveJointVenture':
      return dissolve(command);
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
