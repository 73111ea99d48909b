/**
 * The compact interpreter's context merge as the Node host gives it (index.ts): the result of
 * `{ ...a, ...b }`, made faster for the case every assignment of a device machine is, a context
 * whose keys never change. V8 (Node 20) copies an object of more than a few properties by a spread
 * property by property in its runtime: 1.1–1.6 µs for the PPMID's 36-key context, a twentieth of
 * a simulated minute's CPU. An object literal of the same keys, compiled once, is 5–10 times
 * faster. Boards never load this file: their bundles take the interpreter's own ES5 merge.
 *
 * Each actor gets its own merge (`createHostMerge`). The copier is compiled from the keys of the
 * first context it copies, and used only when `a` has exactly those keys in that order (its own
 * enumerable ones: what a spread copies) and `b` only keys among them; anything else (a machine
 * whose assignment adds a key, a context of other keys) takes the spread, so the result is always
 * the spread's, key order included (contexts have string keys only: symbols are not looked at).
 * After a few changes of keys it stops compiling and spreads.
 */
export type Merge = (a: object, b: object) => object;

const MAX_COMPILES = 3;

export function createHostMerge(): Merge {
  let keys: string[] = [];
  let known: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  let copy: ((a: object) => Record<string, unknown>) | undefined;
  let compiles = 0;

  /** a's own enumerable keys are exactly `keys`, in order (for-in: own first, then inherited). */
  function fits(a: object): boolean {
    let i = 0;
    for (const k in a) if (k !== keys[i++] || !Object.prototype.hasOwnProperty.call(a, k)) return false;
    return i === keys.length;
  }

  function compile(from: object): void {
    keys = Object.keys(from);
    known = Object.create(null) as Record<string, boolean>;
    for (const k of keys) known[k] = true;
    const body = keys.map((k) => `${JSON.stringify(k)}: a[${JSON.stringify(k)}]`).join(', ');
    copy = new Function('a', `return { ${body} };`) as (a: object) => Record<string, unknown>;
    compiles++;
  }

  return (a, b) => {
    if (copy !== undefined && fits(a)) {
      let inKeys = true;
      for (const k in b) if (known[k] !== true) inKeys = false;
      if (inKeys) {
        const o = copy(a);
        const bb = b as Record<string, unknown>;
        for (const k in bb) if (Object.prototype.hasOwnProperty.call(bb, k)) o[k] = bb[k];
        return o;
      }
    }
    const o = { ...a, ...b };
    // '__proto__' in a literal sets the prototype, in a spread it is a key: such a context spreads.
    if (compiles < MAX_COMPILES && Object.keys(o).length > 0 && !('__proto__' in (o as object) && Object.prototype.hasOwnProperty.call(o, '__proto__')) && (copy === undefined || !fits(o))) compile(o);
    return o;
  };
}
