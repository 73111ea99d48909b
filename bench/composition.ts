/**
 * What a minified ES5 bundle's bytes are: string literals (quotes included), property names
 * longer than two characters (on the Espruino route, the ones mangling keeps: built-in, host,
 * published and config names; boards/bundler/mangle.ts), and the rest, the code itself. Printed under
 * the bundle budget, so a broken budget comes with where its bytes go.
 */
import { parse } from 'acorn';
import { walk } from '../boards/bundler/ast.ts';
import type { AnyNode } from '../boards/bundler/ast.ts';
import { propertyName } from '../boards/bundler/mangle.ts';

export interface BundleComposition {
  bytes: number;
  strings: number;
  keptNames: number;
  code: number;
}

export function bundleComposition(code: string): BundleComposition {
  let strings = 0;
  let keptNames = 0;
  walk(parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as AnyNode, (node) => {
    if (node.type === 'Literal' && typeof node['value'] === 'string') strings += node.end - node.start;
    const name = propertyName(node);
    if (name !== null && name.length > 2) keptNames += name.length;
  });
  const bytes = Buffer.byteLength(code);
  return { bytes, strings, keptNames, code: bytes - strings - keptNames };
}
