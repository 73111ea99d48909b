/**
 * The last gate of the Espruino route: the bundle must be plain ES5 that Espruino 2v29 runs.
 * acorn with `ecmaVersion: 5` rejects every piece of ES2015+ syntax (arrows, spread, classes,
 * let/const, template literals, destructuring…). On top of that, two things ES5 allows but
 * Espruino does not take: labelled statements with `break label` / `continue label`, and the
 * ES2015 built-ins Espruino lacks (Map, Set, WeakMap, Symbol, Array.from, flat, Number.isNaN,
 * Object.is), unless a polyfill in front of the bundle provides them.
 */
import { parse } from 'acorn';
import { isNode, walk } from './ast.ts';
import type { AnyNode } from './ast.ts';

export class Es5CheckError extends Error {
  override readonly name = 'Es5CheckError';
  constructor(
    readonly construct: string,
    readonly line: number,
    readonly column: number,
    readonly excerpt: string,
  ) {
    super(`not Espruino ES5: ${construct} at ${line}:${column}: ${excerpt}`);
  }
}

/** Globals (bare identifiers) Espruino does not have. */
export const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Promise', 'Proxy', 'Reflect'] as const;

/** Static members Espruino (or the Duktape CI stand-in) does not have, as `Object.member`. */
export const MISSING_STATICS = ['Array.from', 'Array.of', 'Number.isNaN', 'Object.is', 'Object.entries', 'Object.values', 'Object.fromEntries', 'Object.getOwnPropertyDescriptors'] as const;

/** Methods called on a value whose type the check cannot see; `flat` and `flatMap` exist on arrays only. */
export const MISSING_METHODS = ['flat', 'flatMap'] as const;

export interface Es5CheckOptions {
  /** Names a polyfill in front of the bundle provides: a global (`Map`), a static (`Array.from`), a method (`.flat`). */
  provided?: Iterable<string>;
}

function excerptAt(code: string, offset: number): string {
  const start = Math.max(0, offset - 30);
  const text = code.slice(start, offset + 50).replace(/\s+/g, ' ');
  return (start > 0 ? '…' : '') + text + (offset + 50 < code.length ? '…' : '');
}

function lineColumn(code: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = code.indexOf('\n'); i !== -1 && i < offset; i = code.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

function fail(code: string, construct: string, offset: number): never {
  const { line, column } = lineColumn(code, offset);
  throw new Es5CheckError(construct, line, column, excerptAt(code, offset));
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

function memberName(node: AnyNode): string | null {
  const prop = node['property'] as AnyNode;
  if (node['computed']) return prop.type === 'Literal' && typeof prop['value'] === 'string' ? (prop['value'] as string) : null;
  return prop.type === 'Identifier' ? (prop['name'] as string) : null;
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
  const inTry = (offset: number) => tried.some((r) => offset >= r[0] && offset < r[1]);
  walk(ast, (node, parent) => {
    const start = node.start;
    if (node.type === 'LabeledStatement') fail(code, `labelled statement '${(node['label'] as AnyNode)['name']}:'`, start);
    if ((node.type === 'BreakStatement' || node.type === 'ContinueStatement') && node['label']) {
      fail(code, `labelled ${node.type === 'BreakStatement' ? 'break' : 'continue'}`, start);
    }
    if (node.type === 'Identifier') {
      const name = node['name'] as string;
      if (!(MISSING_GLOBALS as readonly string[]).includes(name) || provided.has(name) || declared.has(name) || guarded.has(name)) return;
      // A property name (`x.Map`, `{ Map: 1 }`) is not the global.
      if (parent && parent.type === 'MemberExpression' && parent['property'] === node && !parent['computed']) return;
      if (parent && parent.type === 'Property' && parent['key'] === node) return;
      if (inTry(start)) return;
      fail(code, `ES2015 built-in ${name} without a polyfill`, start);
    }
    if (node.type === 'MemberExpression') {
      const name = memberName(node);
      if (name === null) return;
      const object = node['object'] as AnyNode;
      if (object.type === 'Identifier') {
        const full = `${object['name'] as string}.${name}`;
        if ((MISSING_STATICS as readonly string[]).includes(full) && !provided.has(full)) fail(code, `ES2015 built-in ${full} without a polyfill`, start);
      }
      if ((MISSING_METHODS as readonly string[]).includes(name) && !provided.has('.' + name) && parent && parent.type === 'CallExpression' && parent['callee'] === node) {
        fail(code, `ES2019 method .${name}() without a polyfill`, start);
      }
    }
  });
}

function parseEs5(code: string): AnyNode {
  return parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode;
}

/**
 * The built-in names an ES5 program uses, in the polyfill table's terms: globals it reads (`Map`),
 * static members (`Object.assign`), methods it calls (`.padStart`), and `Uint8Array.slice` when it
 * has both typed arrays and `.slice()` calls (which of the slices is on bytes is not visible here).
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
  if (used.has('Uint8Array') && used.has('.slice')) used.add('Uint8Array.slice');
  return used;
}
