/**
 * The joint venture tests are written about, typed out once: a Russian-Belarusian JV for main
 * battle tanks and heavy wheeled chassis, with every purpose. `establishment()` is both the
 * domain command's data and the HTTP body of `POST /joint-ventures`; tests override only what
 * they are about.
 */
import type { EstablishJointVenture } from '../joint-venture/commands';
import type { Partner, ProductLine, Purpose } from '../joint-venture/values';

export const TANK = 'T-72B3';
export const CHASSIS = 'MZKT-7930';
/** A product code the JV does not have until a test adds it. */
export const DRONE = 'ORLAN-30';

export const RU_UVZ: Partner = {
  enterpriseCode: 'RU-UVZ',
  name: 'Uralvagonzavod',
  memberState: 'RU',
  shareBasisPoints: 6000,
};
export const BY_MZKT: Partner = {
  enterpriseCode: 'BY-MZKT',
  name: 'MZKT',
  memberState: 'BY',
  shareBasisPoints: 4000,
};
export const PARTNERS: Partner[] = [RU_UVZ, BY_MZKT];

/** A third partner, for admissions (it has no share until admitted). */
export const KZ_SEMEY = {
  enterpriseCode: 'KZ-SEMEY',
  name: 'Semey Engineering',
  memberState: 'KZ',
} as const;

export const TANK_LINE: ProductLine = {
  productCode: TANK,
  name: 'Main battle tank',
  standard: 'GOST RV 15.203',
};
export const CHASSIS_LINE: ProductLine = { productCode: CHASSIS, name: 'Heavy wheeled chassis' };
export const PRODUCT_LINES: ProductLine[] = [TANK_LINE, CHASSIS_LINE];

export const ALL_PURPOSES: Purpose[] = [
  'development',
  'production',
  'modernization',
  'repair',
  'disposal',
];

export const JOINT_VENTURE_NAME = 'Heavy Armour JV';
export const DECISION = { reference: 'IMEC-21/4', date: '2021-05-20' } as const;

type Establishment = EstablishJointVenture['data'];

/** The canonical JV's establishment, with `overrides` applied. */
export function establishment(overrides: Partial<Establishment> = {}): Establishment {
  return {
    name: JOINT_VENTURE_NAME,
    decision: { ...DECISION },
    purposes: [...ALL_PURPOSES],
    partners: PARTNERS.map((partner) => ({ ...partner })),
    productLines: PRODUCT_LINES.map((line) => ({ ...line })),
    ...overrides,
  };
}

/** Shares in basis points by enterprise code, as an allocation list. */
export function shares(byEnterprise: Record<string, number>) {
  return Object.entries(byEnterprise).map(([enterpriseCode, shareBasisPoints]) => ({
    enterpriseCode,
    shareBasisPoints,
  }));
}
