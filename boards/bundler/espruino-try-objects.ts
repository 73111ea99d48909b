/**
 * Object literals Espruino 2v29 gets wrong inside a `try`. Measured on its Linux build: when a
 * property value throws (`{j: decode(), m: 0}`), Espruino goes on through the rest of the literal
 * without executing it, but skips a value only when executing (src/jsparse.c, jspeFactorObject),
 * so the next `m:` leaves `0` unread, the parser stumbles, and the exception leaves the function
 * past its own `catch`. A try in a calling function still catches it; the one around the literal
 * in the same function does not. The PPMID's "malformed HAN frame dropped" was such a catch: a
 * 2-byte frame from the GPF became "Uncaught [object Object]".
 *
 * So after minification (which builds such literals out of plain assignments), a literal inside a
 * `try` (or its `catch`) of the same function, with a value that can throw before another
 * property, is written as assignments, which Espruino skips correctly:
 * `{j: decode(), m: 0}` → `($o0 = {}, $o0.j = decode(), $o0.m = 0, $o0)`, keys in the same order,
 * one temporary per literal declared at the top of its function.
 */
import { parse } from 'acorn';
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';

const TEMP = '$o';

/** Whether evaluating `n` can throw: anything but literals, names, `this`, functions and plain combinations of those. */
function canThrow(n: AnyNode): boolean {
  switch (n.type) {
    case 'Literal':
    case 'Identifier':
    case 'ThisExpression':
    case 'FunctionExpression':
      return false;
    case 'UnaryExpression':
      return n['operator'] === 'delete' || canThrow(n['argument'] as AnyNode);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return canThrow(n['left'] as AnyNode) || canThrow(n['right'] as AnyNode);
    case 'ConditionalExpression':
      return canThrow(n['test'] as AnyNode) || canThrow(n['consequent'] as AnyNode) || canThrow(n['alternate'] as AnyNode);
    case 'ArrayExpression':
      return (n['elements'] as Array<AnyNode | null>).some((e) => e !== null && canThrow(e));
    case 'ObjectExpression':
      return (n['properties'] as AnyNode[]).some((p) => canThrow(p['value'] as AnyNode));
    default:
      return true;
  }
}

/** A literal Espruino would get wrong if it threw: a value that can throw with another property after it. */
function isAtRisk(o: AnyNode): boolean {
  const props = o['properties'] as AnyNode[];
  if (props.some((p) => p['kind'] !== 'init')) return false; // accessors: parsed the same way either way
  return props.slice(0, -1).some((p) => canThrow(p['value'] as AnyNode));
}

/** Where a node sits: the function (or program) it is directly in, and whether inside a try block or catch body of that function. */
interface Place {
  fn: AnyNode;
  inTry: boolean;
}

/**
 * The at-risk literals inside a try block or catch body (not a finally) of their own function,
 * each with that function (or the program), in walk order. One walk, each node's place taken from
 * its parent's: looking the function up again per literal walked the whole bundle each time.
 */
function atRisk(ast: AnyNode): Map<AnyNode, AnyNode> {
  const out = new Map<AnyNode, AnyNode>();
  // The place of each node's children (walk visits parents first).
  const inner = new Map<AnyNode, Place>();
  walk(ast, (n, parent) => {
    const place = parent === null ? { fn: ast, inTry: false } : inner.get(parent)!;
    if (n.type === 'ObjectExpression' && place.inTry && isAtRisk(n)) out.set(n, place.fn);
    if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression') inner.set(n, { fn: n, inTry: false });
    else if (parent !== null && parent.type === 'TryStatement' && (n === parent['block'] || n === parent['handler'])) inner.set(n, { fn: place.fn, inTry: true });
    else inner.set(n, place);
  });
  return out;
}

/** The object literals in `code` that Espruino would get wrong when a value throws. */
export function findTryObjects(code: string): AnyNode[] {
  const ast = parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode;
  return [...atRisk(ast).keys()];
}

/** `code` (ES5) with every such literal written as assignments to a temporary, declared at the top of its function. */
export function rewriteTryObjects(code: string): string {
  const ast = parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode;
  const functionOf = atRisk(ast);
  const literals = [...functionOf.keys()];
  if (literals.length === 0) return code;
  if (code.includes(TEMP)) throw new Error(`Espruino route: the bundle already uses names starting ${TEMP}, which the try-literal step needs`);
  let next = 0;
  const temps = new Map<AnyNode, string[]>(); // function → its temporaries
  const names = new Map<AnyNode, string>();
  for (const o of literals) {
    const name = TEMP + next++;
    names.set(o, name);
    const fn = functionOf.get(o)!;
    temps.set(fn, [...(temps.get(fn) ?? []), name]);
  }
  // Edits: each literal replaced (nested ones inside), each function's body opened with its vars.
  const text = (start: number, end: number): string => {
    let out = '';
    let at = start;
    const inside = [...literals, ...temps.keys()].filter((n) => n.start >= start && n.end <= end).sort((a, b) => a.start - b.start);
    for (const n of inside) {
      if (n.start < at) continue; // inside one already written
      if (names.has(n)) {
        out += code.slice(at, n.start) + assignments(n);
        at = n.end;
      } else {
        const body = n.type === 'Program' ? n : (n['body'] as AnyNode);
        const open = n.type === 'Program' ? body.start : body.start + 1;
        out += code.slice(at, open) + 'var ' + temps.get(n)!.join(',') + ';';
        at = open;
      }
    }
    return out + code.slice(at, end);
  };
  const assignments = (o: AnyNode): string => {
    const t = names.get(o)!;
    const parts = [`${t}={}`];
    for (const p of o['properties'] as AnyNode[]) {
      const key = p['key'] as AnyNode;
      const target = key.type === 'Identifier' ? `${t}.${key['name'] as string}` : `${t}[${code.slice(key.start, key.end)}]`;
      const value = p['value'] as AnyNode;
      parts.push(`${target}=${text(value.start, value.end)}`);
    }
    return '(' + parts.join(',') + ',' + t + ')';
  };
  return text(0, code.length);
}
