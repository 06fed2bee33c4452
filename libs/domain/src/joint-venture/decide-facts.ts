/**
 * Deciders of the facts of one stage: a milestone of development, a batch of production, a
 * disposal lot of the wind-down. Each takes effect on its own date, checked against the units
 * as they stood then and on every later date.
 */
import type { RecordBatch, RecordDisposalLot, RecordMilestone } from './commands';
import { effectiveDateIn } from './effective-dates';
import type { JointVentureEvent } from './events';
import { evolve } from './evolve';
import type { ExistingJointVenture, JointVentureState } from './state';
import { requireInService, requireUnitsHoldFrom } from './unit-checks';
import { checkKnownProduct, isText, Violations } from './validation';

/** The JV's state after `events`, as the checks that look ahead need it. */
export function after(
  jv: ExistingJointVenture,
  events: readonly JointVentureEvent[],
): ExistingJointVenture {
  return events.reduce<JointVentureState>(
    (state, event) => evolve(state, event),
    jv,
  ) as ExistingJointVenture;
}

/** Batch references of the batches that count (a reversed batch frees its reference). */
export function batchReferences(jv: ExistingJointVenture): Set<string> {
  return new Set(
    jv.facts.flatMap((fact) =>
      fact.event.type === 'BatchProduced' && !fact.reversed ? [fact.event.data.batchReference] : [],
    ),
  );
}

/** An optional product version: absent, or a label. */
function optionalVersion(v: Violations, field: string, value: unknown): string | null {
  if (value === undefined) return null;
  v.text(field, value);
  return isText(value) ? value : null;
}

export function recordMilestone(
  { data, now }: RecordMilestone,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const v = new Violations().text('name', data.name);
  const reachedOn = effectiveDateIn(v, jv, data.reachedOn, now, 'reachedOn');
  v.throwIfInvalid();
  return [
    {
      type: 'DevelopmentMilestoneReached',
      data: { name: data.name, reachedOn, effectiveOn: reachedOn },
    },
  ];
}

export function recordBatch(
  { data, now }: RecordBatch,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { productCode, quantity, batchReference } = data;
  const v = new Violations()
    .positiveInteger('quantity', quantity)
    .text('batchReference', batchReference);
  checkKnownProduct(v, jv, productCode);
  const productVersion = optionalVersion(v, 'productVersion', data.productVersion);
  if (isText(batchReference) && batchReferences(jv).has(batchReference))
    v.add(
      'batchReference',
      `${batchReference} is already the reference of a batch of this joint venture`,
    );
  const producedOn = effectiveDateIn(v, jv, data.producedOn, now, 'producedOn');
  v.throwIfInvalid();
  return [
    {
      type: 'BatchProduced',
      data: {
        productCode,
        productVersion,
        quantity,
        batchReference,
        producedOn,
        effectiveOn: producedOn,
      },
    },
  ];
}

export function recordDisposalLot(
  { data, now }: RecordDisposalLot,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { productCode, quantity, method } = data;
  const v = new Violations().positiveInteger('quantity', quantity).text('method', method);
  checkKnownProduct(v, jv, productCode);
  const productVersion = optionalVersion(v, 'productVersion', data.productVersion);
  const effectiveOn = effectiveDateIn(v, jv, data.effectiveOn, now);
  v.throwIfInvalid();
  // Without a version, any unit in service of the product may be disposed of.
  const version = data.productVersion === undefined ? undefined : productVersion;
  requireInService(jv, { productCode, version, quantity }, effectiveOn, 'dispose of');
  const events: JointVentureEvent[] = [
    { type: 'UnitsDisposed', data: { productCode, productVersion, quantity, method, effectiveOn } },
  ];
  requireUnitsHoldFrom(after(jv, events), effectiveOn);
  return events;
}
