/**
 * `x ** y` on the Espruino route. SWC would lower it to `Math.pow(x, y)`, and Espruino 2v29's
 * Math.pow is exact only for an integer exponent 0..9: beyond, it computes exp(log(x) * y), so
 * Math.pow(2, 32) is 4294967295.99999666 and a range check against it refuses 0xFFFFFFFF. The
 * machines write `2 ** (8 * bytes)` and `10 ** places`, so before SWC every `**` becomes a call of
 * a power that is exact wherever the result is representable: repeated squaring of an integer
 * exponent (each product of exact values that fits a double is exact), `1 / that` for a negative
 * one. A non-integer exponent gets what Espruino's Math.pow gives. `Math.pow` written in the
 * source is refused by the ES5 check instead (es5-check.ts).
 */
import { parse } from 'acorn';
import { walk } from './ast.ts';
import type { AnyNode } from './ast.ts';
import { fail } from './espruino-check-error.ts';

export const EXACT_POW = '__exactPow';

const EXACT_POW_SOURCE =
  `function ${EXACT_POW}(x, y) {\n` +
  '  if (y % 1 !== 0) return Math.exp(Math.log(x) * y);\n' +
  '  for (var r = 1, b = x, n = y < 0 ? -y : y; n > 0; n = (n - n % 2) / 2) { if (n % 2) r *= b; b *= b; }\n' +
  '  return y < 0 ? 1 / r : r;\n' +
  '}\n';

/** es2020 code (esbuild's IIFE) with every `a ** b` as `__exactPow(a, b)`, and the function in front when used. */
export function exactPowers(code: string): string {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true }) as unknown as AnyNode;
  const powers: AnyNode[] = [];
  walk(ast, (n) => {
    if ((n.type === 'BinaryExpression' && n['operator'] === '**') || (n.type === 'AssignmentExpression' && n['operator'] === '**=')) powers.push(n);
  });
  if (powers.length === 0) return code;
  // The text of [start, end) with every outermost power inside rewritten (recursively).
  const text = (start: number, end: number): string => {
    let out = '';
    let at = start;
    for (const p of powers) {
      if (p.start < at || p.end > end) continue;
      out += code.slice(at, p.start) + rewrite(p);
      at = p.end;
    }
    return out + code.slice(at, end);
  };
  const rewrite = (p: AnyNode): string => {
    const left = p['left'] as AnyNode;
    const right = p['right'] as AnyNode;
    const call = `${EXACT_POW}(${text(left.start, left.end)}, ${text(right.start, right.end)})`;
    if (p.type === 'BinaryExpression') return call;
    // `a **= b` reads and writes `a` once only as a plain name.
    if (left.type !== 'Identifier') fail(code, `**= on ${code.slice(left.start, left.end)} (write it as a = a ** b)`, p.start);
    return `${left['name'] as string} = ${call}`;
  };
  return EXACT_POW_SOURCE + text(0, code.length);
}
