/**
 * The Duktape Espruino profile (test/support/duktape/espruino-profile.js) fails where Espruino 2v29
 * fails and has what it has. Tiny bundles run under /usr/bin/duk through compose.ts, each once with
 * the profile and once without (plain Duktape, as the harness was before it), so every check shows
 * the profile is what makes the difference. The expected values are Espruino 2v29's, measured on
 * its Linux build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDuktapeScript } from './support/duktape/compose.ts';
import type { DukOptions } from './support/duktape/compose.ts';

const DUK = '/usr/bin/duk';
const hasDuk = existsSync(DUK);
if (!hasDuk) console.warn(`duktape-espruino-profile.test.ts: SKIPPED: ${DUK} is missing (apt-get install -y duktape)`);

/** Runs `probe(label, fn)` for each probe and logs "label => ok <json>" or "label => threw <Class>: <message>". */
const PROBE = `
function probe(label, f) {
  var r;
  try { r = 'ok ' + JSON.stringify(f()); }
  catch (e) { r = 'threw ' + (e instanceof ReferenceError ? 'ReferenceError' : e instanceof TypeError ? 'TypeError' : 'Error') + ': ' + e.message; }
  console.log(label + ' => ' + r);
}
var f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer);
function bits(x) { f64[0] = x; var s = ''; for (var i = 1; i >= 0; i--) { var h = u32[i].toString(16); while (h.length < 8) h = '0' + h; s += h; } return s; }
`;

interface Line {
  kind: string;
  at: number;
  line?: string;
  error?: string;
}

let dir = '';

