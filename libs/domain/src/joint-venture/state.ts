/**
 * The state a command is decided against, folded from events by `evolve`. A discriminated
 * union on `status`: nothing recorded yet, or an existing JV in some phase.
 */
import type { Phase } from './phases';
import type { Partner, ProductLine, Purpose, RightsHolder } from './values';

export type UnitTotals = Readonly<{
  produced: number;
  modernized: number;
  repaired: number;
  disposed: number;
  /** produced − disposed */
  inService: number;
}>;

export type IpResult = Readonly<{
  ipResultId: string;
  title: string;
  kind: string;
  rightsHolders: RightsHolder[];
}>;

export type NoJointVenture = Readonly<{ status: 'none' }>;

export type ExistingJointVenture = Readonly<{
  status: 'existing';
  phase: Phase;
  name: string;
  decision: Readonly<{ reference: string; date: string }>;
  purposes: readonly Purpose[];
  partners: readonly Partner[];
  productLines: readonly ProductLine[];
  ipResults: readonly IpResult[];
  milestones: readonly Readonly<{ name: string; reachedOn: string }>[];
  /** Keyed by product code; every product line has an entry, all zero at first. */
  units: Readonly<Record<string, UnitTotals>>;
}>;

export type JointVentureState = NoJointVenture | ExistingJointVenture;

export const initialState = (): JointVentureState => ({ status: 'none' });
