import type { Actor } from '@app/domain';
import { accessTo, mayReadVersion, rolesFor, scopeOf } from './access-policy';

const actor = (role: Actor['role'], memberState: string): Actor => ({
  subject: 's',
  role,
  memberState,
});
const STATES = { current: ['BY', 'RU'], former: [{ memberState: 'KZ', untilVersion: 4 }] };

describe('the scope table', () => {
  it('grants commands to programme managers only, audits to auditors, operations to operators', () => {
    expect(rolesFor('command')).toEqual(['program-manager']);
    expect(rolesFor('audit')).toEqual(['auditor']);
    expect(rolesFor('operate')).toEqual(['operator']);
    expect(rolesFor('read')).toEqual(['program-manager', 'auditor', 'viewer']);
  });

  it('shows a member state the JVs it is a partner in, the commission all, operators none', () => {
    expect(accessTo(scopeOf({ actor: actor('viewer', 'RU'), commission: false }), STATES)).toEqual({
      kind: 'full',
    });
    expect(accessTo(scopeOf({ actor: actor('viewer', 'KG'), commission: false }), STATES)).toEqual({
      kind: 'hidden',
    });
    expect(
      accessTo(scopeOf({ actor: actor('auditor', 'CSTO'), commission: true }), STATES),
    ).toEqual({ kind: 'full' });
    expect(
      accessTo(scopeOf({ actor: actor('operator', 'CSTO'), commission: true }), STATES),
    ).toEqual({ kind: 'hidden' });
  });

  it('leaves a state that withdrew its history up to the withdrawal, and hides an unknown JV', () => {
    const kz = scopeOf({ actor: actor('auditor', 'KZ'), commission: false });
    expect(accessTo(kz, STATES)).toEqual({ kind: 'history-until', untilVersion: 4 });
    expect(accessTo(kz, undefined)).toEqual({ kind: 'hidden' });
  });

  it('shows a former partner the events up to its withdrawal, a partner all, a stranger none', () => {
    const kz = accessTo(scopeOf({ actor: actor('auditor', 'KZ'), commission: false }), STATES);
    expect([3, 4, 5].map((revision) => mayReadVersion(kz, revision))).toEqual([true, true, false]);
    expect(mayReadVersion({ kind: 'full' }, 1_000)).toBe(true);
    expect(mayReadVersion({ kind: 'hidden' }, 0)).toBe(false);
  });
});
