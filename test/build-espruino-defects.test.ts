/**
 * The five ways the Espruino bundles that passed CI under Duktape died or misbehaved on the real
 * Espruino 2v29 interpreter, each as a tiny bundle the route must now refuse (naming the construct)
 * or rewrite into what the engine runs; then the three real bundles, built and checked.
 *
 * 1. Object.freeze is missing (every bundle died at load), and the check's lists were hand-kept.
 * 2. Its regex engine has no {n}, ?, (?:…), lookaround, lazy quantifiers, backreferences, \b, \u.
 * 3. Vars and functions are not hoisted.
 * 4. Math.pow(2, 32) is 4294967295.99999666.
 * 5. Espruino WiFi's firmware has no 6x8 font.
 * And `--runtime xstate` on an Espruino board is refused before building.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { FONT_6X8 } from '../firmware/display/render/font-6x8.ts';
import { newWriter, uintLimit, writerBytes } from '../firmware/codec/bytes.ts';
import { ZclDataType, encodeZclValue } from '../firmware/zcl/types.ts';
import { loadBoard } from '../boards/config/board-spec.ts';
import { buildDevice, checkRuntime, suppliedFonts } from '../boards/bundler/bundle.ts';
import { Es5CheckError, MISSING_GLOBALS, MISSING_METHODS, MISSING_STATICS, checkEs5, usedBuiltins } from '../boards/bundler/es5-check.ts';
import { toEspruinoWithReport } from '../boards/bundler/espruino.ts';
import { espruinoRegExps, regExpIssues } from '../boards/bundler/espruino-regex.ts';
import { rewriteTryObjects } from '../boards/bundler/espruino-try-objects.ts';
import { POLYFILLS, polyfillSource, polyfillsFor } from '../boards/bundler/polyfills/index.ts';
import { UsageError } from '../cli/usage.ts';
import { hanlab } from './support/cli.ts';

function rejection(code: string, options: Parameters<typeof checkEs5>[1] = {}): Es5CheckError {
  try {
    checkEs5(code, options);
  } catch (err) {
    if (err instanceof Es5CheckError) return err;
    throw err;
  }
  throw new Error('accepted: ' + code);
}

/** The thrown Es5CheckError of `f`. */
function thrown(f: () => unknown): Es5CheckError {
  try {
    f();
  } catch (err) {
    if (err instanceof Es5CheckError) return err;
    throw err;
  }
  throw new Error('nothing thrown');
}

/** Runs ES5 `code` in a fresh context after `prelude` (which takes away what Espruino lacks); returns what it passed to report(). */
function run(code: string, prelude = ''): unknown {
  const context: { report?: (v: unknown) => void; out?: unknown } = {};
  context.report = (v) => (context.out = v);
  runInNewContext(prelude + '\n' + code, context);
  return context.out;
}

/** Espruino 2v29's Math.pow: exact only for integer exponents 0..9, else exp(log(x) * y). */
const ESPRUINO_POW = 'Math.pow = (function (pow) { return function (x, y) { return y % 1 === 0 && y >= 0 && y <= 9 ? pow(x, y) : Math.exp(Math.log(x) * y); }; })(Math.pow);';