function run(code: string, options: DukOptions): Line[] {
  const script = join(dir, `probe-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(script, composeDuktapeScript([{ device: 'ppmid', code: PROBE + code, storage: {} }], 0, 1000, options));
  return execFileSync(DUK, [script], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

/** label → result of every probe in `code`, with the Espruino profile and without. */
function probes(code: string, board = 'espruino-wifi'): { espruino: Record<string, string>; plain: Record<string, string> } {
  const results = (espruino: boolean) => {
    const out: Record<string, string> = {};
    for (const l of run(code, { board, espruino })) {
      if (l.kind !== 'log') continue;
      const at = l.line!.indexOf(' => ');
      out[l.line!.slice(0, at)] = l.line!.slice(at + 4);
    }
    return out;
  };
  return { espruino: results(true), plain: results(false) };
}

describe.skipIf(!hasDuk)('the Duktape Espruino profile', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hanlab-duk-profile-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('built-ins Espruino lacks', () => {
    let r: ReturnType<typeof probes>;
    beforeAll(() => {
      r = probes(`
        probe('Object.freeze', function () { return Object.freeze({ a: 1 }); });
        probe('Number.isInteger', function () { return typeof Number.isInteger; });
        probe('Math.trunc', function () { return typeof Math.trunc; });
        probe('Math.imul', function () { return typeof Math.imul; });
        probe('Date.UTC', function () { return typeof Date.UTC; });
        probe('Array.from', function () { return typeof Array.from; });
        probe('RangeError', function () { return String(new RangeError('x')); });
        probe('getUTCHours', function () { return typeof new Date(0).getUTCHours; });
        probe('Symbol', function () { return typeof Symbol; });
        probe('lastIndexOf', function () { return typeof [].lastIndexOf; });
      `);
    });

    it('Object.freeze: calling it throws', () => {
      expect(r.espruino['Object.freeze']).toMatch(/^threw TypeError: /);
      expect(r.plain['Object.freeze']).toBe('ok {"a":1}');
    });

    it.each(['Number.isInteger', 'Math.trunc', 'Math.imul', 'Date.UTC', 'getUTCHours', 'lastIndexOf'])('%s is undefined', (name) => {
      expect(r.espruino[name]).toBe('ok "undefined"');
      expect(r.plain[name]).toBe('ok "function"');
    });

    it('Array.from is undefined (Duktape 2.7 has none either: no shim may bring it in)', () => {
      expect(r.espruino['Array.from']).toBe('ok "undefined"');
      expect(r.plain['Array.from']).toBe('ok "undefined"');
    });

    it('RangeError is not defined: using it is a ReferenceError', () => {
      expect(r.espruino['RangeError']).toMatch(/^threw ReferenceError: .*RangeError/);
      expect(r.plain['RangeError']).toBe('ok "RangeError: x"');
    });

    it('Symbol is gone from the engine, not only shadowed', () => {
      expect(r.espruino['Symbol']).toBe('ok "undefined"');
      // Shadowed by undefined before the profile, though Duktape has it.
      expect(r.plain['Symbol']).toBe('ok "undefined"');
      const bare = probes(`probe('global Symbol', function () { return (0, eval)('typeof Symbol'); });`);
      expect(bare.espruino['global Symbol']).toBe('ok "undefined"');
      expect(bare.plain['global Symbol']).toBe('ok "function"');
    });
  });

  describe("built-ins Espruino has and Duktape lacks", () => {
    let r: ReturnType<typeof probes>;
    beforeAll(() => {
      r = probes(`
        probe('Promise', function () { return typeof Promise; });
        probe('Object.entries', function () { return Object.entries({ a: 1, b: 2 }); });
        probe('padStart', function () { return 'a'.padStart(3); });
        probe('includes', function () { return [1, NaN].includes(NaN); });
        probe('typed map', function () { return String(new Uint8Array([3, 1, 2]).map(function (x) { return x * 100; })); });
        var order = [];
        Promise.resolve(1).then(function (v) { order.push('then ' + v); probe('promise order', function () { return order; }); });
        setTimeout(function () { order.push('timeout 0'); }, 0);
        order.push('sync');
      `);
    });

    it('Promise is there, and its reactions run after the due timers, as on Espruino', () => {
      expect(r.espruino['Promise']).toBe('ok "function"');
      expect(r.plain['Promise']).toBe('ok "undefined"');
      expect(r.espruino['promise order']).toBe('ok ["sync","timeout 0","then 1"]');
    });

    it('Object.entries, String#padStart, Array#includes', () => {
      expect(r.espruino['Object.entries']).toBe('ok [["a",1],["b",2]]');
      expect(r.espruino['padStart']).toBe('ok "  a"');
      expect(r.espruino['includes']).toBe('ok true');
      for (const name of ['Object.entries', 'padStart', 'includes']) expect(r.plain[name]).toMatch(/^threw TypeError: /);
    });

    it("typed arrays' map gives a typed array of the same kind, which prints as its numbers", () => {
      expect(r.espruino['typed map']).toBe('ok "44,100,200"');
      expect(r.plain['typed map']).toMatch(/^threw TypeError: /);
    });
  });

  describe('Math.pow as Espruino computes it', () => {
    // Bits of the doubles Espruino 2v29 returns (Linux build), where the board's doubles agree.
    const ESPRUINO: [number, number, string][] = [
      [2, 32, '41effffffffffff9'], // 4294967295.99999666213
      [2, 31, '41e0000000000004'], // 2147483648.00000190734
      [2, 53, '433ffffffffffffa'],
      [2, 16, '40effffffffffffd'],
      [2, 9, '4080000000000000'], // 512: whole powers below 10 by multiplication, exact
      [7, 9, '41833dfa38000000'],
      [7, 12, '4209c80a4107fff3'],
      [10, -2, '3f847ae147ae1478'],
      [3, 0.5, '3ffbb67ae8584cab'],
      [-2, 11, 'c0a0000000000000'],
      [-2, Infinity, 'fff8000000000000'], // NaN, where ECMAScript says Infinity
      [0, NaN, '0000000000000000'], // 0, where ECMAScript says NaN
    ];
    let r: ReturnType<typeof probes>;
    beforeAll(() => {
      r = probes(ESPRUINO.map(([x, y]) => `probe('${x}^${y}', function () { return bits(Math.pow(${x}, ${y})); });`).join('\n'));
    });

    it('Math.pow(2, 32) is not 4294967296 but Espruino’s 4294967295.99999666…', () => {
      expect(r.espruino['2^32']).toBe('ok "41effffffffffff9"');
      expect(r.plain['2^32']).toBe('ok "41f0000000000000"');
    });

    it.each(ESPRUINO)('Math.pow(%d, %d) has the bits Espruino gives', (x, y, hex) => {
      expect(r.espruino[`${x}^${y}`]).toBe(`ok "${hex}"`);
    });
  });

  describe('the 6x8 font, which the Espruino WiFi firmware does not have', () => {
    const DRAW = `
      var g = require('SSD1306').connect(I2C1, function () {});
      probe('6x8', function () { return g.setFont('6x8').stringWidth('ab'); });
      probe('6x8:2', function () { return g.setFont('6x8:2').stringWidth('ab'); });
      probe('4x6', function () { return g.setFont('4x6', 2).stringWidth('ab'); });
    `;
    const DEFINED = `Graphics.prototype.setFont6x8 = function () { return this.setFontCustom('', 32, 6, 8); };`;

    it('setFont("6x8") throws Unknown font "6x8" on espruino-wifi', () => {
      const r = probes(DRAW);
      expect(r.espruino['6x8']).toBe('threw Error: Unknown font "6x8"');
      expect(r.espruino['6x8:2']).toBe('threw Error: Unknown font "6x8"');
      expect(r.espruino['4x6']).toBe('ok 16');
      expect(r.plain['6x8']).toBe('ok 12');
    });

    it('works on esp32, whose firmware has it', () => {
      const r = probes(DRAW, 'esp32');
      expect(r.espruino['6x8']).toBe('ok 12');
      expect(r.espruino['6x8:2']).toBe('ok 24');
    });

    it('works on espruino-wifi once the bundle defines setFont6x8, with the scale applied', () => {
      const r = probes(DEFINED + DRAW);
      expect(r.espruino['6x8']).toBe('ok 12');
      expect(r.espruino['6x8:2']).toBe('ok 24');
      const own = probes(DRAW.replace("probe('6x8'", `g.setFont6x8 = function () { return this.setFontCustom('', 32, 5, 8); }; probe('6x8'`));
      expect(own.espruino['6x8']).toBe('ok 10');
    });
  });

  describe('errors', () => {
    let r: ReturnType<typeof probes>;
    beforeAll(() => {
      r = probes(`
        probe('before new Error', function () { return String(Object.create(Error.prototype)); });
        function DecodeError(message) { this.message = message; }
        DecodeError.prototype = Object.create(Error.prototype);
        DecodeError.prototype.constructor = DecodeError;
        probe('subclass', function () { return String(new DecodeError('bad frame')); });
        probe('native', function () { var e = new Error('x'); return [String(e), e.name, Object.keys(e)]; });
        probe('after new Error', function () { return String(Object.create(Error.prototype)); });
        probe('propertiesObject', function () { return Object.create({}, { a: { value: 1 } }); });
        probe('clearTimeout()', function () { return clearTimeout(); });
      `);
    });

    it('String(Object.create(Error.prototype)) is "[object Object]" until a native Error is made', () => {
      expect(r.espruino['before new Error']).toBe('ok "[object Object]"');
      expect(r.espruino['after new Error']).toBe('ok "Error"');
      expect(r.plain['before new Error']).toBe('ok "Error"');
    });

    it('an ES5 Error subclass prints as "[object Object]"', () => {
      expect(r.espruino['subclass']).toBe('ok "[object Object]"');
      expect(r.plain['subclass']).toBe('ok "Error: bad frame"');
    });

    it('a native Error is "Error: x", has no name, and its message, type and stack are its own', () => {
      expect(r.espruino['native']).toBe('ok ["Error: x",null,["message","type","stack"]]');
      expect(r.plain['native']).toBe('ok ["Error: x","Error",[]]');
    });

    it('Object.create with a properties object throws', () => {
      expect(r.espruino['propertiesObject']).toBe('threw Error: propertiesObject is not supported yet');
      expect(r.plain['propertiesObject']).toBe('ok {}');
    });

    it('clearTimeout() without an id is still refused', () => {
      expect(r.espruino['clearTimeout()']).toMatch(/^threw Error: clearTimeout\(\) without an id/);
    });
  });

  describe('Object.assign and Object.fromEntries with integer keys, which 2v29 gets wrong', () => {
    let r: ReturnType<typeof probes>;
    beforeAll(() => {
      r = probes(`
        probe('assign int', function () { var m = {}; m[1794] = { x: 1 }; return Object.assign({}, m); });
        probe('assign str', function () { return Object.assign({}, { a: 1 }, { b: 2 }); });
        probe('fromEntries', function () { return Object.fromEntries([[1794, 5], ['7', 2]]); });
      `);
    });

    it('Object.assign from a source with an integer key stops at the engine\'s assertion', () => {
      expect(r.espruino['assign int']).toMatch(/^threw Error: ASSERT\(jsvIsSimpleInt\(var\) \|\| jsvIsString\(var\)\) FAILED/);
      expect(r.plain['assign int']).toBe('ok {"1794":{"x":1}}');
      expect(r.espruino['assign str']).toBe('ok {"a":1,"b":2}');
    });

    it('Object.fromEntries drops the pairs whose key is a number', () => {
      expect(r.espruino['fromEntries']).toBe('ok {"7":2}');
    });
  });
});
