/**
 * Deciders of work orders: modernization programmes and repair orders, each with its own id,
 * several open at once within the units available. An order with units takes them out of
 * service when it opens; its progress brings them back upgraded, repaired or written off, and
 * completing or cancelling it returns the rest unchanged. The deprecated routes open and
 * complete open-ended orders, which take no units out and name what they did when they complete.
 */
import type {
  CancelWorkOrder,
  CompleteOpenEndedWorkOrder,
  CompleteWorkOrder,
  OpenWorkOrder,
  RecordWorkOrderProgress,
  StartOpenEndedWorkOrder,
} from './commands';
import { after } from './decide-facts';
import { effectiveDateIn } from './effective-dates';
import { InvalidCommandError, InvariantViolationError } from './errors';
import type { JointVentureEvent } from './events';
import type { ExistingJointVenture, WorkOrder } from './state';
import { requireInService, requireUnitsHoldFrom } from './unit-checks';
import { checkKnownProduct, isText, Violations } from './validation';
import type { WorkOrderKind } from './values';

const VERB: Readonly<Record<WorkOrderKind, string>> = {
  modernization: 'modernize',
  repair: 'repair',
};

function uniqueId(v: Violations, jv: ExistingJointVenture, workOrderId: string): void {
  v.text('workOrderId', workOrderId);
  if (jv.workOrders.some((o) => o.workOrderId === workOrderId))
    v.add('workOrderId', `${workOrderId} is already a work order of this joint venture`);
}

/** A modernization needs a target version that differs from its source; a repair has none. */
function checkVersions(
  v: Violations,
  kind: WorkOrderKind,
  data: Readonly<{ fromVersion?: string; toVersion?: string }>,
): void {
  const { fromVersion, toVersion } = data;
  if (fromVersion !== undefined) v.text('fromVersion', fromVersion);
  if (kind === 'repair') {
    if (toVersion !== undefined) v.add('toVersion', 'a repair keeps the version: give none');
    return;
  }
  v.text('toVersion', toVersion);
  if (isText(toVersion) && fromVersion === toVersion)
    v.add('toVersion', 'must differ from fromVersion');
}

