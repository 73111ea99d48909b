import { describe, expect, it } from 'vitest';
import { Es5CheckError, checkEs5, usedBuiltins } from '../boards/bundler/es5-check.ts';
import { toEspruino, toEspruinoWithReport } from '../boards/bundler/espruino.ts';

function rejection(code: string, provided: string[] = []): Es5CheckError {
  try {
    checkEs5(code, { provided });
  } catch (err) {
    if (err instanceof Es5CheckError) return err;
    throw err;
  }
  throw new Error('accepted: ' + code);
}

describe('the ES5 check (what Espruino 2v29 rejects)', () => {
  const cases: [string, string, RegExp, number, number][] = [
    ['an arrow function', 'var a = 1;\nvar f = (x) => x + 1;', /ES2015\+ syntax/, 2, 14],
    ['spread', 'var a = [1];\nvar b = [0, ...a];', /ES2015\+ syntax/, 2, 13],
    ['let', 'let x = 1;', /ES2015\+ syntax/, 1, 5],
    ['a template literal', 'var s = `x`;', /ES2015\+ syntax/, 1, 9],
    ['a labelled break', 'outer: for (var i = 0; i < 3; i++) { for (;;) { break outer; } }', /labelled statement 'outer:'/, 1, 1],
    ['new Map without a polyfill', 'var x = 1;\nvar m = new Map();', /^built-in Map without a polyfill \(Espruino 2v29 has no Map\)$/, 2, 13],
    ['Symbol', 'var s = Symbol("x");', /^built-in Symbol without a polyfill/, 1, 9],
    ['RangeError (ES3, but not Espruino\'s)', 'throw new RangeError("x");', /^built-in RangeError without a polyfill/, 1, 11],
    ['Array.from', 'var a = Array.from("ab");', /^built-in Array\.from without a polyfill/, 1, 9],
    ['Number.isNaN', 'var n = Number.isNaN(1);', /Number\.isNaN/, 1, 9],
    ['Number.EPSILON, read', 'var n = 1 + Number.EPSILON;', /Number\.EPSILON without/, 1, 13],
    ['Object.is', 'var n = Object.is(1, 1);', /Object\.is without/, 1, 9],
    ['Date.UTC', 'var t = Date.UTC(2026, 0, 1);', /Date\.UTC without/, 1, 9],
    ['.flat()', 'var a = [[1]].flat();', /method \.flat\(\) in \[\[1\]\]\.flat\(\) without a polyfill/, 1, 9],
    ['.getUTCHours()', 'var h = new Date(0).getUTCHours();', /method \.getUTCHours\(\)/, 1, 9],
    ['Map\'s .get() on an object of unknown type', 'function f(m) { return m.get(1); }', /method \.get\(\) in m\.get\(1\)/, 1, 24],
  ];
  for (const [what, code, construct, line, column] of cases) {
    it(`rejects ${what}, naming it, its line:column and an excerpt`, () => {
      const err = rejection(code);
      expect(err.construct).toMatch(construct);
      expect([err.line, err.column]).toEqual([line, column]);
      expect(err.message).toMatch(new RegExp(`at ${line}:${column}: `));
      expect(err.excerpt.length).toBeGreaterThan(3);
    });
  }

  it('rejects a labelled continue inside otherwise plain ES5', () => {
    expect(rejection('function f() { a: while (true) { continue a; } }').construct).toMatch(/labelled/);
  });

  it('accepts plain ES5, a polyfilled built-in, a property named like a built-in, a typeof test and a guarded try', () => {
    expect(() => checkEs5('var o = { Map: 1 }; o.Set = 2; var f = function (x) { return x + o.Map; };')).not.toThrow();
    expect(() => checkEs5('var m = new Map();', { provided: ['Map'] })).not.toThrow();
    expect(() => checkEs5('var ok = typeof Symbol !== "undefined" && Symbol.iterator;')).not.toThrow();
    expect(() => checkEs5('var r; try { r = Reflect.construct; } catch (e) {}')).not.toThrow();
  });

  it("accepts what Espruino 2v29 has that the old hand-kept lists refused: Promise, Object.entries/values/fromEntries", () => {
    expect(() => checkEs5('var p = Promise.resolve(Object.entries({ a: 1 }).concat(Object.values({ b: 2 }))); var o = Object.fromEntries([["c", 3]]);')).not.toThrow();
  });

  it('accepts the methods Espruino has on some class (lastIndexOf is its String\'s), and a method the bundle defines itself', () => {
    expect(() => checkEs5('var i = [1, 2].lastIndexOf(2); var s = "ab".padStart(3); var n = [1].includes(1);')).not.toThrow();
    expect(() => checkEs5('function M() {} M.prototype.get = function (k) { return k; }; var v = new M().get(1);')).not.toThrow();
    expect(() => checkEs5('var c = _create_class(C, [{ key: "at", value: function (i) { return i; } }]); var v = c.at(0);')).not.toThrow();
  });

  it('takes reading a missing static function without calling it for the feature test it is', () => {
    expect(() => checkEs5('function init(e) { var capture = Error.captureStackTrace; if (capture) capture(e); }')).not.toThrow();
    expect(rejection('Error.captureStackTrace(e);').construct).toMatch(/Error\.captureStackTrace without a polyfill/);
  });

  it('lists the built-ins a program uses, in the polyfill table\'s terms', () => {
    const used = usedBuiltins('var m = new Map(); var s = [[1]].flat(); var a = Object.freeze({});');
    for (const name of ['Map', '.flat', 'Object.freeze']) expect(used.has(name)).toBe(true);
    expect(used.has('Set')).toBe(false);
  });
});

