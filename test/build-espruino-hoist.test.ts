/**
 * The Espruino route's declaration step (boards/bundler/espruino-hoist.ts): Espruino 2v29 declares a
 * `var` or a function only when its statement runs, so every body is rewritten to declare first.
 * The rewrite must keep what the code does on an engine that does hoist (Node here), and leave
 * nothing for findUnhoisted to report.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { findUnhoisted, hoistDeclarations } from '../boards/bundler/espruino-hoist.ts';

/** Programs that set `result`; each has a declaration Espruino would see too late. */
const LATE: Array<[string, string]> = [
  ['a var used before it (the minified ZCL decoder)', 'var a="outer";function f(e,t){o=(a=e[t])?a[1]:0;var a,o;return [o,a]}result=[f([[0,7]],0),a]'],
  ['a var declared only in a branch', 'var a="outer";function f(c){var r=[a];if(c){var a=1}r.push(a);return r}result=[f(false),f(true),a]'],
  ['a var declared only in a loop body', 'var n="outer";function f(){for(var i=0;i<2;i++){var n=i}return n}result=[f(),n]'],
  ['a var declared in a try', 'var v="outer";function f(){try{var v=g()}catch(e){}return v}function g(){throw 1}result=[f(),v]'],
  ['a var read by a closure written before it', 'function f(){var s=function(){return q};var q=1;return s()}result=f()'],
  ['a for-in head var', 'var k="outer";function f(o){for(var k in o);return k}result=[f({}),f({x:1}),k]'],
  ['a function called before its declaration', 'function f(){return g();function g(){return "g"}}result=f()'],
  ['a function read by typeof before its declaration', 'function f(){var t=typeof g;function g(){}return t}result=f()'],
  ['a top-level function used by code before it', 'var x=h();function h(){return 2}result=x'],
];

function run(code: string): unknown {
  const context: { result?: unknown } = {};
  runInNewContext(code, context);
  return JSON.parse(JSON.stringify(context.result));
}

describe('hoistDeclarations (Espruino route)', () => {
  for (const [what, code] of LATE) {
    it(`finds and fixes ${what}`, () => {
      expect(findUnhoisted(code).length).toBeGreaterThan(0);
      const out = hoistDeclarations(code);
      expect(findUnhoisted(out)).toEqual([]);
      expect(run(out)).toEqual(run(code));
    });
  }

  it('leaves code that declares before use as it is', () => {
    const code = 'function f(a){var a=a||1;for(var i=0;i<3;i++)a+=i;var y=a*2;return y}result=f(0)';
    expect(findUnhoisted(code)).toEqual([]);
    expect(hoistDeclarations(code)).toBe(code);
  });

  it('puts the declarations at the top of the body, after the directives', () => {
    expect(hoistDeclarations('function f(c){"use strict";if(c){var a=1}return a||g();function g(){return 2}}')).toBe(
      'function f(c){"use strict";var a;function g(){return 2}if(c){var a=1}return a||g();}',
    );
  });

  it('keeps a leading `var a,b;` line (a minifier\'s) ahead of the functions it moves up', () => {
    const code = 'function f(){var a,b;a=1;b=g();return b;function g(){return a+1}}result=f()';
    const out = hoistDeclarations(code);
    expect(out).toBe('function f(){var a,b;function g(){return a+1}a=1;b=g();return b;}result=f()');
    expect(findUnhoisted(out)).toEqual([]);
    expect(run(out)).toBe(2);
  });

  it('keeps statements that ended by semicolon insertion apart when their neighbours move', () => {
    const code = 'function f(){x=1\nreturn g()\nfunction g(){return x}var x}result=f()';
    const out = hoistDeclarations(code);
    expect(run(out)).toBe(1);
    expect(findUnhoisted(out)).toEqual([]);
  });

  it('refuses a function declared inside a block, which Espruino declares only when the block runs', () => {
    expect(() => hoistDeclarations('function f(c){if(c){function g(){}}return typeof g}')).toThrow(/function g is declared inside a block/);
  });

  it('names the late use and where it is', () => {
    const [problem] = findUnhoisted('function f(e){o=e;var o;return o}');
    expect(problem).toMatchObject({ kind: 'var', name: 'o', offset: 14 });
    expect(problem!.why).toMatch(/o is used before its var/);
  });
});
