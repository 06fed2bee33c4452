/**
 * Quantities are checked against the units as they stood on the fact's effective date, and a
 * fact dated in the past must not leave any later date short of the units its facts used.
 * "As of a date" counts the facts effective on or before it, in the order they were recorded.
 */
import { InvariantViolationError } from './errors';
import type { ExistingJointVenture, RecordedFact } from './state';
import { countUnits, inServiceAt, unitProblems, type Units } from './units';
import type { ProductVersion } from './values';

const counted = (jv: ExistingJointVenture): RecordedFact[] => jv.facts.filter((f) => !f.reversed);
const effectiveOn = (fact: RecordedFact) => fact.event.data.effectiveOn;

/** The latest effective date of the facts that count; '' when there are none. */
function latestDate(facts: readonly RecordedFact[]): string {
  return facts.reduce(
    (latest, fact) => (effectiveOn(fact) > latest ? effectiveOn(fact) : latest),
    '',
  );
}

/** The JV's units as of the end of `date`. */
export function unitsAsOf(jv: ExistingJointVenture, date: string): Units {
  const facts = counted(jv);
  if (date >= latestDate(facts)) return jv.units;
  const events = facts.filter((f) => effectiveOn(f) <= date).map((f) => f.event);
  return countUnits(jv.productLines, events);
}

const versionLabel = (version: ProductVersion | undefined) =>
  version === undefined ? '' : version === null ? ' of unrecorded version' : ` ${version}`;

/**
 * Refuses taking `quantity` units in service of a product (of `version` exactly, or of any
 * version when it is undefined) that were not in service on `date`.
 */
export function requireInService(
  jv: ExistingJointVenture,
  request: Readonly<{ productCode: string; version?: ProductVersion; quantity: number }>,
  date: string,
  verb: string,
  field = 'quantity',
): void {
  const { productCode, version, quantity } = request;
  const units = unitsAsOf(jv, date);
  const available =
    version === undefined
      ? (units[productCode]?.inService ?? 0)
      : inServiceAt(units, productCode, version);
  if (quantity <= available) return;
  const when = date < latestDate(counted(jv)) ? ` on ${date}` : '';
  throw new InvariantViolationError([
    {
      field,
      message: `cannot ${verb} ${quantity} units of ${productCode}${versionLabel(version)}: ${available} in service${when}`,
    },
  ]);
}

/**
 * Refuses a state whose units break the invariant on `from` or on any later date a fact took
 * effect: a fact dated in the past may not take units that later facts had already used.
 */
export function requireUnitsHoldFrom(
  after: ExistingJointVenture,
  from: string,
  field = 'quantity',
): void {
  const facts = counted(after);
  const later = [...new Set(facts.map(effectiveOn).filter((date) => date > from))].sort();
  for (const date of [from, ...later]) {
    const problems = unitProblems(unitsAsOf(after, date));
    if (problems.length > 0)
      throw new InvariantViolationError(
        problems.map((problem) => ({ field, message: `as of ${date}, ${problem}` })),
      );
  }
}
