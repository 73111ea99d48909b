/**
 * Runs of events as a prefix tree, for the model tests' replays. The runs the model tests replay
 * (the shortest path to every key, then every edge out of it: the path + one event) share long
 * prefixes: a shortest path is its predecessor's path + one event, an edge its path + one. Both
 * runtimes are deterministic, so a prefix leads to the same state in every run that has it: a walk
 * of the tree takes and checks each distinct step once (the PPMID's 15,108 runs of 230,000 steps
 * have 12,136 distinct ones) instead of once per run.
 */
import type { AnyEventObject } from 'xstate';

/** A step of the tree: the event that leads here from the parent (null at the root). */
export interface PrefixNode {
  event: AnyEventObject | null;
  /** Steps from the root. */
  depth: number;
  parent: PrefixNode | null;
  /** By `eventKey` of their event, in the order first seen. */
  children: Map<string, PrefixNode>;
  /** How many of the runs put in end here (a path and an edge may be the same run). */
  runs: number;
}

/**
 * Identity of an event: its JSON, typed arrays marked as such (a frame's payload), so that two
 * events share a node only when a machine cannot tell them apart.
 */
export function eventKey(event: AnyEventObject): string {
  return JSON.stringify(event, (_key, value: unknown) => (ArrayBuffer.isView(value) ? { bytes: Array.from(value as Uint8Array) } : value));
}

export function prefixRoot(): PrefixNode {
  return { event: null, depth: 0, parent: null, children: new Map(), runs: 0 };
}

/** The child of `node` for `event`, made if new. */
export function childFor(node: PrefixNode, event: AnyEventObject): PrefixNode {
  const key = eventKey(event);
  let child = node.children.get(key);
  if (!child) {
    child = { event, depth: node.depth + 1, parent: node, children: new Map(), runs: 0 };
    node.children.set(key, child);
  }
  return child;
}

/** Adds a run (its events from the root) and returns the node where it ends. */
export function addRun(root: PrefixNode, events: readonly AnyEventObject[]): PrefixNode {
  let node = root;
  for (const event of events) node = childFor(node, event);
  node.runs++;
  return node;
}

/** The events from the root to `node`. */
export function eventsTo(node: PrefixNode): AnyEventObject[] {
  const events: AnyEventObject[] = [];
  for (let n: PrefixNode | null = node; n && n.event; n = n.parent) events.push(n.event);
  return events.reverse();
}

/** The event types from the root to `node`, for messages. */
export function describeNode(node: PrefixNode): string {
  return eventsTo(node).map((e) => e.type).join(' → ') || '(initial state)';
}

/**
 * Walks the tree depth first with one `T` (a pair of actors, an actor) per node: the last child
 * takes over the parent's, every other child gets `branch(parent's)` (a new one in the same
 * state, the parent's left as it is). `step` moves a `T` along the child's event and returns
 * false to stop below it (a mismatch); `enter` runs on arriving at a node, before its children
 * are listed (it may add children). `done` releases a `T` whose subtree is finished.
 */
export function walkPrefixTree<T>(
  root: PrefixNode,
  start: T,
  o: {
    branch: (at: T, node: PrefixNode) => T;
    step: (t: T, child: PrefixNode) => boolean;
    enter?: (t: T, node: PrefixNode) => void;
    done: (t: T) => void;
    /** True to end the walk (e.g. after the first mismatch). */
    stop?: () => boolean;
  },
): void {
  // Explicit stack: depth-first, children in the order first seen, no recursion limit to mind.
  const stack: [PrefixNode, T][] = [[root, start]];
  while (stack.length && !o.stop?.()) {
    const [node, t] = stack.pop()!;
    o.enter?.(t, node);
    const children = [...node.children.values()];
    if (children.length === 0) {
      o.done(t);
      continue;
    }
    // Branches are made now, while `t` is still at `node`; pushed in reverse so that the first
    // child is walked first.
    const moved: [PrefixNode, T][] = children.map((child, i) => [child, i === children.length - 1 ? t : o.branch(t, node)]);
    for (let i = moved.length - 1; i >= 0; i--) {
      const [child, at] = moved[i]!;
      if (o.step(at, child)) stack.push([child, at]);
      else o.done(at);
    }
  }
  for (const [, t] of stack) o.done(t);
}
