/**
 * firmware/runtime/compact/host-merge.ts: the Node host's context merge gives exactly what
 * `{ ...a, ...b }` gives (keys, their order, values) whatever it is given, fast path or not.
 */
import { describe, expect, it } from 'vitest';
import { createHostMerge } from '../firmware/runtime/compact/host-merge.ts';

const same = (x: object, y: object) => {
  expect(Object.keys(x)).toEqual(Object.keys(y));
  expect(x).toEqual(y);
};

describe('createHostMerge', () => {
  it('a context of fixed keys: each merge is the spread, and a new object', () => {
    const merge = createHostMerge();
    let ctx: object = merge({}, { a: 1, b: 'x', c: null, d: [1] });
    for (let i = 0; i < 50; i++) {
      const before = ctx;
      const kept = { ...before };
      const b = i % 2 ? { c: i } : { a: i, d: [i] };
      ctx = merge(before, b);
      same(ctx, { ...before, ...b });
      expect(ctx).not.toBe(before);
      same(before, kept); // the input is not written
    }
  });

  it('an assignment that adds a key, a context with other keys or another order: still the spread', () => {
    const merge = createHostMerge();
    const c1 = merge({}, { a: 1, b: 2 });
    same(merge(c1, { b: 3 }), { a: 1, b: 3 });
    same(merge(c1, { z: 9 }), { a: 1, b: 2, z: 9 }); // a key the copier does not know
    same(merge({ b: 2, a: 1 }, { a: 5 }), { b: 2, a: 5 }); // the same keys in another order
    same(merge({ a: 1 }, { a: 2 }), { a: 2 }); // fewer keys
    same(merge({ a: 1, b: 2, c: 3 }, {}), { a: 1, b: 2, c: 3 }); // more keys
    const proto = Object.assign(Object.create({ inherited: 1 }) as object, { a: 1, b: 2 });
    same(merge(proto, { b: 4 }), { ...proto, b: 4 }); // an inherited key is not copied
    const own = JSON.parse('{"__proto__": 1, "a": 2}') as object;
    same(merge(own, { a: 3 }), { ...own, a: 3 }); // '__proto__' as an own key stays a key
  });

  it('keeps giving the spread after the keys change more often than it compiles', () => {
    const merge = createHostMerge();
    for (let i = 0; i < 10; i++) {
      const a = { [`k${i}`]: i, x: i };
      same(merge(a, { x: -1 }), { ...a, x: -1 });
    }
  });
});
