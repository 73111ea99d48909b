/**
 * The polyfills the Espruino route can put in front of a bundle, and what each provides. A bundle
 * gets only those whose names it uses (sim/build/espruino.ts), so a board pays no flash and no
 * variables for the rest. Every polyfill keeps a native implementation where the engine has one.
 * Names: a global (`Map`), a static member (`Array.from`) or a method called on any value (`.fill`).
 */
import { readFileSync } from 'node:fs';

export interface Polyfill {
  file: string;
  /** Names that, used by a bundle, bring this polyfill in; also what the ES5 check counts as provided. */
  provides: string[];
}

export const POLYFILLS: readonly Polyfill[] = [
  { file: 'map.js', provides: ['Map'] },
  { file: 'set.js', provides: ['Set'] },
  { file: 'weak-map.js', provides: ['WeakMap'] },
  { file: 'array-from.js', provides: ['Array.from'] },
  { file: 'array-flat.js', provides: ['.flat', '.flatMap'] },
  { file: 'array-includes.js', provides: ['.includes'] },
  { file: 'array-find.js', provides: ['.find', '.findIndex'] },
  { file: 'array-fill.js', provides: ['.fill'] },
  { file: 'typed-array-slice.js', provides: ['Uint8Array.slice'] },
  { file: 'string-pad.js', provides: ['.padStart', '.padEnd'] },
  { file: 'object-assign.js', provides: ['Object.assign'] },
  { file: 'object-entries.js', provides: ['Object.entries', 'Object.values'] },
  { file: 'object-from-entries.js', provides: ['Object.fromEntries'] },
  { file: 'object-is.js', provides: ['Object.is'] },
  { file: 'number-is-nan.js', provides: ['Number.isNaN', 'Number.isFinite', 'Number.isInteger'] },
  { file: 'math-trunc.js', provides: ['Math.trunc', 'Math.sign'] },
];

export function polyfillSource(p: Polyfill): string {
  return readFileSync(new URL(`./${p.file}`, import.meta.url), 'utf8');
}

/** The polyfills a bundle needs, given the names it uses (see usedBuiltins in ../es5-check.ts). */
export function polyfillsFor(used: ReadonlySet<string>): Polyfill[] {
  return POLYFILLS.filter((p) => p.provides.some((name) => used.has(name)));
}
