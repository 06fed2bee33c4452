/**
 * RFC 8785 (JCS) canonical JSON, the form an event's hash is taken over. The same output as the
 * `canonicalize` package (the reference the chain was first hashed with, which the unit test
 * compares it against). Keys in UTF-16 code-unit order (`Array.prototype.sort`), strings and
 * numbers as `JSON.stringify` writes them (ES2019 well-formed JSON is JCS's), `toJSON` honoured,
 * `undefined` and symbols left out of objects and `null` in arrays; NaN and Infinity refused.
 *
 * `ledger verify --all` canonicalises every event of the ledger, so two paths: a value that is
 * plain JSON data whose keys are already in JCS order at every level (what parsing a stored
 * payload gives, since the store writes payloads in this form) is written by the native
 * `JSON.stringify`, which then writes exactly these bytes; anything else by the loops below.
 */
export function canonicalJson(value: unknown): string | undefined {
  return inCanonicalOrder(value) ? JSON.stringify(value) : serialize(value, undefined);
}

/** The same, for an object whose key `omitted` is left out (the event's own `metadata.hash`). */
export function canonicalJsonWithout(value: object, omitted: string): string {
  if (Array.isArray(value) || !isPlainObject(value)) return serialize(value, omitted) as string;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!keysInOrder(keys)) return serialize(value, omitted) as string;
  // One native call over a copy without the key (same key order), as long as every value qualifies.
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === omitted) continue;
    if (!inCanonicalOrder(record[key])) return serialize(value, omitted) as string;
    copy[key] = record[key];
  }
  return JSON.stringify(copy);
}

/**
 * Whether `JSON.stringify(value)` is its canonical form: only finite numbers, strings, booleans,
 * null, arrays and plain objects without `toJSON` (anything else JSON.stringify writes its own
 * way), every object's keys already in code-unit order (JSON.stringify keeps the object's order;
 * integer-like keys, which V8 puts first in numeric order, fail the check when it differs).
 * `undefined` and symbols are left out of objects and written `null` in arrays by both.
 */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(inCanonicalOrder);
      if (!isPlainObject(value)) return false;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      return keysInOrder(keys) && keys.every((key) => inCanonicalOrder(record[key]));
    }
    default:
      return false;
  }
}

const isPlainObject = (value: object): boolean => {
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    !((value as { toJSON?: unknown }).toJSON instanceof Function)
  );
};

function keysInOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return false;
  return true;
}

function serialize(value: unknown, omitted: string | undefined): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const withToJson = value as { toJSON?: unknown };
  if (withToJson.toJSON instanceof Function)
    return serialize((withToJson.toJSON as () => unknown).call(value), undefined);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) out += ',';
      out += serialize(item === undefined || typeof item === 'symbol' ? null : item, undefined);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (key === omitted) continue;
    const item = record[key];
    if (item === undefined || typeof item === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${serialize(item, undefined)}`;
  }
  return `${out}}`;
}
