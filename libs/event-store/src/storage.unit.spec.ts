import { encodeJson } from './storage';

describe('encodeJson', () => {
  it('stores payloads in RFC 8785 form, so that they parse back in canonical key order', () => {
    const payload = { b: 1, a: { d: [{ z: 1, y: 2 }], c: new Date(Date.UTC(2026, 11, 3)) } };
    const text = encodeJson(payload);
    expect(text).toBe('{"a":{"c":"2026-12-03T00:00:00.000Z","d":[{"y":2,"z":1}]},"b":1}');
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
  });

  it('refuses what JSON cannot represent with a TypeError, before any write', () => {
    expect(() => encodeJson(undefined)).toThrow(TypeError);
    expect(() => encodeJson({ quantity: NaN })).toThrow(/JSON values: NaN is not allowed/);
    expect(() => encodeJson({ big: 1n })).toThrow(TypeError);
  });
});
