/**
 * The Espruino route after esbuild (which cannot emit ES5): SWC lowers the es2017 IIFE to ES5,
 * the polyfills the bundle actually uses go in front, SWC minifies, and es5-check.ts refuses
 * anything Espruino 2v29 would not run.
 *
 * SWC settings: `loose` and the assumptions below make SWC lower `for…of`, spread and
 * destructuring to index loops, `concat` and property reads instead of iterator protocol helpers
 * that need Symbol. The firmware only iterates arrays (and the Map/Set polyfills hand out arrays),
 * which is what `iterableIsArray` assumes. Spread becomes `a.concat(b)`, with each argument an
 * array, never `undefined`, so Espruino's concat (which stops at an undefined argument) is safe.
 */
import { minify, transform } from '@swc/core';
import { checkEs5, usedBuiltins } from './es5-check.ts';
import { polyfillSource, polyfillsFor } from './polyfills/index.ts';

export interface EspruinoOptions {
  minify: boolean;
  /** false: leave the polyfills out (for testing the check). Default true. */
  polyfills?: boolean;
}

export interface EspruinoResult {
  code: string;
  /** The polyfill files put in front of the bundle. */
  polyfills: string[];
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
    // hoist_vars: every `var` at the top of its function, so nothing depends on hoisting (the
    // Espruino interpreter declares a var when it executes the statement).
    compress: { ecma: 5, passes: 2, toplevel: true, keep_fargs: true, hoist_vars: true },
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

/** esbuild's es2017 IIFE → Espruino ES5, with its polyfills; throws Es5CheckError on what Espruino rejects. */
export async function toEspruinoWithReport(code: string, options: EspruinoOptions): Promise<EspruinoResult> {
  const es5 = replaceNativeSuper(await lowerToEs5(code));
  const wanted = options.polyfills === false ? [] : polyfillsFor(usedBuiltins(es5));
  const joined = wanted.map(polyfillSource).join('\n') + '\n' + es5;
  const out = options.minify ? await minifyEs5(joined) : await dropUnused(joined);
  checkEs5(out, { provided: wanted.flatMap((p) => p.provides) });
  return { code: out, polyfills: wanted.map((p) => p.file) };
}

export async function toEspruino(code: string, options: EspruinoOptions): Promise<string> {
  return (await toEspruinoWithReport(code, options)).code;
}
