/**
 * The last gate of the Espruino route: the bundle must be plain ES5 that Espruino 2v29 runs.
 * acorn with `ecmaVersion: 5` rejects every piece of ES2015+ syntax (arrows, spread, classes,
 * let/const, template literals, destructuring…). On top of that, what ES5 allows but Espruino
 * does not take:
 *
 * - labelled statements with `break label` / `continue label`;
 * - the standard built-ins Espruino lacks (globals, statics, methods: espruino-builtins.ts, derived
 *   from the engine's facts, not listed by hand), unless a polyfill in front of the bundle
 *   provides them;
 * - `Math.pow`, which Espruino computes inexactly (espruino-pow.ts);
 * - regular expressions its engine reads differently (espruino-regex.ts);
 * - fonts the board's firmware lacks and the bundle does not supply (espruino-fonts.ts);
 * - a declaration used before it runs: Espruino hoists neither vars nor functions
 *   (espruino-hoist.ts);
 * - recursion in a function made more than once, which leaks on Espruino (espruino-recursion.ts);
 * - an object literal inside a try whose throwing value would make Espruino miss the catch
 *   (espruino-try-objects.ts).
 */
import { parse } from 'acorn';
import { isNode, walk } from './ast.ts';
import type { AnyNode } from './ast.ts';
import { ES_GLOBALS, ESPRUINO_LACKS_GLOBALS, ESPRUINO_LACKS_METHODS, ESPRUINO_LACKS_STATICS, STATIC_FUNCTIONS } from './espruino-builtins.ts';
import { fail } from './espruino-check-error.ts';
import { fontProblem } from './espruino-fonts.ts';
import type { BoardFonts } from './espruino-fonts.ts';
import { findUnhoisted } from './espruino-hoist.ts';
import { findRecursion } from './espruino-recursion.ts';
import { findTryObjects } from './espruino-try-objects.ts';
import { regExpProblem, regExpSites } from './espruino-regex.ts';
import { HOST_NAMES } from './mangle.ts';
import { memberName } from './member-name.ts';

export { Es5CheckError } from './espruino-check-error.ts';

/** ECMAScript globals (bare identifiers) Espruino does not have. */
export const MISSING_GLOBALS: ReadonlySet<string> = ESPRUINO_LACKS_GLOBALS;

/** Static members of the ECMAScript classes Espruino has, that it lacks, as `Class.member`. */
export const MISSING_STATICS: ReadonlySet<string> = ESPRUINO_LACKS_STATICS;

/**
 * Method names of the standard's prototypes that no Espruino class has, its ECMAScript ones or the
 * board's host objects the bundle calls (Graphics `clear`: mangle.ts HOST_NAMES); checked on
 * calls, whose receiver's type the check cannot see.
 */
export const MISSING_METHODS: ReadonlySet<string> = new Set([...ESPRUINO_LACKS_METHODS].filter((m) => !HOST_NAMES.includes(m)));

export interface Es5CheckOptions {
  /** Names a polyfill in front of the bundle provides: a global (`Map`), a static (`Array.from`), a method (`.flat`). */
  provided?: Iterable<string>;
  /** The board's fonts: every font the bundle sets must be one of them or supplied by the bundle. Unchecked when absent. */
  fonts?: BoardFonts;
}

/** Names the program declares itself (a `var Map` of its own is not the missing built-in). */
function declaredNames(root: AnyNode): Set<string> {
  const names = new Set<string>();
  walk(root, (node) => {
    if (node.type === 'VariableDeclarator' && isNode(node['id']) && node['id'].type === 'Identifier') names.add(node['id']['name'] as string);
    if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && isNode(node['id'])) names.add(node['id']['name'] as string);
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') {
      for (const p of node['params'] as AnyNode[]) if (p.type === 'Identifier') names.add(p['name'] as string);
    }
    if (node.type === 'CatchClause' && isNode(node['param'])) names.add(node['param']['name'] as string);
  });
  return names;
}

/**
 * Names the program tests with `typeof` (`typeof Reflect === "undefined"`): SWC's helpers use
 * Reflect and Map only behind such a test and fall back to ES5 without them, so those uses are
 * not what the check is for.
 */
