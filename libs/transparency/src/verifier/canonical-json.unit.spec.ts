import canonicalize from 'canonicalize';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './offline.verifier';

const JCS = join(__dirname, '../../testdata/jcs');
const vectors = readdirSync(JCS)
  .filter((file) => file.endsWith('.input.json'))
  .map((file) => file.replace('.input.json', ''));

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARACTERS = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  'ö',
  '€',
  '\u2028',
  '\ufb33',
  '😂',
  'Я',
  '\u20ac',
];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const text = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => pick(CHARACTERS)).join('');
  const number = () =>
    pick([
      () => Math.floor(next() * 2 ** 53) * (next() < 0.5 ? -1 : 1),
      () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20),
      () => next() * 1e21,
      () =>
        pick([
          0,
          -0,
          1e21,
          1e-7,
          5e-324,
          Number.MAX_VALUE,
          0.1 + 0.2,
          Number('333333333.33333329'),
        ]),
    ])();
  const kinds =
    depth > 3
      ? ['null', 'bool', 'number', 'string']
      : ['null', 'bool', 'number', 'string', 'array', 'object', 'object'];
  switch (pick(kinds)) {
    case 'null':
      return null;
    case 'bool':
      return next() < 0.5;
    case 'number':
      return number();
    case 'string':
      return text();
    case 'array':
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [text(), value(next, depth + 1)]),
      );
  }
}

describe('RFC 8785 canonical JSON', () => {
  it.each(vectors)(
    'gives the exact bytes of the cyberphone/json-canonicalization vector %s',
    (name) => {
      const input = JSON.parse(readFileSync(join(JCS, `${name}.input.json`), 'utf8'));
      const expected = readFileSync(join(JCS, `${name}.output.json`));
      expect(Buffer.from(canonicalJson(input), 'utf8')).toEqual(expected);
    },
  );

  it('agrees with the canonicalize package (what the ledger hashes with) on 5,000 random JSON values', () => {
    const next = random(20250301);
    for (let i = 0; i < 5000; i++) {
      const sample = value(next, 0);
      expect(canonicalJson(sample)).toBe(canonicalize(sample));
    }
  });

  it('refuses what JSON cannot hold', () => {
    for (const bad of [Number.NaN, Infinity, undefined, () => 1, 10n])
      expect(() => canonicalJson({ field: bad })).toThrow(TypeError);
  });
});
