/**
 * The Espruino route after esbuild (which cannot emit ES5; bundle.ts has already shortened the
 * firmware's own property names there, mangle.ts): `**` becomes an exact power (espruino-pow.ts),
 * SWC lowers the es2020 IIFE to ES5, regular expressions are written as Espruino's engine reads
 * them (espruino-regex.ts), the polyfills the bundle actually uses go in front, SWC minifies,
 * object literals a throw inside a try would derail become assignments (espruino-try-objects.ts),
 * every declaration moves before its uses (espruino-hoist.ts), and es5-check.ts refuses anything
 * Espruino 2v29 would not run.
 *
 * SWC settings: `loose` and the assumptions below make SWC lower spread and destructuring to
 * `concat` and property reads instead of iterator protocol helpers that need Symbol. `for…of`
 * becomes an index loop before SWC sees it (forOfToIndexLoops: SWC 1.x does not honour
 * `iterableIsArray` there). The firmware only iterates arrays and strings (the Map/Set polyfills
 * hand out arrays from keys/values/entries; a polyfilled Map or Set itself must not be iterated: the
 * loop would run zero times). Spread becomes `a.concat(b)`, with each argument an array, never
 * `undefined`, so Espruino's concat (which stops at an undefined argument) is safe. What is left of
 * SWC's helpers is swapped for smaller ES5 forms (smallerHelpers), and the bundle names no helper
 * that probes Symbol.
 */
import { minify, transform } from '@swc/core';
import { parse } from 'acorn';
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';
import { checkEs5, usedBuiltins } from './es5-check.ts';
import type { BoardFonts } from './espruino-fonts.ts';
import { hoistDeclarations } from './espruino-hoist.ts';
import { rewriteTryObjects } from './espruino-try-objects.ts';
import { exactPowers } from './espruino-pow.ts';
import { espruinoRegExps } from './espruino-regex.ts';
import { polyfillSource, polyfillsFor } from './polyfills/index.ts';

export interface EspruinoOptions {
  minify: boolean;
  /** false: leave the polyfills out (for testing the check). Default true. */
  polyfills?: boolean;
  /** The board's fonts, which the check holds the bundle's setFont calls to. Unchecked when absent. */
  fonts?: BoardFonts;
}

export interface EspruinoResult {
  code: string;
  /** The polyfill files put in front of the bundle. */
  polyfills: string[];
}

/**
 * `for (const x of xs) body` → `for (let _f = xs, _i = 0; _i < _f.length; _i++) { const x = _f[_i]; body }`,
 * before SWC: SWC 1.x ignores `iterableIsArray` and lowers every `for…of` through an iterator
 * helper that probes Symbol.iterator and allocates a result object per step (about 1 KB of
 * helpers and slower loops on the board). The firmware iterates arrays (and strings) only, so an
 * index loop is the same loop. `for await` has no ES5 form and is refused.
 */
export function forOfToIndexLoops(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true }) as unknown as AnyNode;
  const loops: AnyNode[] = [];
  walk(ast, (n) => {
    if (n.type === 'ForOfStatement') loops.push(n);
  });
  if (loops.length === 0) return code;
  let counter = 0;
  // The text of [start, end) with every outermost for…of inside rewritten (recursively).
  const text = (start: number, end: number): string => {
    let out = '';
    let at = start;
    for (const loop of loops) {
      if (loop.start < at || loop.end > end) continue; // outside, or inside one already rewritten
      out += code.slice(at, loop.start) + rewrite(loop);
      at = loop.end;
    }
    return out + code.slice(at, end);
  };
  const rewrite = (loop: AnyNode): string => {
    if (loop['await']) throw new Error('for await…of has no ES5 form (Espruino route)');
    const n = counter++;
    const f = `__of${n}`;
    const i = `__oi${n}`;
    const left = loop['left'] as AnyNode;
    const right = loop['right'] as AnyNode;
    const body = loop['body'] as AnyNode;
    const item = `${f}[${i}]`;
    let bind: string;
    if (left.type === 'VariableDeclaration') {
      const id = (left['declarations'] as AnyNode[])[0]!['id'] as AnyNode;
      bind = `${left['kind'] as string} ${text(id.start, id.end)} = ${item};`;
    } else {
      bind = `(${text(left.start, left.end)} = ${item});`;
    }
    return `for (let ${f} = ${text(right.start, right.end)}, ${i} = 0; ${i} < ${f}.length; ${i}++) { ${bind} ${text(body.start, body.end)} }`;
  };
  return text(0, code.length);
}

async function lowerToEs5(code: string): Promise<string> {
  const out = await transform(code, {
    // ES5 as `env` targets (IE 11 is SWC's ES5 baseline) rather than `jsc.target`, so that one
    // transform can be left out: typeof-symbol, which wraps every `typeof x` compared with
    // 'object' in a helper for engines with Symbol (Espruino has none).
    env: { targets: { ie: '11' }, loose: true, exclude: ['transform-typeof-symbol'] },
    jsc: {
      parser: { syntax: 'ecmascript' },
      loose: true,
      externalHelpers: false,
      assumptions: {
        iterableIsArray: true,
        arrayLikeIsIterable: false,
        skipForOfIteratorClosing: true,
        setSpreadProperties: true,
        objectRestNoSymbols: true,
        ignoreFunctionLength: true,
        ignoreToPrimitiveHint: true,
        noClassCalls: true,
        setClassMethods: true,
        setPublicClassFields: true,
        superIsCallableConstructor: true,
        constantSuper: true,
        mutableTemplateObject: true,
        noDocumentAll: true,
        noNewArrows: true,
        pureGetters: true,
        setComputedProperties: true,
      },
    },
    isModule: false,
    sourceMaps: false,
  });
  return out.code;
}