function typeofTested(root: AnyNode): Set<string> {
  const names = new Set<string>();
  walk(root, (node) => {
    if (node.type === 'UnaryExpression' && node['operator'] === 'typeof' && (node['argument'] as AnyNode).type === 'Identifier') {
      names.add((node['argument'] as AnyNode)['name'] as string);
    }
  });
  return names;
}

/** [start, end) of every `try { … }` block: a missing global read there is a ReferenceError the catch takes. */
function tryBlocks(root: AnyNode): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  walk(root, (node) => {
    if (node.type === 'TryStatement' && node['handler']) {
      const block = node['block'] as AnyNode;
      ranges.push([block.start, block.end]);
    }
  });
  return ranges;
}

/**
 * Method names the program defines itself (`M.prototype.get = function…`, `{ get: function… }`,
 * SWC's class descriptors `{ key: "get", value: function… }`, a function declared elsewhere
 * assigned by name): a call of one may be the program's own method, not the missing built-in.
 */
function definedMethods(root: AnyNode): Set<string> {
  const functions = new Set<string>();
  walk(root, (node) => {
    if (node.type === 'FunctionDeclaration') functions.add((node['id'] as AnyNode)['name'] as string);
  });
  const isFunction = (v: AnyNode): boolean => v.type === 'FunctionExpression' || (v.type === 'Identifier' && functions.has(v['name'] as string));
  const names = new Set<string>();
  walk(root, (node) => {
    if (node.type === 'AssignmentExpression' && (node['left'] as AnyNode).type === 'MemberExpression' && isFunction(node['right'] as AnyNode)) {
      const name = memberName(node['left'] as AnyNode);
      if (name !== null) names.add(name);
    }
    if (node.type === 'ObjectExpression') {
      const props = node['properties'] as AnyNode[];
      for (const p of props) {
        const key = p['key'] as AnyNode;
        const name = key.type === 'Identifier' ? (key['name'] as string) : typeof key['value'] === 'string' ? (key['value'] as string) : null;
        if (name !== null && p['kind'] === 'init' && isFunction(p['value'] as AnyNode)) names.add(name);
        const value = p['value'] as AnyNode;
        if (name === 'key' && value.type === 'Literal' && typeof value['value'] === 'string') {
          const method = props.find((q) => ((q['key'] as AnyNode)['name'] ?? (q['key'] as AnyNode)['value']) === 'value');
          if (method && isFunction(method['value'] as AnyNode)) names.add(value['value'] as string);
        }
      }
    }
  });
  return names;
}

/** Whether the value of `node` is called or dereferenced there: `X.m(…)`, `X.m.call(…)`, `X.m.x`. */
function isCalledOrDereferenced(node: AnyNode, parent: AnyNode | null): boolean {
  if (parent === null) return false;
  return (parent.type === 'CallExpression' && parent['callee'] === node) || (parent.type === 'MemberExpression' && parent['object'] === node);
}

