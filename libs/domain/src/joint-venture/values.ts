/** Value types shared by commands, events and state. Shares are basis points: 10000 = 100 %. */
export type Basis = number;
export const FULL_OWNERSHIP: Basis = 10_000;

export const PURPOSES = [
  'development',
  'production',
  'modernization',
  'repair',
  'disposal',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const IP_RESULT_KINDS = [
  'patent',
  'utility-model',
  'industrial-design',
  'software',
  'know-how',
] as const;
export type IpResultKind = (typeof IP_RESULT_KINDS)[number];

export type Partner = Readonly<{
  enterpriseCode: string;
  name: string;
  /** ISO 3166-1 alpha-2; which codes are members is configuration, checked at the edge. */
  memberState: string;
  shareBasisPoints: Basis;
}>;

export type ShareAllocation = Readonly<{ enterpriseCode: string; shareBasisPoints: Basis }>;
export type RightsHolder = ShareAllocation;

export type ProductLine = Readonly<{ productCode: string; name: string; standard?: string }>;

/** What a work order does to the units it takes out of service. */
export const WORK_ORDER_KINDS = ['modernization', 'repair'] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];

/**
 * The version of a product's units, a free label (`B3`, `B3M`); `null` when it was never
 * recorded (every unit of release 0.1.0, and any batch recorded without one).
 */
export type ProductVersion = string | null;

/** A calendar date, `YYYY-MM-DD`: when a fact took effect. */
export type EffectiveDate = string;