/** Runs ES5 code with `report(value)` as its output and the named host built-ins hidden. */
function run(code: string, hidden: string[] = []): unknown {
  let reported: unknown;
  new Function('report', ...hidden, code)((v: unknown) => (reported = v), ...hidden.map(() => undefined));
  return reported;
}

describe('toEspruino: SWC to ES5, only the polyfills used, minified, checked', () => {
  it('lowers ES2020 to ES5 that runs the same', async () => {
    const src = 'var out = (() => { const [a, b] = [1, 2]; const o = { ...{ x: a }, y: b ?? 0 }; let s = 0; for (const v of [a, b]) s += v; return `${o.x}-${o.y}-${s}`; })(); report(out);';
    const es5 = await toEspruino(src, { minify: true });
    expect(() => checkEs5(es5)).not.toThrow();
    expect(run(es5)).toBe('1-2-3');
  });

  it('puts a Map polyfill in front of a bundle that uses Map, and none in front of one that does not', async () => {
    const withMap = await toEspruinoWithReport('var m = new Map(); m.set("k", 2); report(m.get("k") + m.size);', { minify: true });
    expect(withMap.polyfills).toEqual(['map.js']);
    // The polyfill itself, not the host's Map, when the engine has none.
    expect(run(withMap.code, ['Map'])).toBe(3);
    const plain = await toEspruinoWithReport('report([1, 2].join("-"));', { minify: true });
    expect(plain.polyfills).toEqual([]);
  });

  it('fails the build when a used built-in has no polyfill', async () => {
    await expect(toEspruino('report(new Map());', { minify: true, polyfills: false })).rejects.toThrow(/built-in Map without a polyfill \(Espruino 2v29 has no Map\) at 1:\d+/);
    await expect(toEspruino('report(Symbol("x"));', { minify: true })).rejects.toThrow(/Symbol without a polyfill/);
  });

  it('derives from Error without Reflect and keeps instanceof (how a malformed HAN frame is told from a bug)', async () => {
    const src = 'class DecodeError extends Error { name = "DecodeError"; constructor(m) { super(m); } } var e = new DecodeError("bad"); report([e instanceof DecodeError, e instanceof Error, e.message, String(e)].join("|"));';
    const es5 = await toEspruino(src, { minify: true });
    expect(es5).not.toMatch(/Reflect/);
    expect(run(es5, ['Reflect'])).toBe('true|true|bad|DecodeError: bad');
  });
});

describe('for…of on the Espruino route: index loops, no iterator helper', () => {
  it('rewrites nested, destructuring, closure-capturing and unbraced loops, and runs the same', async () => {
    const src = [
      'var out = [];',
      'for (const [k, v] of Object.entries({ a: 1, b: 2 })) for (const ch of k + "!") out.push(ch + v);',
      'const fs = []; for (const x of [1, 2, 3]) { if (x === 2) continue; fs.push(() => x); }',
      'let last; for (last of ["p", "q"]) {}',
      'for (const { n } of [{ n: 5 }]) out.push(n);',
      'report(out.join(",") + "|" + fs.map((f) => f()).join(",") + "|" + last);',
    ].join('\n');
    const es5 = await toEspruino(src, { minify: true });
    expect(es5).not.toMatch(/Symbol|iterator|_create_for_of/);
    expect(run(es5, ['Symbol'])).toBe('a1,!1,b2,!2,5|1,3|q');
  });

  it('calls a board module by the literal require("…") the flash tool looks for', async () => {
    const { bundleDevice } = await import('../boards/bundler/bundle.ts');
    const { loadBoard } = await import('../boards/config/board-spec.ts');
    const es2020 = await bundleDevice(loadBoard('espruino-wifi'), 'gsme', 'compact', {}, false);
    const es5 = await toEspruino(es2020, { minify: true });
    for (const m of ['MQTT', 'Storage', 'SSD1306', 'Wifi']) expect(es5).toContain(`require("${m}")`);
    expect(es5).not.toMatch(/Dynamic require|use strict/);
  });
});
