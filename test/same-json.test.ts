/** sameJson: equal exactly when the two values print the same JSON, but for the order of keys. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sameJson } from '../firmware/codec/same-json.ts';

/** JSON.stringify with object keys sorted. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.constantFrom(null, true, false, 0, 1, -1, 0.5, NaN, Infinity, '', 'a', 'b', undefined), fc.integer({ min: -3, max: 3 })),
  list: fc.array(tie('any'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('any'), { maxKeys: 3, noNullPrototype: true }),
  any: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('object')),
})).any;

describe('sameJson', () => {
  it('agrees with comparing the printed JSON (keys sorted)', () => {
    fc.assert(fc.property(value, value, (a, b) => sameJson(a, b) === (canonical(a) === canonical(b))), { numRuns: 3000 });
  });
  it('ignores key order and absent-vs-undefined, as JSON does', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson(NaN, null)).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson('1', 1)).toBe(false);
  });
});