export function openWorkOrder(
  command: OpenWorkOrder,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { workOrderId, kind, productCode, quantity, fromVersion, toVersion } = command.data;
  const v = new Violations();
  uniqueId(v, jv, workOrderId);
  checkKnownProduct(v, jv, productCode);
  v.positiveInteger('quantity', quantity);
  checkVersions(v, kind, command.data);
  const effectiveOn = effectiveDateIn(v, jv, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  const version = fromVersion ?? null;
  requireInService(jv, { productCode, version, quantity }, effectiveOn, VERB[kind]);
  const units = { productCode, fromVersion: version, toVersion: toVersion ?? null, quantity };
  const events: JointVentureEvent[] = [
    { type: 'WorkOrderOpened', data: { workOrderId, kind, units, effectiveOn } },
  ];
  requireUnitsHoldFrom(after(jv, events), effectiveOn);
  return events;
}

/** The open order `workOrderId` names, or a refusal naming it. */
function openOrder(jv: ExistingJointVenture, workOrderId: string): WorkOrder {
  const order = jv.workOrders.find((o) => o.workOrderId === workOrderId);
  if (order === undefined)
    throw new InvalidCommandError([
      { field: 'workOrderId', message: `${workOrderId} is not a work order of this joint venture` },
    ]);
  if (order.status !== 'open')
    throw new InvariantViolationError([
      { field: 'workOrderId', message: `work order ${workOrderId} is ${order.status}` },
    ]);
  return order;
}

/** The latest effective date of the order's progress that counts; its opening date if none. */
function lastActivityOn(jv: ExistingJointVenture, order: WorkOrder): string {
  return jv.facts.reduce((latest, { event, reversed }) => {
    const mine =
      event.type === 'WorkOrderProgressed' && event.data.workOrderId === order.workOrderId;
    return mine && !reversed && event.data.effectiveOn > latest ? event.data.effectiveOn : latest;
  }, order.openedOn);
}

/** When a fact about the order took effect: today or `requested`, never before its last activity. */
function orderDate(
  v: Violations,
  jv: ExistingJointVenture,
  order: WorkOrder,
  requested: unknown,
  now: string,
) {
  const effectiveOn = effectiveDateIn(v, jv, requested, now);
  const since = lastActivityOn(jv, order);
  if (v.isEmpty && effectiveOn < since)
    v.add('effectiveOn', `must not lie before ${since}, the work order's last recorded activity`);
  return effectiveOn;
}

const COUNTS = ['upgraded', 'repaired', 'writtenOff'] as const;

export function recordWorkOrderProgress(
  command: RecordWorkOrderProgress,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const order = openOrder(jv, command.data.workOrderId);
  const v = new Violations();
  if (order.units === null)
    v.add('workOrderId', 'an open-ended work order names its units when it completes');
  const counts = { upgraded: 0, repaired: 0, writtenOff: 0 };
  for (const field of COUNTS) {
    const value = command.data[field];
    if (value === undefined) continue;
    if (value !== 0) v.positiveInteger(field, value);
    counts[field] = value;
  }
  if (order.kind === 'modernization' && counts.repaired !== 0)
    v.add('repaired', 'a modernization upgrades or writes off units');
  if (order.kind === 'repair' && counts.upgraded !== 0)
    v.add('upgraded', 'a repair repairs or writes off units');
  const total = counts.upgraded + counts.repaired + counts.writtenOff;
  if (v.isEmpty && !(total > 0))
    v.add('upgraded', 'name at least one unit upgraded, repaired or written off');
  const effectiveOn = orderDate(v, jv, order, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  if (total > order.held) {
    const field = COUNTS.find((f) => counts[f] > 0) ?? 'upgraded';
    new Violations()
      .add(field, `work order ${order.workOrderId} holds ${order.held} units, not ${total}`)
      .throwIfBroken();
  }
  const { productCode, fromVersion, toVersion } = order.units!;
  const events: JointVentureEvent[] = [
    {
      type: 'WorkOrderProgressed',
      data: {
        workOrderId: order.workOrderId,
        kind: order.kind,
        productCode,
        fromVersion,
        toVersion,
        ...counts,
        effectiveOn,
      },
    },
  ];
  requireUnitsHoldFrom(
    after(jv, events),
    effectiveOn,
    COUNTS.find((f) => counts[f] > 0),
  );
  return events;
}

/** Completing or cancelling: the units the order still holds go back into service. */
function closing(order: WorkOrder) {
  return {
    workOrderId: order.workOrderId,
    kind: order.kind,
    productCode: order.units?.productCode ?? null,
    fromVersion: order.units?.fromVersion ?? null,
    returned: order.held,
  };
}

export function completeWorkOrder(
  command: CompleteWorkOrder,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const order = openOrder(jv, command.data.workOrderId);
  const v = new Violations();
  const effectiveOn = orderDate(v, jv, order, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  const events: JointVentureEvent[] = [
    { type: 'WorkOrderCompleted', data: { ...closing(order), handled: null, effectiveOn } },
  ];
  requireUnitsHoldFrom(after(jv, events), effectiveOn, 'effectiveOn');
  return events;
}

export function cancelWorkOrder(
  command: CancelWorkOrder,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const order = openOrder(jv, command.data.workOrderId);
  const { reason } = command.data;
  const v = new Violations();
  if (reason !== undefined) v.text('reason', reason);
  const effectiveOn = orderDate(v, jv, order, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  const events: JointVentureEvent[] = [
    {
      type: 'WorkOrderCancelled',
      data: { ...closing(order), reason: reason ?? null, effectiveOn },
    },
  ];
  requireUnitsHoldFrom(after(jv, events), effectiveOn, 'effectiveOn');
  return events;
}

/** The JV's open open-ended order of a kind: there is at most one, as there was one phase. */
const openEnded = (jv: ExistingJointVenture, kind: WorkOrderKind) =>
  jv.workOrders.find((o) => o.status === 'open' && o.units === null && o.kind === kind);

export function startOpenEndedWorkOrder(
  command: StartOpenEndedWorkOrder,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { workOrderId, kind } = command.data;
  const already = openEnded(jv, kind);
  if (already !== undefined)
    throw new InvariantViolationError([
      {
        field: 'kind',
        message: `${kind} is already under way (work order ${already.workOrderId})`,
      },
    ]);
  const v = new Violations();
  uniqueId(v, jv, workOrderId);
  const effectiveOn = effectiveDateIn(v, jv, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  return [{ type: 'WorkOrderOpened', data: { workOrderId, kind, units: null, effectiveOn } }];
}

export function completeOpenEndedWorkOrder(
  command: CompleteOpenEndedWorkOrder,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { kind, productCode, quantity } = command.data;
  const order = openEnded(jv, kind);
  if (order === undefined)
    throw new InvariantViolationError([
      {
        field: 'kind',
        message: `no ${kind} is under way: start one first, or use the work-order routes`,
      },
    ]);
  const v = new Violations();
  if (kind === 'modernization' && command.data.fromVersion === undefined)
    v.add('fromVersion', 'must not be empty');
  checkVersions(v, kind, command.data);
  v.positiveInteger('quantity', quantity);
  checkKnownProduct(v, jv, productCode);
  const effectiveOn = orderDate(v, jv, order, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  // As in release 0.1.0: the units stay in service, of whatever version they are.
  requireInService(jv, { productCode, quantity }, effectiveOn, VERB[kind]);
  const handled = {
    productCode,
    fromVersion: command.data.fromVersion ?? null,
    toVersion: command.data.toVersion ?? null,
    quantity,
  };
  const events: JointVentureEvent[] = [
    { type: 'WorkOrderCompleted', data: { ...closing(order), handled, effectiveOn } },
  ];
  requireUnitsHoldFrom(after(jv, events), effectiveOn);
  return events;
}
