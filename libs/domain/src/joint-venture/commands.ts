/**
 * Commands of the joint-venture aggregate: what a programme manager asks the ledger to record.
 * Each names its JV; time arrives on the command (`now`, ISO-8601 instant) so `decide` stays
 * pure, and new identifiers (an IP result's id) arrive the same way.
 */
import type { Partner, ProductLine, Purpose, RightsHolder, ShareAllocation } from './values';

type Command<Type extends string, Data> = Readonly<{
  type: Type;
  jointVentureId: string;
  data: Readonly<Data>;
  /** When the command is decided: dates it names may not lie after this day. */
  now: string;
}>;
type NoData = Record<string, never>;

export type EstablishJointVenture = Command<
  'EstablishJointVenture',
  {
    name: string;
    decision: { reference: string; date: string };
    purposes: Purpose[];
    partners: Partner[];
    productLines: ProductLine[];
  }
>;
export type StartDevelopment = Command<'StartDevelopment', NoData>;
export type StartProduction = Command<'StartProduction', NoData>;
export type StartModernization = Command<'StartModernization', NoData>;
export type StartRepair = Command<'StartRepair', NoData>;
export type StartDisposal = Command<'StartDisposal', NoData>;
export type RecordMilestone = Command<'RecordMilestone', { name: string; reachedOn: string }>;
export type RecordBatch = Command<
  'RecordBatch',
  { productCode: string; quantity: number; batchReference: string; producedOn: string }
>;
export type CompleteModernization = Command<
  'CompleteModernization',
  { productCode: string; fromVersion: string; toVersion: string; quantity: number }
>;
export type CompleteRepair = Command<'CompleteRepair', { productCode: string; quantity: number }>;
export type RecordDisposalLot = Command<
  'RecordDisposalLot',
  { productCode: string; quantity: number; method: string }
>;
export type CompleteDisposal = Command<'CompleteDisposal', NoData>;
export type DissolveJointVenture = Command<'DissolveJointVenture', { reason: string }>;
export type AdmitPartner = Command<
  'AdmitPartner',
  { partner: Omit<Partner, 'shareBasisPoints'>; allocation: ShareAllocation[] }
>;
export type WithdrawPartner = Command<
  'WithdrawPartner',
  { enterpriseCode: string; allocation: ShareAllocation[] }
>;
export type ReallocateShares = Command<'ReallocateShares', { allocation: ShareAllocation[] }>;
export type AddProductLine = Command<'AddProductLine', ProductLine>;
export type RegisterIpResult = Command<
  'RegisterIpResult',
  { ipResultId: string; title: string; kind: string; rightsHolders: RightsHolder[] }
>;

export type JointVentureCommand =
  | EstablishJointVenture
  | StartDevelopment
  | StartProduction
  | StartModernization
  | StartRepair
  | StartDisposal
  | RecordMilestone
  | RecordBatch
  | CompleteModernization
  | CompleteRepair
  | RecordDisposalLot
  | CompleteDisposal
  | DissolveJointVenture
  | AdmitPartner
  | WithdrawPartner
  | ReallocateShares
  | AddProductLine
  | RegisterIpResult;

export type JointVentureCommandType = JointVentureCommand['type'];
