/** acorn's syntax tree, walked the one way every build step here needs. */
import type { Node } from 'acorn';

export type AnyNode = Node & Record<string, unknown>;

export function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Every node, parents first, with its parent. */
export function walk(node: AnyNode, visit: (node: AnyNode, parent: AnyNode | null) => void, parent: AnyNode | null = null): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child)) walk(child, visit, node);
    } else if (isNode(value) && key !== 'loc') {
      walk(value, visit, node);
    }
  }
}
