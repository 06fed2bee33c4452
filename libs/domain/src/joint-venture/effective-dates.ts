/**
 * Every fact takes effect on a date: the one it names (a batch's `producedOn`, a milestone's
 * `reachedOn`, the establishment's decision date) or `effectiveOn`, by default the day it is
 * recorded. It may lie in the past, not before the JV's decision date, not in the future.
 */
import type { ExistingJointVenture } from './state';
import { Violations } from './validation';

/** The calendar day of an ISO-8601 instant (UTC). */
export const dayOf = (instant: string): string => instant.slice(0, 10);

/**
 * The effective date `value` names, or today when it is absent; a violation of `field` is
 * added to `v` when the JV cannot have a fact on that date.
 */
export function effectiveDateIn(
  v: Violations,
  jv: ExistingJointVenture,
  value: unknown,
  now: string,
  field = 'effectiveOn',
): string {
  const date = value === undefined ? dayOf(now) : value;
  v.effectiveDate(field, date, jv.decision.date, now);
  return String(date);
}

/** The command's `effectiveOn` (or today), refused when the JV cannot have a fact on that date. */
export function effectiveOnOf(
  command: Readonly<{ now: string; data: Readonly<{ effectiveOn?: string }> }>,
  jv: ExistingJointVenture,
): string {
  const v = new Violations();
  const date = effectiveDateIn(v, jv, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  return date;
}
