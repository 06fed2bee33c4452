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