/** Throws an Es5CheckError naming the first construct Espruino would reject; returns on a clean bundle. */
export function checkEs5(code: string, options: Es5CheckOptions = {}): void {
  let ast: AnyNode;
  try {
    ast = parseEs5(code);
  } catch (err) {
    const e = err as SyntaxError & { pos?: number };
    const construct = 'ES2015+ syntax (' + e.message.replace(/\s*\(\d+:\d+\)$/, '') + ')';
    fail(code, construct, e.pos ?? 0);
  }
  const provided = new Set(options.provided ?? []);
  const declared = declaredNames(ast);
  const guarded = typeofTested(ast);
  const tried = tryBlocks(ast);
  const defined = definedMethods(ast);
  const inTry = (offset: number) => tried.some((r) => offset >= r[0] && offset < r[1]);
  const shown = (node: AnyNode) => code.slice(node.start, Math.min(node.end, node.start + 60));
  walk(ast, (node, parent) => {
    const start = node.start;
    if (node.type === 'LabeledStatement') fail(code, `labelled statement '${(node['label'] as AnyNode)['name']}:'`, start);
    if ((node.type === 'BreakStatement' || node.type === 'ContinueStatement') && node['label']) {
      fail(code, `labelled ${node.type === 'BreakStatement' ? 'break' : 'continue'}`, start);
    }
    if (node.type === 'Identifier') {
      const name = node['name'] as string;
      if (!MISSING_GLOBALS.has(name) || provided.has(name) || declared.has(name) || guarded.has(name)) return;
      // A property name (`x.Map`, `{ Map: 1 }`) is not the global.
      if (parent && parent.type === 'MemberExpression' && parent['property'] === node && !parent['computed']) return;
      if (parent && parent.type === 'Property' && parent['key'] === node) return;
      if (inTry(start)) return;
      fail(code, `built-in ${name} without a polyfill (Espruino 2v29 has no ${name})`, start);
    }
    if (node.type === 'MemberExpression') {
      const name = memberName(node);
      if (name === null) return;
      const object = node['object'] as AnyNode;
      const isStatic = object.type === 'Identifier' && ES_GLOBALS.has(object['name'] as string) && !declared.has(object['name'] as string);
      if (isStatic) {
        const full = `${object['name'] as string}.${name}`;
        if (full === 'Math.pow') {
          fail(code, `Math.pow in ${shown(parent ?? node)} (inexact on Espruino 2v29 beyond integer exponents 0..9: Math.pow(2,32) is 4294967295.99999666; multiply, or use a table of powers)`, start);
        }
        if (!MISSING_STATICS.has(full) || provided.has(full)) return;
        // A missing function read but not called is a feature test (`(c = Error.captureStackTrace) && c(e)`).
        if (STATIC_FUNCTIONS.has(full) && !isCalledOrDereferenced(node, parent)) return;
        fail(code, `built-in ${full} without a polyfill (Espruino 2v29 has no ${full})`, start);
        return;
      }
      const called = parent !== null && parent.type === 'CallExpression' && parent['callee'] === node;
      if (called && MISSING_METHODS.has(name) && !provided.has('.' + name) && !defined.has(name)) {
        fail(code, `method .${name}() in ${shown(parent)} without a polyfill (no Espruino 2v29 class has ${name}, and the bundle defines none)`, start);
      }
    }
  });
  for (const site of regExpSites(ast, code)) {
    const problem = regExpProblem(site);
    if (problem !== null) fail(code, problem, site.node.start);
  }
  if (options.fonts) {
    const problem = fontProblem(ast, code, options.fonts);
    if (problem) fail(code, problem.construct, problem.offset);
  }
  const late = findUnhoisted(code)[0];
  if (late) fail(code, `${late.kind === 'var' ? 'a var' : 'a function'} used before Espruino declares it: ${late.why}`, late.offset);
  const recursion = findRecursion(code)[0];
  if (recursion) fail(code, recursion.why, recursion.offset);
  const literal = findTryObjects(code)[0];
  if (literal) fail(code, 'an object literal inside a try with a value that can throw before another property (Espruino 2v29 then misses the catch)', literal.start);
}

function parseEs5(code: string): AnyNode {
  return parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode;
}

/**
 * The built-in names an ES5 program uses, in the polyfill table's terms: globals it reads (`Map`),
 * static members (`Object.freeze`) and methods it calls (`.flat`).
 */
export function usedBuiltins(code: string): Set<string> {
  const used = new Set<string>();
  const ast = parseEs5(code);
  const declared = declaredNames(ast);
  walk(ast, (node, parent) => {
    if (node.type === 'Identifier') {
      if (parent && parent.type === 'MemberExpression' && parent['property'] === node && !parent['computed']) return;
      if (parent && parent.type === 'Property' && parent['key'] === node) return;
      const name = node['name'] as string;
      if (!declared.has(name)) used.add(name);
    }
    if (node.type === 'MemberExpression') {
      const name = memberName(node);
      if (name === null) return;
      const object = node['object'] as AnyNode;
      if (object.type === 'Identifier') used.add(`${object['name'] as string}.${name}`);
      if (parent && parent.type === 'CallExpression' && parent['callee'] === node) used.add('.' + name);
    }
  });
  return used;
}
