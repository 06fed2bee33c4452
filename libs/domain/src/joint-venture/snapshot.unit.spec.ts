import {
  batch,
  CHASSIS,
  established,
  fact,
  foldChecked,
  KZ_PARTNER,
  ON,
  stageEvent,
  TANK,
} from './decider.fixtures';
import type { JointVentureEvent } from './events';
import type { FoldableEvent } from './evolve';
import { EVOLVE_VERSION, snapshotFits, type StateSnapshot } from './snapshot';

/**
 * What `evolve` returns for the fixture below, per EVOLVE_VERSION. When this spec fails, the
 * state's shape or meaning changed: bump EVOLVE_VERSION and ADD the new fingerprint under the
 * new version. Never edit an existing entry: snapshots written under it are in databases.
 */
const FINGERPRINTS: Readonly<Record<number, string>> = {
  1: '579bf08f66e39894:59380',
  // Shared control (issue 10): the state holds the JV's proposals.
  2: '7ccee1d3d3967f84:59695',
};

const share = (enterpriseCode: string, shareBasisPoints: number) => ({
  enterpriseCode,
  shareBasisPoints,
});
const tanks = (quantity: number, toVersion: string | null) => ({
  productCode: TANK,
  fromVersion: null,
  toVersion,
  quantity,
});
const closing = { productCode: TANK, fromVersion: null, returned: 0, handled: null };

/** Every kind of event evolve folds, as a reader folds stored ones: with ids and revisions. */
const HISTORY: FoldableEvent[] = (
  [
    established(),
    stageEvent('DevelopmentStarted'),
    fact('DevelopmentMilestoneReached', { name: 'Prototype accepted', reachedOn: ON }, ON),
    stageEvent('ProductionStarted'),
    batch(10),
    batch(4, CHASSIS, { batchReference: 'B-2' }),
    fact('PartnerAdmitted', {
      partner: { ...KZ_PARTNER },
      allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('KZ-SEMEY', 2000)],
    }),
    fact('SharesReallocated', {
      allocation: [share('RU-UVZ', 4000), share('BY-MZKT', 3000), share('KZ-SEMEY', 3000)],
    }),
    fact('PartnerWithdrawn', {
      enterpriseCode: 'BY-MZKT',
      allocation: [share('RU-UVZ', 6000), share('KZ-SEMEY', 4000)],
    }),
    fact('ProductLineAdded', { productCode: 'ORLAN-30', name: 'Reconnaissance drone' }),
    fact('IntellectualPropertyRegistered', {
      ipResultId: 'IP-1',
      title: 'Active protection control unit',
      kind: 'patent',
      rightsHolders: [share('RU-UVZ', 7000), share('KZ-SEMEY', 3000)],
    }),
    fact('WorkOrderOpened', { workOrderId: 'M-1', kind: 'modernization', units: tanks(3, 'B3M') }),
    fact('WorkOrderProgressed', {
      ...{ workOrderId: 'M-1', kind: 'modernization', productCode: TANK, fromVersion: null },
      ...{ toVersion: 'B3M', upgraded: 2, repaired: 0, writtenOff: 0 },
    }),
    fact('WorkOrderCompleted', {
      workOrderId: 'M-1',
      kind: 'modernization',
      ...closing,
      returned: 1,
    }),
    fact('WorkOrderOpened', { workOrderId: 'R-1', kind: 'repair', units: tanks(2, null) }),
    fact('WorkOrderCancelled', {
      ...{ workOrderId: 'R-1', kind: 'repair', productCode: TANK, fromVersion: null },
      ...{ returned: 2, reason: 'parts missing' },
    }),
    batch(5, TANK, { batchReference: 'B-3', producedOn: '2024-02-01' }),
    fact(
      'FactReversed',
      {
        reversedVersion: 16,
        reversedEventId: 'event-16',
        reversedType: 'BatchProduced',
        reason: 'B-3 held 4 units',
      },
      '2024-02-01',
    ),
    batch(4, TANK, { batchReference: 'B-3', producedOn: '2024-02-01' }),
    stageEvent('DisposalStarted', '2024-03-01'),
    fact(
      'UnitsDisposed',
      { productCode: TANK, productVersion: null, quantity: 2, method: 'dismantling' },
      '2024-03-01',
    ),
  ] as JointVentureEvent[]
).map((event, revision) => ({ ...event, id: `event-${revision}`, revision }));

/** JSON with sorted keys: the fingerprint follows the content, not the order fields were set. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** cyrb53 of the canonical JSON (the domain may not import node:crypto): a change shows, no secret here. */
function fingerprint(value: unknown): string {
  const text = canonical(value);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `${hex(h2)}${hex(h1)}:${text.length}`;
}

describe('state snapshots', () => {
  const state = foldChecked(HISTORY);
  const last = HISTORY[HISTORY.length - 1];
  const snapshot: StateSnapshot = {
    streamId: 'joint-venture-1',
    revision: last.revision!,
    evolveVersion: EVOLVE_VERSION,
    eventHash: 'hash-of-the-last-event',
    state,
  };
  const eventThere = {
    streamId: 'joint-venture-1',
    revision: last.revision!,
    hash: 'hash-of-the-last-event',
  };

  it('fails when what evolve returns changes without a bump of EVOLVE_VERSION', () => {
    // Every step's state counts, not only the last one: a field that is set and later cleared shows too.
    const steps = HISTORY.map((_, i) => foldChecked(HISTORY.slice(0, i + 1)));
    expect({ EVOLVE_VERSION, fingerprint: fingerprint(steps) }).toEqual({
      EVOLVE_VERSION,
      fingerprint: FINGERPRINTS[EVOLVE_VERSION],
    });
  });

  it('folds a fixture that reaches every part of the state', () => {
    if (state.status !== 'existing') throw new Error('expected an existing joint venture');
    expect(state.stage).toBe('disposal');
    expect(state.partners.map((p) => p.enterpriseCode)).toEqual(['RU-UVZ', 'KZ-SEMEY']);
    expect(state.workOrders.map((o) => o.status)).toEqual(['completed', 'cancelled']);
    expect(state.facts.find((f) => f.version === 16)?.reversed).toBe(true);
    expect([state.milestones.length, state.ipResults.length, state.productLines.length]).toEqual([
      1, 1, 3,
    ]);
  });

  it('keeps the state whole through JSON, as snapshots are stored', () => {
    expect(state.status).toBe('existing');
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  });

  it('fits the stream whose event at its revision has the hash it was taken after', () => {
    expect(snapshotFits(snapshot, eventThere)).toBe(true);
  });

  it.each([
    ['another evolve version', { ...snapshot, evolveVersion: EVOLVE_VERSION + 1 }, eventThere],
    [
      'another stream (a foreign snapshot)',
      snapshot,
      { ...eventThere, streamId: 'joint-venture-2' },
    ],
    [
      'another event at that revision (a stale snapshot)',
      snapshot,
      { ...eventThere, hash: 'other' },
    ],
    ['an event at another revision', snapshot, { ...eventThere, revision: 3 }],
    ['an event without a hash', snapshot, { ...eventThere, hash: undefined }],
    ['no event at that revision (a shorter stream)', snapshot, undefined],
    ['a state of another version', { ...snapshot, revision: 3 }, { ...eventThere, revision: 3 }],
    ['no joint venture', { ...snapshot, state: { status: 'none' as const } }, eventThere],
  ])('does not fit with %s', (_, candidate, event) => {
    expect(snapshotFits(candidate, event)).toBe(false);
  });
});
