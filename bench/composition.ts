/**
 * What a minified ES5 bundle's bytes are: string literals (quotes included), property names
 * longer than two characters (on the Espruino route, the ones mangling keeps: built-in, host,
 * published and config names; sim/build/mangle.ts), and the rest, the code itself. Printed under
 * the bundle budget, so a broken budget comes with where its bytes go.
 */
import { parse } from 'acorn';
import type { Node } from 'acorn';

type AnyNode = Node & Record<string, unknown>;

export interface BundleComposition {
  bytes: number;
  strings: number;
  keptNames: number;
  code: number;
}

export function bundleComposition(code: string): BundleComposition {
  let strings = 0;
  let keptNames = 0;
  const name = (key: AnyNode) => {
    if (key.type === 'Identifier' && (key['name'] as string).length > 2) keptNames += (key['name'] as string).length;
  };
  const walk = (node: AnyNode): void => {
    if (node.type === 'Literal' && typeof node['value'] === 'string') strings += node.end - node.start;
    if (node.type === 'MemberExpression' && !node['computed']) name(node['property'] as AnyNode);
    if (node.type === 'Property' && !node['computed']) name(node['key'] as AnyNode);
    for (const k of Object.keys(node)) {
      const v = node[k];
      for (const child of Array.isArray(v) ? v : [v]) {
        if (typeof child === 'object' && child !== null && typeof (child as AnyNode).type === 'string') walk(child as AnyNode);
      }
    }
  };
  walk(parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode);
  const bytes = Buffer.byteLength(code);
  return { bytes, strings, keptNames, code: bytes - strings - keptNames };
}
