/** The property a member expression names, as ES5 code writes it: `o.name` or `o["name"]`; null when computed otherwise. */
import type { AnyNode } from './ast.ts';

export function memberName(node: AnyNode): string | null {
  const prop = node['property'] as AnyNode;
  if (node['computed']) return prop.type === 'Literal' && typeof prop['value'] === 'string' ? (prop['value'] as string) : null;
  return prop.type === 'Identifier' ? (prop['name'] as string) : null;
}
