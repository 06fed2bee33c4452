import { ROLES, type Role } from '@app/domain';
import type { JWTPayload } from 'jose';
import { InvalidTokenError, type Identity } from './identity';

/** Roles that may act in the commission's scope: its auditors, and the operators who run it. */
export const COMMISSION_ROLES: readonly Role[] = ['auditor', 'operator'];

const MAX_SUBJECT_LENGTH = 255;
/** Control, format (bidirectional overrides, zero-width), surrogate, private-use, unassigned. */
const NOT_PLAIN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

/** What a verified token's claims must satisfy, whoever issued it. */
export type ClaimPolicy = Readonly<{
  memberStates: readonly string[];
  commissionMemberState: string;
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  /** Claim holding the role: a name, or a dotted path into nested claims (`realm_access.roles`). */
  roleClaim: string;
  memberStateClaim: string;
  /** The member states this issuer may vouch for; any when undefined. */
  issuerMemberStates?: readonly string[];
}>;

/**
 * The identity a token's (signature-checked) claims describe, or `InvalidTokenError` saying
 * which claim is wrong: a lifetime above the maximum, an unknown role, a member state that is
 * neither a member state nor the commission's scope, or one its issuer may not vouch for.
 */
export function identityFromClaims(
  payload: JWTPayload,
  policy: ClaimPolicy,
  nowSeconds = Math.floor(Date.now() / 1000),
): Identity {
  const { sub, iss, exp, iat } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH)
    throw new InvalidTokenError(`the token's "sub" must be 1-${MAX_SUBJECT_LENGTH} characters`);
  if (NOT_PLAIN.test(sub))
    throw new InvalidTokenError(`the token's "sub" holds control or invisible characters`);
  if (typeof iss !== 'string') throw new InvalidTokenError('the token has no "iss"');
  if (typeof exp !== 'number') throw new InvalidTokenError('the token has no "exp"');
  checkLifetime(exp, iat, policy, nowSeconds);

  const role = roleOf(claimAt(payload, policy.roleClaim), policy.roleClaim);
  const memberState = claimAt(payload, policy.memberStateClaim);
  if (typeof memberState !== 'string')
    throw new InvalidTokenError(`the token has no "${policy.memberStateClaim}" claim`);
  const commission = memberState === policy.commissionMemberState;
  if (!commission && !policy.memberStates.includes(memberState))
    throw new InvalidTokenError(
      `member state '${memberState}' is neither one of ${policy.memberStates.join(', ')} nor the commission scope ${policy.commissionMemberState}`,
    );
  if (commission && !COMMISSION_ROLES.includes(role))
    throw new InvalidTokenError(
      `the commission scope ${memberState} is for the roles ${COMMISSION_ROLES.join(', ')}, not ${role}`,
    );
  if (policy.issuerMemberStates && !policy.issuerMemberStates.includes(memberState))
    throw new InvalidTokenError(`this issuer may not vouch for member state '${memberState}'`);

  return { actor: { subject: sub, role, memberState }, commission, issuer: iss, expiresAt: exp };
}

function checkLifetime(
  exp: number,
  iat: unknown,
  { maxLifetimeSeconds, clockSkewSeconds }: ClaimPolicy,
  now: number,
): void {
  // With `iat`, the lifetime the issuer gave; without it (or with a back-dated one), what is
  // left of it must still fit the maximum.
  const issuedLifetime = typeof iat === 'number' ? exp - iat : 0;
  if (issuedLifetime > maxLifetimeSeconds || exp - now > maxLifetimeSeconds + clockSkewSeconds)
    throw new InvalidTokenError(
      `the token lives longer than the allowed ${maxLifetimeSeconds} s (AUTH_MAX_TOKEN_LIFETIME_SECONDS)`,
    );
}

function roleOf(value: unknown, claim: string): Role {
  const known = (candidate: unknown): candidate is Role => ROLES.includes(candidate as Role);
  if (typeof value === 'string') {
    if (known(value)) return value;
    throw new InvalidTokenError(`role '${value}' is not one of ${ROLES.join(', ')}`);
  }
  // A list (as identity providers give realm or group roles) may hold other applications' roles.
  if (Array.isArray(value)) {
    const roles = [...new Set(value.filter(known))];
    if (roles.length === 1) return roles[0];
    throw new InvalidTokenError(
      roles.length === 0
        ? `the "${claim}" claim names none of the roles ${ROLES.join(', ')}`
        : `the "${claim}" claim names several roles (${roles.join(', ')}); a token carries one`,
    );
  }
  throw new InvalidTokenError(`the token has no "${claim}" claim`);
}

/** A claim by its exact name, or else by a dotted path (`realm_access.roles`). */
function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part))
      return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