describe('1. built-ins: what Espruino 2v29 lacks, from its facts (espruino-builtins.json)', () => {
  it('refuses Object.freeze: the engine has none and the build brings none (firmware constants are Readonly types)', async () => {
    expect(rejection('var LIMITS = Object.freeze({ max: 1 });').construct).toMatch(/^built-in Object\.freeze without a polyfill \(Espruino 2v29 has no Object\.freeze\)$/);
    await expect(toEspruinoWithReport('const LIMITS = Object.freeze({ max: 7 }); report(LIMITS.max);', { minify: true })).rejects.toThrow(/Object\.freeze/);
  });

  it("derives the lists: Promise and Object.entries are Espruino's, freeze, RangeError, Date.UTC and getUTCHours are not", () => {
    for (const name of ['Promise', 'Object', 'Uint8Array']) expect(MISSING_GLOBALS.has(name)).toBe(false);
    for (const name of ['Map', 'Symbol', 'RangeError', 'Reflect']) expect(MISSING_GLOBALS.has(name)).toBe(true);
    for (const name of ['Object.entries', 'Object.values', 'Object.fromEntries', 'Object.assign', 'Math.sign']) expect(MISSING_STATICS.has(name)).toBe(false);
    for (const name of ['Object.freeze', 'Number.isInteger', 'Number.isFinite', 'Math.trunc', 'Math.imul', 'Date.UTC', 'Array.from']) expect(MISSING_STATICS.has(name)).toBe(true);
    for (const name of ['lastIndexOf', 'includes', 'find', 'fill', 'padStart', 'slice']) expect(MISSING_METHODS.has(name)).toBe(false);
    for (const name of ['getUTCHours', 'setUTCMinutes', 'at', 'flat', 'toPrecision']) expect(MISSING_METHODS.has(name)).toBe(true);
  });

  it('has a polyfill only for what Espruino lacks or gets wrong, and each keeps the engine\'s own where it is right', () => {
    for (const p of POLYFILLS) {
      const source = polyfillSource(p);
      for (const name of p.provides) {
        const lacking = name.startsWith('.') ? MISSING_METHODS.has(name.slice(1)) : name.includes('.') ? MISSING_STATICS.has(name) : MISSING_GLOBALS.has(name);
        // A replacement is for what Espruino has (and gets wrong), and says what is wrong with it.
        expect(lacking, `${p.file} provides ${name}`).toBe(!p.replaces);
      }
      if (p.replaces) expect(source, p.file).toMatch(/2v29/);
      else expect(source, p.file).toMatch(/if \(!|typeof \w+ === 'function' \?/);
    }
  });

  it('replaces Espruino\'s Object.assign and Object.fromEntries, which 2v29 gets wrong for integer keys', () => {
    const broken = 'Object.assign = function () { throw new Error("ASSERT(jsvIsSimpleInt(var) || jsvIsString(var)) FAILED"); };' +
      'Object.fromEntries = function (p) { var o = {}; for (var i = 0; i < p.length; i++) if (typeof p[i][0] === "string") o[p[i][0]] = p[i][1]; return o; };';
    const code = 'var m = {}; m[1794] = {x: 1}; report([Object.assign({}, m, {1795: 2}), Object.fromEntries([[1794, 5], ["7", 2]])]);';
    expect(() => run(code, broken)).toThrow(/ASSERT/);
    const wanted = polyfillsFor(usedBuiltins(code));
    expect(wanted.map((p) => p.file)).toEqual(['object-assign.js', 'object-from-entries.js']);
    expect(run(wanted.map(polyfillSource).join('\n') + code, broken)).toEqual([{ 1794: { x: 1 }, 1795: 2 }, { 1794: 5, 7: 2 }]);
  });
});

describe('2. regular expressions as Espruino 2v29 reads them', () => {
  it('rewrites {n} on a single element into repetition, matching as before', async () => {
    const out = espruinoRegExps('var EUI = /^[0-9A-F]{16}$/; var HEX4 = new RegExp("^[0-9A-F]{4}$"); var DIGITS = /^\\d{2,}$/;');
    expect(out).toContain(`/^${'[0-9A-F]'.repeat(16)}$/`);
    expect(out).toContain(`new RegExp("^${'[0-9A-F]'.repeat(4)}$")`);
    expect(out).toContain('/^\\d\\d+$/');
    expect(out).not.toMatch(/\{\d/);
    const eui = run(out + '; report([EUI.test("00DB48FFFE00A003"), EUI.test("00DB48FFFE00A00"), EUI.test("00db48fffe00a003"), HEX4.test("0A1F"), DIGITS.test("1"), DIGITS.test("123")]);');
    expect(eui).toEqual([true, false, false, true, false, true]);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['{2} on a group', '/(a){2}/', /\{2\} on \(a\)/],
    ['{1,3} (no ? to write it with)', '/^a{1,3}$/', /\{1,3\} quantifier .*no \{n,m\} and no \?/],
    ['a non-capturing group', '/(?:ab)c/', /non-capturing group \(\?:ab\)/],
    ['a lookahead', '/a(?=b)/', /lookahead \(\?=…\)/],
    ['a negative lookahead', '/a(?!b)/', /lookahead \(\?!…\)/],
    ['a lazy quantifier', '/a+?b/', /lazy quantifier \+\?/],
    ['?', '/^colou?r$/', /\? quantifier in u\? .*literal '\?'/],
    ['a backreference', '/(a)\\1/', /backreference \\1/],
    ['\\b', '/\\bword/', /\\b word boundary/],
    ['\\u00a3', '/\\u00a3/', /\\u00a3 escape .*write \\xa3/],
    ['flag m', '/^a$/m', /flag m .*ignores m/],
    ['| inside a group', '/^(a|b)c$/', /\| inside a group \(a\|b\)/],
    ['a quantified group', '/^(ab)+$/', /quantifier \+ on \(ab\)/],
    ['a computed RegExp pattern', 'var p = "a"; var r = new RegExp(p);', /computed at run time/],
    ['a lookahead in a RegExp string', 'var r = new RegExp("a(?=b)");', /lookahead/],
  ];
  for (const [what, code, construct] of refused) {
    it(`refuses ${what}, naming it`, () => {
      const src = code.startsWith('/') ? `var r = ${code};` : code;
      expect(thrown(() => espruinoRegExps(src)).construct).toMatch(construct);
      expect(rejection(src).construct).toMatch(construct);
    });
  }

  it('refuses a lookbehind, which is no ES5 regular expression at all', () => {
    expect(thrown(() => espruinoRegExps('var r = /(?<=a)b/;')).construct).toMatch(/lookbehind \(\?<=…\)/);
    expect(rejection('var r = /(?<=a)b/;').construct).toMatch(/^ES2015\+ syntax \(Invalid regular expression: \/\(\?<=a\)b\/: Invalid group\)$/);
  });

  it('refuses in the final check a {n} the route left as written', () => {
    expect(rejection('var EUI = /^[0-9A-F]{16}$/;').construct).toMatch(/^regular expression \/\^\[0-9A-F\]\{16\}\$\/: \{16\} quantifier .*rewrites this/);
  });

  it('accepts what the engine runs: classes, \\d \\w \\s, \\xNN, escapes, * and +, a plain group, | at the top, flags g and i', () => {
    for (const re of ['/^[\\w-]+$/', '/^ /', '/[^a-z]*\\.\\/x/gi', '/\\xa3\\d\\s/', '/^(ab)c|d$/']) expect(regExpIssues(re.slice(1, re.lastIndexOf('/')), re.slice(re.lastIndexOf('/') + 1))).toEqual([]);
  });
});

describe('3. declarations Espruino sees too late', () => {
  it('refuses a var used before its declaration (the minified ZCL decoder)', () => {
    expect(rejection('function f(e,t){o=(a=e[t])?a[1]:0;var a,o;return [o,a]}').construct).toMatch(/^a var used before Espruino declares it: o is used before its var/);
  });

  it('refuses a function declared after other statements of its body', () => {
    expect(rejection('function f(){var x=g();function g(){return 1}return x}').construct).toMatch(/function g is declared after other statements/);
  });
});

describe('3b. recursion in a function made more than once (leaks a variable per making on Espruino)', () => {
  it('refuses the interpreter\'s old state descent, inlined by the minifier as a named function expression', () => {
    const inlined = '!function(){function step(n){return function t(r){var a=[];for(var i=0;i<r;i++)a=a.concat(t(r-1));return a}(n)}step(3)}()';
    expect(rejection(inlined).construct).toMatch(/^recursive function t \(function t\(r\).*lock count at 15/);
  });

  it('refuses a recursive declaration inside a function that can run again, and mutual recursion there', () => {
    expect(rejection('!function(){function poll(){function walk(n){return n?walk(n-1):0}return walk(3)}poll()}()').construct).toMatch(/^recursive function walk/);
    expect(rejection('!function(){function poll(){function a(n){return b(n)}function b(n){return n?a(n-1):0}return a(3)}poll()}()').construct).toMatch(/^recursive function a/);
  });

  it('accepts recursion declared where it is made once (the bundle\'s top level), and a function that only schedules itself', () => {
    expect(() => checkEs5('!function(){function walk(n){return n?walk(n-1):0}walk(3)}()')).not.toThrow();
    expect(() => checkEs5('function walk(n){return n?walk(n-1):0}walk(3)')).not.toThrow();
    expect(() => checkEs5('!function(){function poll(){function retry(){setTimeout(function(){retry()},10)}retry()}poll()}()')).not.toThrow();
  });
});

describe('3c. object literals inside a try (2v29 misses the catch when a value throws before another property)', () => {
  it('refuses one, and the build writes it as assignments that keep the keys, their order and the catch', () => {
    const code = 'function f(d){var r;try{r={j:d(),"k y":1,1794:[d()],m:{x:d(),y:2}}}catch(e){return "caught"}return r}';
    expect(rejection(code).construct).toMatch(/object literal inside a try/);
    const out = rewriteTryObjects(code);
    expect(() => checkEs5(out)).not.toThrow();
    const run2 = (src: string) => runInNewContext(src + ';[f(function(){throw new Error("x")}), JSON.stringify(f(function(){return 5}))]');
    expect(run2(out)).toEqual(run2(code));
    expect(run2(out)).toEqual(['caught', '{"1794":[5],"j":5,"k y":1,"m":{"x":5,"y":2}}']);
  });

  it('leaves literals it cannot derail: outside a try, in a function of its own, or throwing only in the last value', () => {
    for (const code of ['function f(d){return {a:d(),b:1}}', 'function f(d){try{g(function(){return {a:d(),b:1}})}catch(e){}}', 'function f(d){try{x={a:1,b:d()}}catch(e){}}']) {
      expect(rewriteTryObjects(code)).toBe(code);
      expect(() => checkEs5(code)).not.toThrow();
    }
  });
});

describe('4. Math.pow, inexact on Espruino', () => {
  it('refuses Math.pow, saying why', () => {
    expect(rejection('var top = Math.pow(2, 32);').construct).toMatch(/^Math\.pow in Math\.pow\(2, 32\) \(inexact on Espruino 2v29 .*4294967295\.99999666/);
  });

  it('lowers ** to a power that stays exact under Espruino\'s Math.pow', async () => {
    const built = await toEspruinoWithReport('const p = (n) => 10 ** n; report([2 ** 32 - 1, 2 ** (8 * 6), p(0), p(2), p(22), 2 ** -2, 9 ** 0.5, (-8) ** 3]);', { minify: true });
    expect(built.code).not.toMatch(/Math\.pow/);
    // A non-integer exponent gets what Espruino's own Math.pow gives.
    expect(run(built.code, ESPRUINO_POW)).toEqual([4294967295, 281474976710656, 1, 100, 1e22, 0.25, Math.exp(Math.log(9) * 0.5), -512]);
  });

  it('takes 0xFFFFFFFF as a uint32 however Math.pow rounds (the GPF\'s range check)', () => {
    const pow = Math.pow;
    Math.pow = (x: number, y: number) => (y % 1 === 0 && y >= 0 && y <= 9 ? pow(x, y) : Math.exp(Math.log(x) * y));
    try {
      expect(Math.pow(2, 32)).not.toBe(4294967296);
      const w = newWriter();
      encodeZclValue(w, ZclDataType.uint32, 0xffffffff);
      expect([...writerBytes(w)]).toEqual([0xff, 0xff, 0xff, 0xff]);
      expect([1, 2, 3, 4, 6].map(uintLimit)).toEqual([0x100, 0x10000, 0x1000000, 0x100000000, 0x1000000000000]);
    } finally {
      Math.pow = pow;
    }
  });
});

describe('5. fonts a board has, or the bundle supplies', () => {
  const wifi = { board: 'espruino-wifi', fonts: ['4x6', 'Vector'] };
  const esp32 = { board: 'esp32', fonts: ['4x6', '6x8', 'Vector'] };

  it('refuses 6x8 on Espruino WiFi without the supplied font, naming the font, the board and the call', () => {
    const err = rejection('function show(g) { g.clear(); g.setFont("6x8", 2); }', { fonts: wifi });
    expect(err.construct).toBe('font "6x8" in g.setFont("6x8", 2): board espruino-wifi\'s firmware has 4x6, Vector and the bundle supplies no setFont6x8');
    expect(rejection('g.setFont("6x8:3");', { fonts: wifi }).construct).toMatch(/^font "6x8" in g\.setFont\("6x8:3"\)/);
    expect(rejection('var name = "6x8"; g.setFont(name);', { fonts: wifi }).construct).toMatch(/font name computed at run time/);
  });

  it('accepts 6x8 on the ESP32, whose firmware has it, and on Espruino WiFi when the bundle supplies it', () => {
    expect(() => checkEs5('g.setFont("6x8", 2); g.setFont("4x6:2"); g.setFont("Vector:12");', { fonts: esp32 })).not.toThrow();
    expect(() => checkEs5('Graphics.prototype.setFont6x8 = function () { return this.setFontCustom("", 32, 6, 8); }; g.setFont("6x8", 2);', { fonts: wifi })).not.toThrow();
  });

  it('supplies 6x8 only to the Espruino board that lacks it', () => {
    expect(suppliedFonts(loadBoard('espruino-wifi'))).toEqual(['6x8']);
    for (const board of ['esp32', 'node', 'emulator']) expect(suppliedFonts(loadBoard(board))).toEqual([]);
  });

  it("draws hanlab's own 6x8 glyphs: the custom-font bitmap decodes to font-6x8.ts, column by column", async () => {
    const calls: unknown[][] = [];
    const g = globalThis as { Graphics?: unknown };
    function Graphics(): void {}
    g.Graphics = Graphics;
    try {
      await import('../boards/espruino/font-6x8.ts');
      const setter = (Graphics.prototype as Record<string, (this: unknown) => unknown>)['setFont6x8']!;
      setter.call({ setFontCustom: (...args: unknown[]) => calls.push(args) });
      setter.call({ setFontCustom: (...args: unknown[]) => calls.push(args) });
    } finally {
      delete g.Graphics;
    }
    const [bitmap, firstChar, widths, height] = calls[0] as [string, number, string, number];
    // The same strings every time: made once, not per call.
    expect(calls[1]![0]).toBe(bitmap);
    expect([firstChar, height, widths.length]).toEqual([32, 8, 0xa3 - 32 + 1]);
    const drawn = [...Array(95).keys()].map((i) => 32 + i).concat(0xa3);
    let offset = 0; // bits into the bitmap
    for (let code = firstChar; code < firstChar + widths.length; code++) {
      const width = widths.charCodeAt(code - firstChar);
      expect(width, `width of ${code}`).toBe(drawn.includes(code) ? 6 : 0);
      const glyph = code === 0xa3 ? 95 : code - 32;
      for (let x = 0; x < width; x++) {
        for (let y = 0; y < height; y++, offset++) {
          const bit = (bitmap.charCodeAt(offset >> 3) >> (7 - (offset & 7))) & 1;
          const want = x < FONT_6X8.glyphW ? (FONT_6X8.columns[glyph * FONT_6X8.glyphW + x]! >> y) & 1 : 0;
          expect(bit, `char ${code} column ${x} row ${y}`).toBe(want);
        }
      }
    }
    expect(offset).toBe(bitmap.length * 8);
    expect(bitmap.length).toBe(96 * 6);
  });
});

describe('--runtime xstate on an Espruino board', () => {
  it('is a UsageError before anything is built', async () => {
    expect(() => checkRuntime(loadBoard('esp32'), 'xstate')).toThrow(UsageError);
    expect(() => checkRuntime(loadBoard('emulator'), 'xstate')).not.toThrow();
    await expect(buildDevice({ board: 'espruino-wifi', device: 'ppmid', runtime: 'xstate' })).rejects.toThrow(/xstate does not run on board 'espruino-wifi' \(Espruino\)/);
  });

  it('exits hanlab build with status 2 and one line giving the reason', async () => {
    const r = await hanlab('build', '--board', 'esp32', '--device', 'ppmid', '--runtime', 'xstate');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hanlab build: --runtime: xstate does not run on board 'esp32' \(Espruino\): XState needs about 5,000 variables for one machine and its source has constructs Espruino rejects; use --runtime compact\n$/);
  }, 30_000);
});

describe('the three Espruino WiFi bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-defects-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fonts = { board: 'espruino-wifi', fonts: loadBoard('espruino-wifi').fonts };

  for (const device of ['gsme', 'gpf', 'ppmid'] as const) {
    it(`${device}: builds, passes the check, and carries the 6x8 font, no Math.pow and no {n}`, async () => {
      const built = await buildDevice({ board: 'espruino-wifi', device, outDir: dir + '/' });
      expect(() => checkEs5(built.code, { provided: POLYFILLS.flatMap((p) => p.provides), fonts })).not.toThrow();
      expect(built.code).toMatch(/Graphics\.prototype\.setFont6x8=function/);
      expect(built.code).not.toMatch(/Math\.pow/);
      expect(built.code).toContain(`/^${'[0-9A-F]'.repeat(16)}$/`);
    }, 60_000);
  }

  it('esp32 (whose firmware has 6x8) carries no font of its own', async () => {
    const built = await buildDevice({ board: 'esp32', device: 'ppmid', outDir: dir + '/' });
    expect(built.code).not.toMatch(/setFont6x8/);
    expect(built.code).toMatch(/setFont\("6x8"/);
  }, 60_000);
});
