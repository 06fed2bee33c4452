/**
 * Commands of the joint-venture aggregate: what a programme manager asks the ledger to record.
 * Each names its JV; time arrives on the command (`now`, ISO-8601 instant) so `decide` stays
 * pure, and new identifiers (an IP result's, a work order's) arrive the same way. A fact that
 * names no date of its own may say when it took effect (`effectiveOn`, default: today).
 */
import type {
  Partner,
  ProductLine,
  Purpose,
  RightsHolder,
  ShareAllocation,
  WorkOrderKind,
} from './values';

type Command<Type extends string, Data> = Readonly<{
  type: Type;
  jointVentureId: string;
  data: Readonly<Data>;
  /** When the command is decided: dates it names may not lie after this day (+1 for time zones). */
  now: string;
}>;
/** When the fact took effect, `YYYY-MM-DD`; today when absent. */
type Dated = { effectiveOn?: string };

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
export type StartDevelopment = Command<'StartDevelopment', Dated>;
export type StartProduction = Command<'StartProduction', Dated>;
export type StartDisposal = Command<'StartDisposal', Dated>;
export type CompleteDisposal = Command<'CompleteDisposal', Dated>;
export type DissolveJointVenture = Command<'DissolveJointVenture', Dated & { reason: string }>;
export type RecordMilestone = Command<'RecordMilestone', { name: string; reachedOn: string }>;
export type RecordBatch = Command<
  'RecordBatch',
  {
    productCode: string;
    /** The version the batch was built to; absent when it is not recorded. */
    productVersion?: string;
    quantity: number;
    batchReference: string;
    producedOn: string;
  }
>;
export type RecordDisposalLot = Command<
  'RecordDisposalLot',
  Dated & { productCode: string; productVersion?: string; quantity: number; method: string }
>;

export type OpenWorkOrder = Command<
  'OpenWorkOrder',
  Dated & {
    workOrderId: string;
    kind: WorkOrderKind;
    productCode: string;
    quantity: number;
    /** The version of the units taken out of service; absent for units of unrecorded version. */
    fromVersion?: string;
    /** A modernization's target version; a repair has none. */
    toVersion?: string;
  }
>;
export type RecordWorkOrderProgress = Command<
  'RecordWorkOrderProgress',
  Dated & { workOrderId: string; upgraded?: number; repaired?: number; writtenOff?: number }
>;
export type CompleteWorkOrder = Command<'CompleteWorkOrder', Dated & { workOrderId: string }>;
export type CancelWorkOrder = Command<
  'CancelWorkOrder',
  Dated & { workOrderId: string; reason?: string }
>;
/** The deprecated `modernization/start` and `repair/start`: an order without units. */
export type StartOpenEndedWorkOrder = Command<
  'StartOpenEndedWorkOrder',
  Dated & { workOrderId: string; kind: WorkOrderKind }
>;
/**
 * The deprecated `modernization/complete` and `repair/complete`: completes the JV's open
 * open-ended order of that kind, naming the units it upgraded or repaired in service.
 */
export type CompleteOpenEndedWorkOrder = Command<
  'CompleteOpenEndedWorkOrder',
  Dated & {
    kind: WorkOrderKind;
    productCode: string;
    quantity: number;
    fromVersion?: string;
    toVersion?: string;
  }
>;

/**
 * Records that the fact at version `reverses` does not count, and optionally its corrected
 * replacement in the same append: the fields of the reversed fact's own command (a batch's,
 * a lot's, a milestone's, a work-order progress's), checked as that command would be.
 */
export type CorrectFact = Command<
  'CorrectFact',
  { reverses: number; reason: string; replacement?: Readonly<Record<string, unknown>> }
>;

export type AdmitPartner = Command<
  'AdmitPartner',
  Dated & { partner: Omit<Partner, 'shareBasisPoints'>; allocation: ShareAllocation[] }
>;
export type WithdrawPartner = Command<
  'WithdrawPartner',
  Dated & { enterpriseCode: string; allocation: ShareAllocation[] }
>;
export type ReallocateShares = Command<
  'ReallocateShares',
  Dated & { allocation: ShareAllocation[] }
>;
export type AddProductLine = Command<'AddProductLine', Dated & ProductLine>;
export type RegisterIpResult = Command<
  'RegisterIpResult',
  Dated & { ipResultId: string; title: string; kind: string; rightsHolders: RightsHolder[] }
>;

export type JointVentureCommand =
  | EstablishJointVenture
  | StartDevelopment
  | StartProduction
  | StartDisposal
  | CompleteDisposal
  | DissolveJointVenture
  | RecordMilestone
  | RecordBatch
  | RecordDisposalLot
  | OpenWorkOrder
  | RecordWorkOrderProgress
  | CompleteWorkOrder
  | CancelWorkOrder
  | StartOpenEndedWorkOrder
  | CompleteOpenEndedWorkOrder
  | CorrectFact
  | AdmitPartner
  | WithdrawPartner
  | ReallocateShares
  | AddProductLine
  | RegisterIpResult;

export type JointVentureCommandType = JointVentureCommand['type'];
export type CommandOf<T extends JointVentureCommandType> = Extract<
  JointVentureCommand,
  { type: T }
>;
