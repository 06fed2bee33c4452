/**
 * Shared control (issue 10 §2): which actions change what every partner owns, and which partner
 * states must agree to them besides the proposer's. The table is configuration; these are its
 * defaults. Pure: the JV's state is given, nothing is read.
 */
import type { JointVentureCommand, JointVentureCommandType } from '../joint-venture/commands';
import type { ExistingJointVenture } from '../joint-venture/state';
import type { ShareAllocation } from '../joint-venture/values';

/** Who must approve, as the table names them. */
export const APPROVAL_RULE_KINDS = [
  /** Every partner state (the proposer's counts as approved). */
  'every-partner',
  /** Every state that still has a partner after the change and whose total share changes. */
  'remaining-whose-share-changes',
  /** Every state whose total share decreases. */
  'whose-share-decreases',
  /** Every state of the rights holders. */
  'rights-holders',
] as const;
export type ApprovalRuleKind = (typeof APPROVAL_RULE_KINDS)[number];

/** The commands that go through a proposal, each with its rule; the others apply at once. */
export type ApprovalRules = Readonly<Partial<Record<JointVentureCommandType, ApprovalRuleKind>>>;

export const DEFAULT_APPROVAL_RULES: ApprovalRules = {
  DissolveJointVenture: 'every-partner',
  StartDisposal: 'every-partner',
  AdmitPartner: 'every-partner',
  WithdrawPartner: 'remaining-whose-share-changes',
  ReallocateShares: 'whose-share-decreases',
  RegisterIpResult: 'rights-holders',
};

/** The commands a rule may name: the actions that change what every partner owns. */
export const SHARED_CONTROL_COMMAND_TYPES = Object.keys(
  DEFAULT_APPROVAL_RULES,
) as JointVentureCommandType[];

/** The table in its configured form (`APPROVAL_RULES`), as `parseApprovalRules` reads it. */
export function formatApprovalRules(rules: ApprovalRules): string {
  return Object.entries(rules)
    .map(([type, rule]) => `${type}:${rule}`)
    .join(',');
}

/**
 * The rule table from its configured form, `Command:rule,Command:rule` (`APPROVAL_RULES`);
 * throws a RangeError naming the first entry it cannot read.
 */
export function parseApprovalRules(text: string, commandTypes: readonly string[]): ApprovalRules {
  const rules: Partial<Record<string, ApprovalRuleKind>> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [type, rule, ...rest] = entry.split(':').map((part) => part.trim());
    if (rest.length > 0 || !commandTypes.includes(type))
      throw new RangeError(`'${entry}': the command must be one of ${commandTypes.join(', ')}`);
    if (!APPROVAL_RULE_KINDS.includes(rule as ApprovalRuleKind))
      throw new RangeError(`'${entry}': the rule must be one of ${APPROVAL_RULE_KINDS.join(', ')}`);
    rules[type] = rule as ApprovalRuleKind;
  }
  return rules as ApprovalRules;
}

/**
 * The member states that must agree to `command` on `jv`, the proposer's included (it counts as
 * approved), sorted; an empty list when the command needs no approval (no rule for it, or no
 * state but the proposer's is concerned).
 */
export function requiredStates(
  command: JointVentureCommand,
  jv: ExistingJointVenture,
  rules: ApprovalRules,
  proposerState: string,
): string[] {
  const rule = rules[command.type];
  if (rule === undefined) return [];
  const concerned = concernedStates(rule, command, jv);
  if (concerned.every((state) => state === proposerState)) return [];
  return [...new Set([...concerned, proposerState])].sort();
}

function concernedStates(
  rule: ApprovalRuleKind,
  command: JointVentureCommand,
  jv: ExistingJointVenture,
): string[] {
  const stateOf = new Map(jv.partners.map((p) => [p.enterpriseCode, p.memberState]));
  switch (rule) {
    case 'every-partner':
      return [...new Set(jv.partners.map((p) => p.memberState))];
    case 'rights-holders': {
      const holders = command.type === 'RegisterIpResult' ? command.data.rightsHolders : [];
      return holders.flatMap((h) => stateOf.get(h.enterpriseCode) ?? []);
    }
    case 'remaining-whose-share-changes':
    case 'whose-share-decreases': {
      const after = allocationOf(command);
      if (after === undefined) return [];
      const before = totalsByState(jv.partners, stateOf);
      const next = totalsByState(after, stateOf);
      return [...new Set([...before.keys(), ...next.keys()])].filter((state) => {
        const was = before.get(state) ?? 0;
        const will = next.get(state) ?? 0;
        return rule === 'whose-share-decreases' ? will < was : next.has(state) && will !== was;
      });
    }
    default: {
      const _exhaustive: never = rule;
      return _exhaustive;
    }
  }
}

function allocationOf(command: JointVentureCommand): readonly ShareAllocation[] | undefined {
  switch (command.type) {
    case 'WithdrawPartner':
    case 'ReallocateShares':
    case 'AdmitPartner':
      return command.data.allocation;
    default:
      return undefined;
  }
}

/** Basis points per member state (an enterprise the JV does not know yet counts for none). */
function totalsByState(
  allocation: readonly ShareAllocation[],
  stateOf: ReadonlyMap<string, string>,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { enterpriseCode, shareBasisPoints } of allocation) {
    const state = stateOf.get(enterpriseCode);
    if (state !== undefined) totals.set(state, (totals.get(state) ?? 0) + shareBasisPoints);
  }
  return totals;
}