/**
 * SWC's helpers that stay, in smaller forms with the same effect for what the firmware does
 * (plain ES5 classes, getters, `extends`, object spread): `_create_class` defines accessors and
 * methods non-enumerable and configurable as before, without `_defineProperties`; `_inherits`
 * without its type check and `_set_prototype_of`; `_extends(…)` calls become `Object.assign(…)`
 * (polyfilled where missing). Replaced by name, as whole top-level function declarations.
 */
const SMALL_HELPERS: Record<string, string> = {
  _create_class: 'function _create_class(C,p,s){function d(t,l){for(var i=0;l&&i<l.length;i++){var x=l[i];x.configurable=true;if("value"in x)x.writable=true;Object.defineProperty(t,x.key,x)}}d(C.prototype,p);d(C,s);return C}',
  _defineProperties: '',
  _inherits: 'function _inherits(s,b){s.prototype=Object.create(b.prototype,{constructor:{value:s,writable:true,configurable:true}});if(Object.setPrototypeOf)Object.setPrototypeOf(s,b);else s.__proto__=b}',
  _set_prototype_of: '',
  _extends: '',
};

function smallerHelpers(es5: string): string {
  const ast = parse(es5, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode;
  let out = '';
  let at = 0;
  for (const node of ast['body'] as AnyNode[]) {
    const name = node.type === 'FunctionDeclaration' ? ((node['id'] as AnyNode)['name'] as string) : '';
    if (!Object.prototype.hasOwnProperty.call(SMALL_HELPERS, name)) continue;
    out += es5.slice(at, node.start) + SMALL_HELPERS[name];
    at = node.end;
  }
  return (out + es5.slice(at)).replace(/\b_extends\(/g, 'Object.assign(');
}

/**
 * SWC derives from Error through `_wrap_native_super`, which needs Reflect.construct or a
 * `new` on a bound native constructor, and decides by reading `[native code]` out of
 * Function.toString: none of that is something to rely on in Espruino, and `instanceof
 * DecodeError` (how a malformed HAN frame is told from a bug) depends on it. An ES5 base takes its
 * place: the subclass keeps Error.prototype in its chain, its own `name`, and `message`.
 */
const ERROR_BASE = 'function __es5Error(Base){function E(message){this.message=message;}' +
  'E.prototype=Object.create(Base.prototype,{constructor:{value:E,writable:true,configurable:true}});return E;}\n';

function replaceNativeSuper(es5: string): string {
  let used = false;
  const out = es5.replace(/\b_wrap_native_super\((Error|TypeError|RangeError)\)/g, (_m, base: string) => {
    used = true;
    return '__es5Error(' + base + ')';
  });
  return used ? ERROR_BASE + out : out;
}

async function minifyEs5(code: string): Promise<string> {
  const out = await minify(code, {
    // hoist_vars: SWC's own `var a,b;` lines (espruino-hoist.ts still runs after it: SWC's inlining
    // can leave a use ahead of a declaration).
    compress: { ecma: 5, passes: 3, toplevel: true, keep_fargs: true, hoist_vars: true },
    mangle: { toplevel: true },
    ecma: 5,
    module: false,
    // Espruino strings are bytes: "£" must reach it as the escape \xa3, not two UTF-8 bytes.
    format: { asciiOnly: true, comments: false },
  });
  return out.code;
}

/** The readable build: SWC's helpers the bundle no longer calls (the native-super ones) removed, nothing else. */
async function dropUnused(code: string): Promise<string> {
  const out = await minify(code, {
    compress: { defaults: false, unused: true, toplevel: true, hoist_vars: true },
    mangle: false,
    ecma: 5,
    module: false,
    format: { asciiOnly: true, comments: 'some', beautify: true },
  });
  return out.code;
}

/** esbuild's es2020 IIFE → Espruino ES5, with its polyfills; throws Es5CheckError on what Espruino rejects. */
export async function toEspruinoWithReport(code: string, options: EspruinoOptions): Promise<EspruinoResult> {
  // esbuild calls a board module (`require("MQTT")`) through its `__require` shim; Espruino has
  // `require`, and the flash tool finds the modules to upload by the literal calls.
  // esbuild's leading "use strict" is dropped: it used to land mid-program, after the polyfills,
  // where it is no directive, and the bundle has always run sloppy (as Espruino runs everything).
  const direct = code.replace(/^\s*"use strict";/, '').replace(/\b__require\(/g, 'require(');
  const es5 = espruinoRegExps(smallerHelpers(replaceNativeSuper(await lowerToEs5(forOfToIndexLoops(exactPowers(direct))))));
  const wanted = options.polyfills === false ? [] : polyfillsFor(usedBuiltins(es5));
  const joined = wanted.map(polyfillSource).join('\n') + '\n' + es5;
  // Last, after every tool that moves code: object literals a throw would derail inside a try,
  // then declarations first (Espruino hoists neither vars nor functions).
  const out = hoistDeclarations(rewriteTryObjects(options.minify ? await minifyEs5(joined) : await dropUnused(joined)), { readable: !options.minify });
  checkEs5(out, { provided: wanted.flatMap((p) => p.provides), ...(options.fonts ? { fonts: options.fonts } : {}) });
  return { code: out, polyfills: wanted.map((p) => p.file) };
}

export async function toEspruino(code: string, options: EspruinoOptions): Promise<string> {
  return (await toEspruinoWithReport(code, options)).code;
}
