/**
 * Checks on command content shared by several deciders. Each check adds to a list of
 * violations so a refusal names every problem at once, with field paths in request terms.
 */
import type { EstablishJointVenture } from './commands';
import { InvalidCommandError, InvariantViolationError, type Violation } from './errors';
import type { ExistingJointVenture } from './state';
import {
  FULL_OWNERSHIP,
  PURPOSES,
  type Partner,
  type ProductLine,
  type ShareAllocation,
} from './values';

export class Violations {
  private readonly list: Violation[] = [];

  add(field: string, message: string): this {
    this.list.push({ field, message });
    return this;
  }

  get isEmpty(): boolean {
    return this.list.length === 0;
  }

  text(field: string, value: unknown): this {
    return isText(value) ? this : this.add(field, 'must not be empty');
  }

  positiveInteger(field: string, value: unknown): this {
    return isPositiveInteger(value) ? this : this.add(field, 'must be a positive integer');
  }

  /** Calendar date or instant in ISO-8601 form (`2024-05-17` or `2024-05-17T09:00:00Z`). */
  isoDate(field: string, value: unknown): this {
    return isIsoDate(value) ? this : this.add(field, 'must be an ISO-8601 date');
  }

  /** A date or instant no later than a day after `now` (a day's tolerance for time zones). */
  notInFuture(field: string, value: unknown, now: string): this {
    if (!isIsoDate(value) || Date.parse(value) <= Date.parse(now) + DAY_MS) return this;
    return this.add(field, `must not lie in the future (today is ${now.slice(0, 10)})`);
  }

  /**
   * When a fact of this JV took effect: a calendar date, not before the decision that set the
   * JV up, not after today (a day's tolerance for time zones).
   */
  effectiveDate(field: string, value: unknown, decisionDate: string, now: string): this {
    if (!isCalendarDate(value)) return this.add(field, 'must be a date as YYYY-MM-DD');
    if (value < decisionDate)
      return this.add(field, `must not lie before the decision date ${decisionDate}`);
    return this.notInFuture(field, value, now);
  }

  throwIfInvalid(): void {
    if (!this.isEmpty) throw new InvalidCommandError([...this.list]);
  }

  throwIfBroken(): void {
    if (!this.isEmpty) throw new InvariantViolationError([...this.list]);
  }
}

export const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.trim().length > 0;

export const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

