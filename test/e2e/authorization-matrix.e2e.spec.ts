/**
 * The authorization matrix (issue 10 §5), generated from the OpenAPI document and the scope
 * table: every route × every role × a member state in scope, out of scope, that withdrew, and
 * the commission's, asserting the class of the answer. A route whose operation has no `x-access`
 * (set by `@Access`) and is not public fails the test, so no route escapes the table.
 *
 * Commands are sent with a valid body and `If-Match` naming a version the JV never reaches: a
 * caller the table lets through is answered 412 (the command would run, and nothing is
 * appended), so one seeded JV serves every case.
 *
 * The steps on a proposal (approve, reject, withdraw) are tried again without If-Match on three
 * proposals of that JV (issue 10 §5): one pending that another RU manager made, one that the RU
 * caller made (its approval counts already), and one closed; the decision then answers. The
 * service runs with APPROVALS=on, the rule table limited to dissolution so the seeding applies.
 */
import type { Actor, Role } from '@app/domain';
import { KZ_SEMEY, shares } from '@app/domain/testing';
import { randomUUID } from 'node:crypto';
import {
  accessTo,
  rolesFor,
  scopeOf,
  type AccessKind,
} from '../../apps/api/src/auth/access-policy';
import { establishBody, eventually, startTestApp, type TestApp } from './support/test-app';

type Schema = {
  $ref?: string;
  type?: string;
  example?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  minItems?: number;
};
type Operation = {
  security?: unknown[];
  'x-access'?: { kind: AccessKind; formerPartners: boolean };
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Route = Readonly<{ method: string; path: string; operation: Operation }>;
/** The proposals the steps are tried on. */
type ProposalState = 'pending' | 'approved-by-me' | 'closed';
const PROPOSAL_STATES: readonly ProposalState[] = ['pending', 'approved-by-me', 'closed'];

const COMMISSION = 'CSTO';
const ROLES: readonly Role[] = ['program-manager', 'viewer', 'auditor', 'operator'];
/** Per role, the member states it is tried with: in scope, out of scope, withdrawn, commission. */
const STATES: Readonly<Record<Role, readonly string[]>> = {
  'program-manager': ['RU', 'KG', 'KZ'],
  viewer: ['RU', 'KG', 'KZ'],
  auditor: ['RU', 'KG', 'KZ', COMMISSION],
  operator: ['KG', COMMISSION],
};
const CALLERS: readonly (Actor | undefined)[] = [
  undefined,
  ...ROLES.flatMap((role) =>
    STATES[role].map((memberState) => ({ subject: `${role}-${memberState}`, role, memberState })),
  ),
];

/** Query strings a route needs to answer at all. */
const QUERIES: Readonly<Record<string, string>> = { 'GET /proposals': '?awaiting=me' };

/** Bodies the examples in the document do not make valid (shares must add up to 10000). */
const BODIES: Readonly<Record<string, unknown>> = {
  'POST /joint-ventures': establishBody({ name: 'Matrix Probe' }),
  'POST /joint-ventures/{id}/partners': {
    partner: KZ_SEMEY,
    allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 3000, 'KZ-SEMEY': 2000 }),
  },
  'POST /joint-ventures/{id}/partners/{enterpriseCode}/withdraw': {
    allocation: shares({ 'RU-UVZ': 10000 }),
  },
  'PUT /joint-ventures/{id}/shares': { allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 5000 }) },
  'POST /joint-ventures/{id}/ip-results': {
    title: 'Damping',
    kind: 'patent',
    rightsHolders: shares({ 'RU-UVZ': 10000 }),
  },
};

