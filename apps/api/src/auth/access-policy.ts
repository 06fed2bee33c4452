/**
 * Need-to-know: the one table of who sees and does what (issue 10 §1), and the scope a caller's
 * identity gives over joint ventures. The route decorators, the guard, the list query, the
 * command handler and the authorization-matrix test all read it from here.
 */
import { ROLES, type Role } from '@app/domain';
import type { PartnerStates } from '@app/read-models';
import type { Identity } from '@app/runtime';

/** What a route does, as the table grants it. */
export const ACCESS_KINDS = ['read', 'audit', 'command', 'operate'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/**
 * Per role, what it may do. `read`: list, detail, timeline, work orders, proposals of the JVs in
 * its scope; `audit`: history, state as of, verification, export of those JVs; `command`: the
 * commands (and proposals, approvals) on those JVs; `operate`: metrics and admin operations,
 * never JV content. Auditors read too: they find the JVs they audit through the list.
 */
export const SCOPE_TABLE: Readonly<Record<Role, readonly AccessKind[]>> = {
  'program-manager': ['read', 'command'],
  viewer: ['read'],
  auditor: ['read', 'audit'],
  operator: ['operate'],
};

/** The roles the table grants `kind` to. */
export function rolesFor(kind: AccessKind): Role[] {
  return ROLES.filter((role) => SCOPE_TABLE[role].includes(kind));
}

/**
 * Which JVs a caller sees: every JV (the commission's scope), those with a partner from one
 * member state, or none (operators see no JV content).
 */
export type JointVentureScope =
  | Readonly<{ kind: 'all' }>
  | Readonly<{ kind: 'member-state'; memberState: string }>
  | Readonly<{ kind: 'none' }>;

export function scopeOf(identity: Pick<Identity, 'actor' | 'commission'>): JointVentureScope {
  const kinds = SCOPE_TABLE[identity.actor.role];
  if (!kinds.includes('read') && !kinds.includes('audit')) return { kind: 'none' };
  if (identity.commission) return { kind: 'all' };
  return { kind: 'member-state', memberState: identity.actor.memberState };
}

/**
 * What the scope gives over one JV: all of it; its history up to a version (a state that
 * withdrew); or nothing, in which case the JV's existence is not disclosed (404).
 */
export type JointVentureAccess =
  | Readonly<{ kind: 'full' }>
  | Readonly<{ kind: 'history-until'; untilVersion: number }>
  | Readonly<{ kind: 'hidden' }>;

export function accessTo(
  scope: JointVentureScope,
  states: PartnerStates | undefined,
): JointVentureAccess {
  if (states === undefined || scope.kind === 'none') return { kind: 'hidden' };
  if (scope.kind === 'all') return { kind: 'full' };
  if (states.current.includes(scope.memberState)) return { kind: 'full' };
  const former = states.former.find((f) => f.memberState === scope.memberState);
  return former ? { kind: 'history-until', untilVersion: former.untilVersion } : { kind: 'hidden' };
}

/**
 * Whether an access shows the event at `revision` of the JV: every event with full access, those
 * up to its withdrawal for a former partner (what its history route answers), none when hidden.
 */
export function mayReadVersion(access: JointVentureAccess, revision: number): boolean {
  return (
    access.kind === 'full' || (access.kind === 'history-until' && revision <= access.untilVersion)
  );
}
