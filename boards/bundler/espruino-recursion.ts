/**
 * Recursion the Espruino route must not emit. Measured on Espruino 2v29 (Linux build, 8,190
 * variables, so 4-bit lock counts as on the Espruino WiFi): each active call of a function holds
 * locks on its code variable (the lexer's source, and one more for every loop it is in), and a
 * lock count stops at 15 and is never decremented again. A function that recurses 3 deep inside
 * a loop sticks there, and its code variable can never be freed: harmless once for a function made
 * at load, a leak of one variable each time for a function made again and again (a function
 * expression, or a declaration inside a function that runs often). The compact interpreter's
 * state descent was such a function once SWC inlined it into its caller: the PPMID lost ~10
 * variables per poll until it ran out.
 *
 * So a bundle may recurse only through a function declared where it is made once: the program's
 * top level or the body of the top-level wrapper function (the bundle's IIFE). Anything else is
 * refused, naming the function; the firmware writes such a walk as a loop over an explicit stack.
 */
import { parse } from 'acorn';
import { analyze } from 'eslint-scope';
import type { Scope, Variable } from 'eslint-scope';
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';

export interface Recursion {
  name: string;
  /** Offset of the recursive function. */
  offset: number;
  why: string;
}

type FunctionNode = AnyNode & { type: 'FunctionDeclaration' | 'FunctionExpression' };

/** The function a variable names, when it names one and nothing else. */
function functionOf(variable: Variable): FunctionNode | null {
  if (variable.defs.length !== 1) return null;
  const def = variable.defs[0]!;
  const node = def.node as unknown as AnyNode;
  if (def.type === 'FunctionName') return node as FunctionNode;
  if (def.type === 'Variable' && (node['init'] as AnyNode | null)?.type === 'FunctionExpression') {
    // `var f = function () {…}` and never assigned again.
    if (variable.references.some((r) => r.isWrite() && !r.init)) return null;
    return node['init'] as FunctionNode;
  }
  return null;
}

/** The functions made once per load: the program's top-level wrappers (`(function(){…})()`, `!function(){…}()`). */
function topLevelWrappers(program: AnyNode): Set<AnyNode> {
  const out = new Set<AnyNode>();
  for (const s of program['body'] as AnyNode[]) {
    if (s.type !== 'ExpressionStatement') continue;
    let e = s['expression'] as AnyNode;
    if (e.type === 'UnaryExpression') e = e['argument'] as AnyNode;
    if (e.type === 'CallExpression' && (e['callee'] as AnyNode).type === 'FunctionExpression') out.add(e['callee'] as AnyNode);
  }
  return out;
}

/** Every function in `code` (ES5) that recurses, directly or through others, where Espruino would leak; empty when none does. */
export function findRecursion(code: string): Recursion[] {
  const ast = parse(code, { ecmaVersion: 5, sourceType: 'script', ranges: true }) as unknown as AnyNode;
  const manager = analyze(ast as never, { ecmaVersion: 5, sourceType: 'script' });
  const once = topLevelWrappers(ast);
  const callees = new Set<AnyNode>();
  walk(ast, (n) => {
    if (n.type === 'CallExpression' && (n['callee'] as AnyNode).type === 'Identifier') callees.add(n['callee'] as AnyNode);
  });

  // Calls each function makes itself (not from functions nested in it) to functions it names.
  const names = new Map<AnyNode, string>();
  const calls = new Map<AnyNode, Set<AnyNode>>();
  const scopeOf = (s: Scope | null): AnyNode | null => {
    for (; s; s = s.upper) if (s.type === 'function') return s.block as unknown as AnyNode;
    return null;
  };
  for (const scope of manager.scopes) {
    for (const variable of scope.variables) {
      const fn = functionOf(variable);
      if (fn && !names.has(fn)) names.set(fn, variable.name);
    }
  }
  for (const scope of manager.scopes) {
    for (const ref of scope.references) {
      const callee = ref.identifier as unknown as AnyNode;
      const variable = ref.resolved;
      if (!variable || !ref.isRead()) continue;
      const target = functionOf(variable);
      const caller = scopeOf(ref.from);
      if (!target || !caller) continue;
      if (!callees.has(callee)) continue;
      if (!calls.has(caller)) calls.set(caller, new Set());
      calls.get(caller)!.add(target);
    }
  }

  const out: Recursion[] = [];
  for (const [fn, name] of names) {
    if (!reaches(calls, fn, fn)) continue;
    const declaringScope = manager.acquire(fn as never, true)?.upper ?? null;
    const madeOnce =
      fn.type === 'FunctionDeclaration' &&
      declaringScope !== null &&
      (declaringScope.type === 'global' || once.has(declaringScope.block as unknown as AnyNode));
    if (madeOnce) continue;
    out.push({
      name,
      offset: fn.start,
      why: `recursive function ${name} (${code.slice(fn.start, fn.start + 50).replace(/\s+/g, ' ')}…) is made each time the code around it runs: on Espruino 2v29 recursion 3 deep sticks its code variable's lock count at 15, leaking a variable each time; write it as a loop or declare it at the bundle's top level`,
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Whether `from` calls, through any chain, `to`. */
function reaches(calls: Map<AnyNode, Set<AnyNode>>, from: AnyNode, to: AnyNode): boolean {
  const seen = new Set<AnyNode>();
  const todo = [...(calls.get(from) ?? [])];
  while (todo.length) {
    const f = todo.pop()!;
    if (f === to) return true;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(calls.get(f) ?? []));
  }
  return false;
}
