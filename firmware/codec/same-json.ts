/**
 * Whether two plain JSON values would print the same (`JSON.stringify(a) === JSON.stringify(b)`,
 * but for the order of object keys), without printing them: "emit only when it changed" runs at
 * every poll, and two strings of a whole screen per poll were a good part of a simulated day.
 * As JSON.stringify: an `undefined` property is absent, an `undefined` list item and a non-finite
 * number are null.
 * A loop over pairs still to compare, not recursion: a minifier inlines a small function into
 * its caller, and on Espruino a function made per call that recurses leaks (docs/decisions.md).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  var todo: unknown[] = [a, b], x: any, y: any, k: string, n: number, isList: boolean;
  while (todo.length) {
    y = todo.pop();
    x = todo.pop();
    if (x === y) continue;
    if (typeof x === 'number' && !isFinite(x)) x = null;
    if (typeof y === 'number' && !isFinite(y)) y = null;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') {
      if (x !== y) return false;
      continue;
    }
    isList = Array.isArray(x);
    if (isList !== Array.isArray(y)) return false;
    if (isList) {
      if (x.length !== y.length) return false;
      for (n = 0; n < x.length; n++) todo.push(x[n] === undefined ? null : x[n], y[n] === undefined ? null : y[n]); // printed as null
      continue;
    }
    n = 0;
    for (k in x) if (x.hasOwnProperty(k) && x[k] !== undefined) { n++; todo.push(x[k], y[k]); }
    for (k in y) if (y.hasOwnProperty(k) && y[k] !== undefined) n--;
    if (n !== 0) return false;
  }
  return true;
}
