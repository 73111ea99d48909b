/**
 * The polyfills the Espruino route can put in front of a bundle, and what each provides: only for
 * what Espruino 2v29 lacks (espruino-builtins.json: Object.assign, includes, padStart… are its
 * own). A bundle gets only those whose names it uses (boards/bundler/espruino.ts), so a board pays no
 * flash and no variables for the rest. Every polyfill keeps a native implementation where the
 * engine has one, but those marked `replaces`: Espruino has them and gets them wrong.
 * Names: a global (`Map`), a static member (`Array.from`) or a method called on any value (`.flat`).
 */
import { readFileSync } from 'node:fs';

export interface Polyfill {
  file: string;
  /** Names that, used by a bundle, bring this polyfill in; also what the ES5 check counts as provided. */
  provides: string[];
  /** Espruino's own is wrong (measured on 2v29): the polyfill takes its place. */
  replaces?: true;
}

export const POLYFILLS: readonly Polyfill[] = [
  { file: 'map.js', provides: ['Map'] },
  { file: 'set.js', provides: ['Set'] },
  { file: 'weak-map.js', provides: ['WeakMap'] },
  { file: 'array-from.js', provides: ['Array.from'] },
  { file: 'array-flat.js', provides: ['.flat', '.flatMap'] },
  { file: 'object-assign.js', provides: ['Object.assign'], replaces: true },
  { file: 'object-from-entries.js', provides: ['Object.fromEntries'], replaces: true },
  { file: 'object-is.js', provides: ['Object.is'] },
  { file: 'number-is-nan.js', provides: ['Number.isNaN', 'Number.isFinite', 'Number.isInteger'] },
  { file: 'math-trunc.js', provides: ['Math.trunc'] },
];

export function polyfillSource(p: Polyfill): string {
  return readFileSync(new URL(`./${p.file}`, import.meta.url), 'utf8');
}

/** The polyfills a bundle needs, given the names it uses (see usedBuiltins in ../es5-check.ts). */
export function polyfillsFor(used: ReadonlySet<string>): Polyfill[] {
  return POLYFILLS.filter((p) => p.provides.some((name) => used.has(name)));
}
