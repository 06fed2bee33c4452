/**
 * RFC 8785 (JCS) canonical JSON, the form an event's hash is taken over. The same output as the
 * `canonicalize` package (the reference the chain was first hashed with, which the unit test
 * compares it against), written as plain loops appending to one string: `ledger verify --all`
 * canonicalises every event of the ledger, and the package's `reduce` over template strings
 * cost it about twice as much. Keys in UTF-16 code-unit order (`Array.prototype.sort`), strings
 * and numbers as `JSON.stringify` writes them (ES2019 well-formed JSON is JCS's), `toJSON`
 * honoured, `undefined` and symbols left out of objects and `null` in arrays; NaN and Infinity
 * refused.
 */
export function canonicalJson(value: unknown): string | undefined {
  return serialize(value, undefined);
}

/** The same, for an object whose key `omitted` is left out (the event's own `metadata.hash`). */
export function canonicalJsonWithout(value: object, omitted: string): string {
  return serialize(value, omitted) as string;
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
