/**
 * What an Espruino bundle may not use without a polyfill: the ECMAScript built-ins of the engine
 * running the build that Espruino 2v29 lacks. Both sides are facts, not hand-kept lists: Espruino's
 * from espruino-builtins.json (read from its JSWRAP declarations, checked on the 2v29 build), the
 * standard's from a fresh V8 context, which holds ECMAScript's globals and none of Node's own
 * (process, Buffer, fetch…), so a host API never passes for a language built-in.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

interface EspruinoBuiltins {
  globals: string[];
  /** Static members per class (`Object.keys` → statics.Object has "keys"). */
  statics: Record<string, string[]>;
  /** Prototype members per class; Object's are on every object, ArrayBufferView's on every typed array. */
  methods: Record<string, string[]>;
}

export const ESPRUINO_BUILTINS: EspruinoBuiltins = JSON.parse(readFileSync(new URL('./espruino-builtins.json', import.meta.url), 'utf8'));

interface EngineBuiltins {
  globals: string[];
  statics: Record<string, string[]>;
  /** `Class.member` of the statics that are functions. */
  staticFunctions: string[];
  methods: string[];
  /** Uint8Array, Float64Array…: Espruino's facts list what they share as ArrayBufferView. */
  typedArrays: string[];
}

/**
 * Run inside the fresh context, so the names are that context's: every global, each global's
 * members (a function's `prototype`, `length` and `name` are no library members), and the
 * function-valued members of each global's prototype chain (accessors such as `byteLength` are
 * not called).
 */
const READ_ENGINE = `(function () {
  var out = { globals: Object.getOwnPropertyNames(globalThis), statics: {}, staticFunctions: [], methods: [], typedArrays: [] };
  var seen = [];
  var TypedArray = Object.getPrototypeOf(Int8Array);
  out.globals.forEach(function (name) {
    var value = globalThis[name];
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
    if (Object.getPrototypeOf(value) === TypedArray) out.typedArrays.push(name);
    var statics = [];
    // Up the constructor chain short of Function.prototype: Uint8Array.from is %TypedArray%'s.
    for (var c = value; c && c !== Function.prototype && c !== Object.prototype; c = Object.getPrototypeOf(c)) {
      Object.getOwnPropertyNames(c).forEach(function (k) {
        if (k === 'prototype' || k === 'length' || k === 'name' || statics.indexOf(k) >= 0) return;
        statics.push(k);
        if (typeof Object.getOwnPropertyDescriptor(c, k).value === 'function') out.staticFunctions.push(name + '.' + k);
      });
    }
    out.statics[name] = statics;
    for (var p = typeof value === 'function' ? value.prototype : null; p && seen.indexOf(p) < 0; p = Object.getPrototypeOf(p)) {
      seen.push(p);
      Object.getOwnPropertyNames(p).forEach(function (k) {
        var d = Object.getOwnPropertyDescriptor(p, k);
        if (k !== 'constructor' && typeof d.value === 'function') out.methods.push(k);
      });
    }
  });
  return JSON.stringify(out);
})()`;

const ENGINE: EngineBuiltins = JSON.parse(runInNewContext(READ_ENGINE) as string);

/** ECMAScript's global names, as the engine running the build has them. */
export const ES_GLOBALS: ReadonlySet<string> = new Set(ENGINE.globals);

const espruinoGlobals = new Set(ESPRUINO_BUILTINS.globals);
const espruinoMethods = new Set(Object.values(ESPRUINO_BUILTINS.methods).flat());

/** ECMAScript globals Espruino does not have (Map, Symbol, RangeError…). */
export const ESPRUINO_LACKS_GLOBALS: ReadonlySet<string> = new Set(ENGINE.globals.filter((g) => !espruinoGlobals.has(g)));

/** Espruino's statics of a standard class, or undefined where its facts do not describe the class (console, globalThis). */
function espruinoStatics(cls: string): string[] | undefined {
  return ESPRUINO_BUILTINS.statics[ENGINE.typedArrays.includes(cls) ? 'ArrayBufferView' : cls];
}

/**
 * `Class.member` statics Espruino lacks, of the classes it has (`Object.freeze`, `Number.isInteger`,
 * `Date.UTC`, `Uint8Array.from`…). A class Espruino lacks altogether is refused as a global, so its
 * statics are not listed again.
 */
export const ESPRUINO_LACKS_STATICS: ReadonlySet<string> = new Set(
  Object.entries(ENGINE.statics).flatMap(([cls, members]) => {
    const has = espruinoGlobals.has(cls) ? espruinoStatics(cls) : undefined;
    return has === undefined ? [] : members.filter((m) => !has.includes(m)).map((m) => `${cls}.${m}`);
  }),
);

/**
 * Method names of the standard's prototypes that no Espruino class has (`getUTCHours`, `at`,
 * `flat`, `get` of Map…). By name only, as the check sees a call, not the type it is made on:
 * `lastIndexOf` passes because Espruino's String has it, though its Array does not.
 */
export const ESPRUINO_LACKS_METHODS: ReadonlySet<string> = new Set(ENGINE.methods.filter((m) => !espruinoMethods.has(m)));

/**
 * The statics that are functions (`Object.freeze`, not `Number.EPSILON`): what a missing one breaks
 * is a call, while reading it gives undefined, which code may test for (firmware/codec/errors.ts
 * reads Error.captureStackTrace and calls it only where it is there).
 */
export const STATIC_FUNCTIONS: ReadonlySet<string> = new Set(ENGINE.staticFunctions);
