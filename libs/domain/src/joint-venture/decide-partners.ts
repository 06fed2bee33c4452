/**
 * Deciders of the facts allowed in any non-terminal stage: partners admitted and withdrawn,
 * shares reallocated, product lines added, intellectual-property results registered.
 */
import type {
  AddProductLine,
  AdmitPartner,
  ReallocateShares,
  RegisterIpResult,
  WithdrawPartner,
} from './commands';
import { effectiveDateIn } from './effective-dates';
import type { JointVentureEvent } from './events';
import type { ExistingJointVenture } from './state';
import {
  checkMemberState,
  checkPartnerChange,
  checkProductLine,
  checkShares,
  Violations,
} from './validation';
import { IP_RESULT_KINDS, type Partner, type ShareAllocation } from './values';

const copyShares = (entries: readonly ShareAllocation[]): ShareAllocation[] =>
  entries.map(({ enterpriseCode, shareBasisPoints }) => ({ enterpriseCode, shareBasisPoints }));

export function admitPartner(command: AdmitPartner, jv: ExistingJointVenture): JointVentureEvent[] {
  const { data } = command;
  const { enterpriseCode, name, memberState } = data.partner;
  const v = new Violations()
    .text('partner.enterpriseCode', enterpriseCode)
    .text('partner.name', name);
  checkMemberState(v, 'partner.memberState', memberState);
  if (jv.partners.some((p) => p.enterpriseCode === enterpriseCode)) {
    v.add('partner.enterpriseCode', `${enterpriseCode} is already a partner`);
  }
  const effectiveOn = effectiveDateIn(v, jv, data.effectiveOn, command.now);
  const admitted: Partner = { enterpriseCode, name, memberState, shareBasisPoints: 0 };
  checkPartnerChange(v, data.allocation, [...jv.partners, admitted], 'partner');
  const partner = { enterpriseCode, name, memberState };
  return [
    {
      type: 'PartnerAdmitted',
      data: { partner, allocation: copyShares(data.allocation), effectiveOn },
    },
  ];
}

export function withdrawPartner(
  command: WithdrawPartner,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { enterpriseCode, allocation } = command.data;
  const v = new Violations();
  if (!jv.partners.some((p) => p.enterpriseCode === enterpriseCode)) {
    v.add('enterpriseCode', `${enterpriseCode} is not a partner`);
  }
  const effectiveOn = effectiveDateIn(v, jv, command.data.effectiveOn, command.now);
  const remaining = jv.partners.filter((p) => p.enterpriseCode !== enterpriseCode);
  checkPartnerChange(v, allocation, remaining, 'enterpriseCode');
  return [
    {
      type: 'PartnerWithdrawn',
      data: { enterpriseCode, allocation: copyShares(allocation), effectiveOn },
    },
  ];
}

export function reallocateShares(
  command: ReallocateShares,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const v = new Violations();
  const effectiveOn = effectiveDateIn(v, jv, command.data.effectiveOn, command.now);
  checkPartnerChange(v, command.data.allocation, [...jv.partners], 'allocation');
  const allocation = copyShares(command.data.allocation);
  return [{ type: 'SharesReallocated', data: { allocation, effectiveOn } }];
}

export function addProductLine(
  command: AddProductLine,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { productCode, name, standard, effectiveOn: requested } = command.data;
  const v = new Violations();
  checkProductLine(v, '', { productCode, name, standard });
  if (jv.productLines.some((l) => l.productCode === productCode)) {
    v.add('productCode', `${productCode} is already a product line`);
  }
  const effectiveOn = effectiveDateIn(v, jv, requested, command.now);
  v.throwIfInvalid();
  const line = standard === undefined ? { productCode, name } : { productCode, name, standard };
  return [{ type: 'ProductLineAdded', data: { ...line, effectiveOn } }];
}

export function registerIpResult(
  command: RegisterIpResult,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const { ipResultId, title, kind, rightsHolders } = command.data;
  const v = new Violations().text('ipResultId', ipResultId).text('title', title);
  if (jv.ipResults.some((r) => r.ipResultId === ipResultId)) {
    v.add('ipResultId', `${ipResultId} is already registered`);
  }
  if (!(IP_RESULT_KINDS as readonly string[]).includes(kind)) {
    v.add('kind', `must be one of ${IP_RESULT_KINDS.join(', ')}`);
  }
  checkShares(v, 'rightsHolders', rightsHolders, {
    eligible: new Set(jv.partners.map((p) => p.enterpriseCode)),
    eligibleMessage: 'is not a partner of the joint venture',
  });
  const effectiveOn = effectiveDateIn(v, jv, command.data.effectiveOn, command.now);
  v.throwIfInvalid();
  const registered = { ipResultId, title, kind, rightsHolders: copyShares(rightsHolders) };
  return [{ type: 'IntellectualPropertyRegistered', data: { ...registered, effectiveOn } }];
}