describe('the authorization matrix', () => {
  let testApp: TestApp;
  let routes: Route[];
  let components: Record<string, Schema>;
  let jv: string;
  let withdrawnAt: number;
  let seededVersion: number;
  const proposals = {} as Record<ProposalState, string>;
  /** Query strings of the seeded data (the transparency log's proofs), beside QUERIES. */
  let seededQueries: Record<string, string>;

  beforeAll(async () => {
    testApp = await startTestApp({
      APPROVALS: 'on',
      APPROVAL_RULES: 'DissolveJointVenture:every-partner',
    });
    const document = (await testApp.raw({ method: 'GET', url: '/docs-json' })).body;
    components = document.components.schemas;
    routes = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          operation,
        })),
    );
    // The JV every case is about: RU and BY partners; KZ took part and withdrew.
    const manager = await testApp.as({
      subject: 'seed',
      role: 'program-manager',
      memberState: 'RU',
    });
    jv = (await manager.post('/joint-ventures', establishBody({ name: 'Matrix JV' }))).body.id;
    await manager.post(
      `/joint-ventures/${jv}/partners`,
      BODIES['POST /joint-ventures/{id}/partners'],
    );
    const withdrawn = await manager.post(`/joint-ventures/${jv}/partners/KZ-SEMEY/withdraw`, {
      allocation: shares({ 'RU-UVZ': 6000, 'BY-MZKT': 4000 }),
    });
    withdrawnAt = withdrawn.body.version;
    // The proposals: dissolutions that BY has not agreed to (so none applies).
    const me = await testApp.as({
      subject: 'program-manager-RU',
      role: 'program-manager',
      memberState: 'RU',
    });
    const dissolve = (client: typeof manager) =>
      client.post(`/joint-ventures/${jv}/dissolve`, { reason: 'matrix' });
    proposals.pending = (await dissolve(manager)).body.proposalId;
    proposals['approved-by-me'] = (await dissolve(me)).body.proposalId;
    proposals.closed = (await dissolve(manager)).body.proposalId;
    const closing = await manager.post(
      `/joint-ventures/${jv}/proposals/${proposals.closed}/withdraw`,
      { reason: 'matrix' },
    );
    seededVersion = closing.body.version;
    const commission = await testApp.as({ subject: 'c', role: 'auditor', memberState: COMMISSION });
    await eventually(async () =>
      expect((await commission.get(`/joint-ventures/${jv}`)).body.version).toBe(seededVersion),
    );
    // A checkpoint of the seeded JV's events, for the transparency routes' proofs.
    const operator = await testApp.as({ subject: 'o', role: 'operator', memberState: 'KG' });
    const signed = await eventually(async () => {
      const reply = await operator.post('/transparency/checkpoints');
      expect(reply.body.treeSize).toBe(seededVersion + 1);
      return reply.body;
    });
    const [first] = (await commission.get(`/joint-ventures/${jv}/history`)).body.items;
    seededQueries = {
      'GET /transparency/inclusion': `?eventId=${first.id}&treeSize=${signed.treeSize}`,
      'GET /transparency/consistency': `?first=1&second=${signed.treeSize}`,
    };
  });
  afterAll(() => testApp.close());

  /** The class of answer the scope table promises `caller` on `route`. */
  function expected(route: Route, caller: Actor | undefined): number {
    if (!route.operation.security?.length) return 200;
    const access = route.operation['x-access'];
    if (access === undefined)
      throw new Error(`${route.method} ${route.path} is not in the scope table`);
    if (caller === undefined) return 401;
    if (!rolesFor(access.kind).includes(caller.role)) return 403;
    const commandAnswer = 412;
    if (access.kind === 'operate') return 200;
    // The inclusion route proves an event of the seeded JV: it answers as that JV's history does.
    const onSeededJv =
      route.path.includes('{id}') ||
      `${route.method} ${route.path}` === 'GET /transparency/inclusion';
    if (!onSeededJv)
      return access.kind === 'command' && route.method !== 'GET'
        ? caller.memberState === 'RU'
          ? commandAnswer
          : 403
        : 200;
    const identity = { actor: caller, commission: caller.memberState === COMMISSION };
    const states = {
      current: ['BY', 'RU'],
      former: [{ memberState: 'KZ', untilVersion: withdrawnAt }],
    };
    const given = accessTo(scopeOf(identity), states);
    const success = access.kind === 'command' ? commandAnswer : 200;
    if (given.kind === 'full') return success;
    if (given.kind === 'history-until' && access.formerPartners) return success;
    return 404;
  }

  /**
   * A step on a proposal in `state`, without If-Match: what the scope table and the proposal's
   * rules answer. Only RU's managers are in scope (BY, the other partner, is not a caller).
   */
  function expectedStep(route: Route, caller: Actor | undefined, state: ProposalState): number {
    const scoped = expected(route, caller);
    if (scoped !== 412) return scoped;
    const step = route.path.split('/').pop();
    if (state === 'closed') return 409; // no longer pending
    if (step === 'withdraw') return state === 'approved-by-me' ? 200 : 403; // only its proposer
    return 409; // RU has approved it already (the proposer's state counts)
  }

  function bodyOf(route: Route): unknown {
    const key = `${route.method} ${route.path}`;
    if (Object.hasOwn(BODIES, key)) return BODIES[key];
    const schema = route.operation.requestBody?.content['application/json']?.schema;
    return schema === undefined ? undefined : exampleOf(schema);
  }

  /** A value of `schema` built from the examples of its required properties. */
  function exampleOf(schema: Schema): unknown {
    if (schema.$ref) return exampleOf(components[schema.$ref.split('/').pop()!]);
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map(exampleOf));
    if (schema.example !== undefined) return schema.example;
    if (schema.enum) return schema.enum[0];
    if (schema.type === 'array') return schema.items ? [exampleOf(schema.items)] : [];
    const body: Record<string, unknown> = {};
    for (const name of schema.required ?? []) body[name] = exampleOf(schema.properties![name]);
    return body;
  }

  const urlOf = (path: string, proposalId: string = randomUUID()) =>
    path
      .replace('{id}', jv)
      .replace('{proposalId}', proposalId)
      .replace('{enterpriseCode}', 'BY-MZKT')
      .replace('{workOrderId}', randomUUID())
      .replace('{stage}', 'development');

  it('answers every route × role × state as the scope table says', async () => {
    const mismatches: string[] = [];
    let cases = 0;
    for (const caller of CALLERS) {
      const client = await testApp.as(caller);
      for (const route of routes) {
        const want = expected(route, caller);
        const key = `${route.method} ${route.path}`;
        const url = urlOf(route.path) + (seededQueries[key] ?? QUERIES[key] ?? '');
        const reply =
          route.method === 'GET'
            ? await client.get(url)
            : await (route.method === 'PUT' ? client.put : client.post)(url, bodyOf(route), {
                'if-match': 'W/"999999"',
              });
        cases += 1;
        if (reply.status !== want)
          mismatches.push(
            `${route.method} ${route.path} as ${caller ? `${caller.role}/${caller.memberState}` : 'anonymous'}: ` +
              `${reply.status}, expected ${want}${reply.status === 400 ? ` ${JSON.stringify(reply.body.errors)}` : ''}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBe(routes.length * CALLERS.length);
    // The matrix's size, for the record.
    process.stdout.write(
      `authorization matrix: ${routes.length} routes x ${CALLERS.length} callers = ${cases} cases\n`,
    );
  });

  it('answers the steps on a proposal × role × state × proposal state as the table and the rules say', async () => {
    const steps = routes.filter((route) => route.path.includes('{proposalId}'));
    expect(steps.map((route) => route.path.split('/').pop()).sort()).toEqual([
      'approve',
      'reject',
      'withdraw',
    ]);
    const mismatches: string[] = [];
    let cases = 0;
    // The steps that end a proposal last, so the other steps find it as seeded.
    const ordered = [...steps].sort(
      (a, b) => Number(a.path.endsWith('withdraw')) - Number(b.path.endsWith('withdraw')),
    );
    for (const state of PROPOSAL_STATES)
      for (const caller of CALLERS) {
        const client = await testApp.as(caller);
        for (const route of ordered) {
          const want = expectedStep(route, caller, state);
          const reply = await client.post(urlOf(route.path, proposals[state]), bodyOf(route));
          cases += 1;
          if (reply.status !== want)
            mismatches.push(
              `${route.path} on a ${state} proposal as ${caller ? `${caller.role}/${caller.memberState}` : 'anonymous'}: ` +
                `${reply.status} ${reply.body?.type ?? ''}, expected ${want}`,
            );
        }
      }
    expect(mismatches).toEqual([]);
    expect(cases).toBe(steps.length * CALLERS.length * PROPOSAL_STATES.length);
    process.stdout.write(
      `authorization matrix, proposal steps: ${steps.length} routes x ${CALLERS.length} callers x ${PROPOSAL_STATES.length} proposal states = ${cases} cases\n`,
    );
  });

  it('leaves the seeded JV as it was but for the one withdrawal the table allows: every other command was stopped by its role, scope, If-Match or the proposal', async () => {
    const history = await (
      await testApp.as({ subject: 'c', role: 'auditor', memberState: COMMISSION })
    ).get(`/joint-ventures/${jv}/history`);
    expect(history.body.items).toHaveLength(seededVersion + 2);
    expect(history.body.items.at(-1)).toMatchObject({ type: 'ProposalWithdrawn' });
  });
});