const DAY_MS = 24 * 60 * 60 * 1000;

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` naming a day that exists (2024-02-29, not 2023-02-29). */
export const isCalendarDate = (value: unknown): value is string =>
  typeof value === 'string' &&
  CALENDAR_DATE.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const isIsoDate = (value: unknown): value is string =>
  typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));

export type ShareRules = Readonly<{
  /** Who may hold a share; anyone else is refused on their entry. */
  eligible?: ReadonlySet<string>;
  eligibleMessage?: string;
  /** Who must hold a share: every one of them has to be named. */
  required?: readonly string[];
}>;

/**
 * Share entries (partners, an allocation, rights holders): each enterprise once, each share
 * a positive whole number of basis points, all of them adding up to exactly 100 %.
 */
export function checkShares(
  violations: Violations,
  field: string,
  entries: readonly ShareAllocation[],
  rules: ShareRules = {},
): void {
  if (!Array.isArray(entries) || entries.length === 0) {
    violations.add(field, 'must name at least one enterprise');
    return;
  }
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const code = entry.enterpriseCode;
    if (!isText(code)) violations.add(`${field}[${i}].enterpriseCode`, 'must not be empty');
    else if (seen.has(code)) {
      violations.add(`${field}[${i}].enterpriseCode`, `${code} appears more than once`);
    } else if (rules.eligible && !rules.eligible.has(code)) {
      violations.add(`${field}[${i}].enterpriseCode`, rules.eligibleMessage ?? 'is not a partner');
    }
    seen.add(code);
    violations.positiveInteger(`${field}[${i}].shareBasisPoints`, entry.shareBasisPoints);
  });
  const missing = (rules.required ?? []).filter((code) => !seen.has(code));
  if (missing.length) violations.add(field, `must name ${missing.join(', ')}`);
  const total = entries.reduce((sum, e) => sum + (Number(e.shareBasisPoints) || 0), 0);
  if (total !== FULL_OWNERSHIP) {
    violations.add(field, `shares must add up to ${FULL_OWNERSHIP} basis points, not ${total}`);
  }
}

/** At least two partners from at least two member states; undefined when the rule holds. */
export function partnershipProblem(partners: readonly Partner[]): string | undefined {
  const states = new Set(partners.map((p) => p.memberState));
  if (partners.length < 2) {
    return `a joint venture needs at least two partners, it would have ${partners.length}`;
  }
  if (states.size < 2) {
    return `partners must come from at least two member states, all would be from ${[...states].join(', ')}`;
  }
  return undefined;
}

const MEMBER_STATE_CODE = /^[A-Z]{2}$/;

export function checkMemberState(v: Violations, field: string, value: unknown): void {
  if (typeof value !== 'string' || !MEMBER_STATE_CODE.test(value)) {
    v.add(field, 'must be an ISO 3166-1 alpha-2 code');
  }
}

export function checkProductLine(v: Violations, field: string, line: ProductLine): void {
  v.text(`${field}productCode`, line.productCode).text(`${field}name`, line.name);
  if (line.standard !== undefined) v.text(`${field}standard`, line.standard);
}

export function checkKnownProduct(
  v: Violations,
  jv: ExistingJointVenture,
  productCode: string,
): void {
  if (!isText(productCode)) v.add('productCode', 'must not be empty');
  else if (!jv.productLines.some((l) => l.productCode === productCode)) {
    v.add('productCode', `${productCode} is not a product line of this joint venture`);
  }
}

/** Checks an allocation naming exactly `after`, then the partnership rule on `after`. */
export function checkPartnerChange(
  v: Violations,
  allocation: ShareAllocation[],
  after: Partner[],
  changedField: string,
): void {
  const codes = after.map((p) => p.enterpriseCode).filter(isText);
  checkShares(v, 'allocation', allocation, {
    eligible: new Set(codes),
    eligibleMessage: 'is not a partner after this change',
    required: codes,
  });
  v.throwIfInvalid();
  const problem = partnershipProblem(after);
  if (problem) new Violations().add(changedField, problem).throwIfBroken();
}

/**
 * Product lines may be empty at establishment, even with the production purpose: a line can
 * be added in any non-terminal stage, and every batch must name a known line anyway.
 */
export function checkEstablishment(data: EstablishJointVenture['data'], now: string): void {
  const { name, decision, purposes, partners, productLines } = data;
  const v = new Violations()
    .text('name', name)
    .text('decision.reference', decision?.reference)
    .isoDate('decision.date', decision?.date)
    .notInFuture('decision.date', decision?.date, now);

  if (!purposes?.length) v.add('purposes', 'must name at least one purpose');
  (purposes ?? []).forEach((purpose, i) => {
    if (!PURPOSES.includes(purpose))
      v.add(`purposes[${i}]`, `must be one of ${PURPOSES.join(', ')}`);
    else if (purposes.indexOf(purpose) !== i) v.add(`purposes[${i}]`, `${purpose} appears twice`);
  });

  checkShares(v, 'partners', partners ?? []);
  (partners ?? []).forEach((partner, i) => {
    v.text(`partners[${i}].name`, partner.name);
    checkMemberState(v, `partners[${i}].memberState`, partner.memberState);
  });
  const problem = partnershipProblem(partners ?? []);
  if (problem) v.add('partners', problem);

  (productLines ?? []).forEach((line, i) => {
    checkProductLine(v, `productLines[${i}].`, line);
    if (productLines.findIndex((l) => l.productCode === line.productCode) !== i) {
      v.add(`productLines[${i}].productCode`, `${line.productCode} appears twice`);
    }
  });
  v.throwIfInvalid();
}
