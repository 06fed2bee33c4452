import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { canonicalJson, canonicalJsonWithout } from './canonical-json';
import { hashEvent } from './hash-chain';

/** Values with what JCS is particular about: key order, escapes, numbers, nesting, holes. */
const VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1e21,
  1e-7,
  0.1 + 0.2,
  -123.456e-30,
  Number.MAX_SAFE_INTEGER,
  '',
  'plain',
  'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f',
  'non-ASCII: é € 𝄞 and a lone surrogate \ud800',
  [],
  [1, 'two', null, [3, [4]], { b: 1, a: 2 }],
  [undefined, Symbol('s'), 1],
  {},
  { b: 1, a: 2, c: { z: [], y: {} } },
  { '€': 1, é: 2, a: 3, A: 4, '': 5, '𝄞': 6, '\ud83d\ude00': 7, '10': 8, '9': 9 },
  { skipped: undefined, symbol: Symbol('x'), kept: 'yes' },
  { when: new Date(Date.UTC(2026, 11, 2, 17, 0, 0)), nested: { toJSON: () => ({ b: 2, a: 1 }) } },
];

describe('canonicalJson', () => {
  it.each(VALUES.map((value) => [value]))('writes %p as the canonicalize package does', (value) => {
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses NaN and Infinity, anywhere', () => {
    for (const bad of [NaN, Infinity, -Infinity, { a: [NaN] }])
      expect(() => canonicalJson(bad)).toThrow(/not allowed/);
  });

  it('leaves one key out of an object when asked, and only that key', () => {
    const metadata = { prevHash: null, hash: 'ab', actor: { role: 'x', hash: 'nested stays' } };
    const { hash: _left, ...rest } = metadata;
    expect(canonicalJsonWithout(metadata, 'hash')).toBe(canonicalize(rest));
  });
});

describe('hashEvent', () => {
  /** The formula the chain was first hashed with: the package over a copy without the hash. */
  const reference = (event: Parameters<typeof hashEvent>[0]) => {
    const { hash: _ignored, ...metadata } = event.metadata;
    const { id, streamId, revision, type, data } = event;
    const text = canonicalize({ id, streamId, revision, type, data, metadata })!;
    return createHash('sha256').update(text, 'utf8').digest('hex');
  };

  it('is unchanged for every kind of payload and metadata', () => {
    VALUES.forEach((data, revision) => {
      const event = {
        id: `e-${revision}`,
        streamId: 'joint-venture-ü',
        revision,
        type: 'Anything',
        data,
        metadata: { hash: 'f'.repeat(64), prevHash: revision ? 'a'.repeat(64) : null, data },
      };
      expect(hashEvent(event)).toBe(reference(event));
    });
  });

  it('leaves out a missing payload as the package does', () => {
    const event = { id: 'e', streamId: 's', revision: 0, type: 't', data: undefined, metadata: {} };
    expect(hashEvent(event)).toBe(reference(event));
  });
});

describe('canonicalJson on parsed payloads (the native path)', () => {
  /** Random JSON data with the awkward parts: key order, integer-like keys, escapes, numbers. */
  const randomValue = (random: () => number, depth: number): unknown => {
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const keys = ['b', 'a', 'A', '10', '9', 'é', '€', '𝄞', '', 'key "q"', 'aa', '\ud800'];
    const kind = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 6);
    if (kind === 0) return pick([null, true, false]);
    if (kind === 1) return pick([0, -0, 1e21, 1e-7, 0.1 + 0.2, -5, 2 ** 53, random() * 1e6]);
    if (kind === 2) return pick(keys) + pick(['', '\n', '\u0000', '\\']);
    if (kind === 3) return pick([undefined, 'x']);
    if (kind === 4)
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 5); i > 0; i--)
      object[pick(keys)] = randomValue(random, depth + 1);
    return object;
  };

  it('writes what the package writes, for values as built and as read back from canonical text, with and without a key', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(random, 0);
      const expected = canonicalize(value);
      expect(canonicalJson(value)).toBe(expected);
      if (expected !== undefined) expect(canonicalJson(JSON.parse(expected))).toBe(expected);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const { b: _omitted, ...rest } = value as Record<string, unknown>;
      const without = canonicalize(rest);
      expect(canonicalJsonWithout(value, 'b')).toBe(without);
      expect(canonicalJsonWithout(JSON.parse(expected!) as object, 'b')).toBe(without);
    }
  });

  it('does not take the native path for what JSON.stringify writes its own way', () => {
    const unsorted = JSON.parse('{"b":1,"a":{"d":2,"c":3}}') as unknown;
    expect(canonicalJson(unsorted)).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(canonicalJson({ a: new String('s') })).toBe(canonicalize({ a: new String('s') }));
    expect(() => canonicalJson({ a: [1, NaN] })).toThrow(/not allowed/);
    const nullPrototype = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalJson(nullPrototype)).toBe('{"a":2,"b":1}');
  });
});
