/**
 * Compiles an XState v5 machine built with `setup({ actions, guards, delays }).createMachine(...)`
 * into a `StateTable` (plain JSON) for the compact interpreter, and extracts the implementations
 * (the machine's own named actions, guards and delays, as plain functions) it calls.
 *
 * Only the subset of firmware/machines/README.md compiles; anything else fails here, naming the
 * state and the construct, rather than behaving differently on a board. Transition domains and
 * entry sets are computed here with XState's own algorithm (no history states, so they are static),
 * which keeps the interpreter small.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { CompactImplementations, ImplementationFn } from './interpreter.ts';
import type { Json, Ref, StateTable, TableAction, TableEvent, TableState, TableTransition } from './table.ts';


/** Config keys the subset allows on a state node (behaviour-free ones included). */
const STATE_KEYS = new Set(['id', 'type', 'initial', 'states', 'on', 'after', 'entry', 'exit', 'description', 'meta']);
/** Extra keys allowed on the root. */
const ROOT_KEYS = new Set(['context', 'types', 'schemas', 'version']);
/** Keys of a transition definition: the config's (target, guard, actions, reenter, description, meta) and XState's own. */
const TRANSITION_KEYS = new Set(['target', 'guard', 'actions', 'reenter', 'description', 'meta', 'source', 'eventType', 'toJSON', 'event', 'delay']);

/** A machine outside the compact runtime's subset. */
export class CompileError extends Error {
  override name = 'CompileError';
}

function fail(where: string, what: string): never {
  throw new CompileError(`compact runtime: ${where}: ${what}`);
}

function isJson(value: unknown): value is Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as object).every(isJson);
  return false;
}

function toArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** XState's built-in action objects carry `type` and `resolve`. */
interface BuiltinAction {
  type: string;
  resolve: unknown;
  assignment?: unknown;
  event?: unknown;
  delay?: unknown;
  id?: unknown;
}

function isBuiltin(fn: unknown): fn is BuiltinAction {
  return typeof fn === 'function' && 'resolve' in fn && typeof (fn as { type?: unknown }).type === 'string';
}

// XState's graph algorithms (raise-*.esm.js: isDescendant, getProperAncestors, getTransitionDomain,
// computeEntrySet and helpers), ported for a single transition without history states.

function isDescendant(child: AnyStateNode, parent: AnyStateNode | undefined): boolean {
  let marker = child;
  while (marker.parent && marker.parent !== parent) marker = marker.parent;
  return marker.parent === parent;
}

function properAncestors(node: AnyStateNode, upTo: AnyStateNode | undefined): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  if (upTo === node) return out;
  for (let m = node.parent; m && m !== upTo; m = m.parent) out.push(m);
  return out;
}

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

interface Transitionish {
  source: AnyStateNode;
  target?: readonly AnyStateNode[] | undefined;
  reenter: boolean;
}

function transitionDomain(t: Transitionish): AnyStateNode | undefined {
  const targets = t.target ?? [];
  if (!t.reenter && targets.every((s) => s === t.source || isDescendant(s, t.source))) return t.source;
  const [head, ...tail] = [...targets, t.source];
  for (const ancestor of properAncestors(head!, undefined)) if (tail.every((s) => isDescendant(s, ancestor))) return ancestor;
  return t.reenter ? undefined : t.source.machine.root;
}

function addDescendants(node: AnyStateNode, enter: Set<AnyStateNode>): void {
  if (node.type === 'compound') {
    const initial = node.initial.target[0] as AnyStateNode;
    enter.add(initial);
    addDescendants(initial, enter);
    addAncestors(enter, properAncestors(initial, node), undefined);
  } else if (node.type === 'parallel') {
    for (const child of childrenOf(node)) {
      if (![...enter].some((s) => isDescendant(s, child))) {
        enter.add(child);
        addDescendants(child, enter);
      }
    }
  }
}

function addAncestors(enter: Set<AnyStateNode>, ancestors: AnyStateNode[], reentrancyDomain: AnyStateNode | undefined): void {
  for (const anc of ancestors) {
    if (!reentrancyDomain || isDescendant(anc, reentrancyDomain)) enter.add(anc);
    if (anc.type === 'parallel') {
      for (const child of childrenOf(anc)) {
        if (![...enter].some((s) => isDescendant(s, child))) {
          enter.add(child);
          addDescendants(child, enter);
        }
      }
    }
  }
}

function entrySet(t: Transitionish, domain: AnyStateNode | undefined): AnyStateNode[] {
  const enter = new Set<AnyStateNode>();
  for (const s of t.target ?? []) {
    if (t.source !== s || t.source !== domain || t.reenter) enter.add(s);
    addDescendants(s, enter);
  }
  for (const s of t.target ?? []) {
    const ancestors = properAncestors(s, domain);
    if (domain?.type === 'parallel') ancestors.push(domain);
    addAncestors(enter, ancestors, !t.source.parent && t.reenter ? undefined : domain);
  }
  return [...enter].sort((a, b) => a.order - b.order);
}

function initialStates(root: AnyStateNode): AnyStateNode[] {
  const out = new Set<AnyStateNode>();
  const walk = (n: AnyStateNode): void => {
    if (out.has(n)) return;
    out.add(n);
    if (n.type === 'compound') walk(n.initial.target[0] as AnyStateNode);
    else if (n.type === 'parallel') childrenOf(n).forEach(walk);
  };
  walk(root);
  return [...out];
}

/** A state while it is compiled (the table holds it as an array: table.ts `TableState`). */
interface StateFields {
  k: string;
  p: number;
  id?: string;
  t?: 1 | 2;
  en?: Ref[];
  ex?: Ref[];
  on?: Record<number, TableTransition[]>;
  af?: Record<string, TableTransition[]>;
}

/** The state's array without its trailing absent (0) fields. */
function packState(a: TableState): TableState {
  while (a.length > 2 && a[a.length - 1] === 0) a.pop();
  return a;
}

/** Compiles `machine` (see the module comment). Throws a `CompileError` outside the subset. */
export function compileMachine(machine: AnyStateMachine): StateTable {
  const nodes: AnyStateNode[] = [];
  const walk = (n: AnyStateNode): void => {
    nodes.push(n);
    childrenOf(n).forEach(walk);
  };
  walk(machine.root);
  const index = new Map<AnyStateNode, number>();
  nodes.forEach((n, i) => {
    if (n.order !== i) fail(`#${n.id}`, `document order ${n.order} differs from the pre-order walk (${i})`);
    index.set(n, i);
  });
  const impl = machine.implementations;
  const actions: string[] = [];
  const kinds: Record<number, Exclude<TableAction, 'assign'>> = {};
  const actionIndex = new Map<string, number>();
  const guards: string[] = [];
  const guardIndex = new Map<string, number>();
  const events: string[] = [];

  const ref = (where: string, kind: 'action' | 'guard', r: unknown): Ref => {
    let name: string;
    let params: unknown;
    if (typeof r === 'string') name = r;
    else if (r && typeof r === 'object' && typeof (r as { type?: unknown }).type === 'string') {
      name = (r as { type: string }).type;
      params = (r as { params?: unknown }).params;
      if (params !== undefined && !isJson(params)) fail(where, `${kind} '${name}' has params that are not JSON (params as a function are outside the subset)`);
    } else if (typeof r === 'function') {
      const builtin = isBuiltin(r) ? r.type : (r as { check?: unknown }).check ? 'a higher-order guard (and/or/not)' : 'an inline function';
      return fail(where, `${kind} is ${builtin}: name it in setup({ ${kind}s })`);
    } else return fail(where, `unrecognised ${kind} ${JSON.stringify(r)}`);
    let at: number;
    if (kind === 'action') at = addAction(where, name);
    else {
      const g = impl.guards[name] as unknown;
      if (typeof g !== 'function') fail(where, `guard '${name}' is not implemented in setup({ guards })`);
      if ('check' in g) fail(where, `guard '${name}' is a higher-order guard (and/or/not/stateIn): write it as one named guard`);
      if (!guardIndex.has(name)) guardIndex.set(name, guards.push(name) - 1);
      at = guardIndex.get(name)!;
    }
    return params === undefined ? at : [at, params as Json];
  };

  /** The action's index in `actions`, added on first use. */
  const addAction = (where: string, name: string): number => {
    const known = actionIndex.get(name);
    if (known !== undefined) return known;
    const a = impl.actions[name] as unknown;
    if (typeof a !== 'function') fail(where, `action '${name}' is not implemented in setup({ actions })`);
    const at = actions.push(name) - 1;
    actionIndex.set(name, at);
    if (!isBuiltin(a)) {
      kinds[at] = 'exec';
      return at;
    }
    const staticEvent = (e: unknown): TableEvent | undefined => {
      if (typeof e === 'function') return undefined;
      if (!isJson(e) || typeof e !== 'object' || e === null || Array.isArray(e) || typeof (e as { type?: unknown }).type !== 'string') fail(where, `action '${name}': the event must be an object with a type, JSON, or a function`);
      return e as TableEvent;
    };
    if (a.type === 'xstate.assign') return at;
    if (a.type === 'xstate.raise' || a.type === 'xstate.emit') {
      const kind = a.type === 'xstate.raise' ? 'raise' : 'emit';
      if (a.delay !== undefined || a.id !== undefined) fail(where, `action '${name}' is raise() with a delay or id: use \`after\` with a named delay`);
      const e = staticEvent(a.event);
      kinds[at] = e ? [kind, e] : kind;
    } else fail(where, `action '${name}' is ${a.type}, outside the subset (assign, raise, emit, plain functions)`);
    return at;
  };

  const actionList = (where: string, list: unknown): Ref[] | undefined => {
    const refs = toArray(list as unknown[]).map((r) => ref(where, 'action', r));
    return refs.length ? refs : undefined;
  };

  const transition = (where: string, t: AnyTransitionDefinition): TableTransition => {
    for (const key of Object.keys(t)) if (!TRANSITION_KEYS.has(key)) fail(where, `transition option '${key}' is outside the subset`);
    const out: TableTransition = [t.guard !== undefined ? ref(where, 'guard', t.guard) : -1, actionList(where, t.actions) ?? 0];
    const targets = (t.target ?? []) as AnyStateNode[];
    for (const s of targets) if (s.type === 'history') fail(where, `target #${s.id} is a history state, outside the subset`);
    if (targets.length) {
      const tr: Transitionish = { source: t.source, target: targets, reenter: !!t.reenter };
      const domain = transitionDomain(tr);
      // XState also exits the domain when `reenter` and the domain is the source; never so: the
      // domain is the source only for a non-reentering transition (the LCA is a proper ancestor).
      if (t.reenter && domain === t.source) fail(where, 'a reentering transition whose domain is its source');
      out[2] = domain === undefined ? -1 : index.get(domain)!;
      out[3] = entrySet(tr, domain).map((s) => index.get(s)!);
    }
    return out;
  };

  const states: TableState[] = nodes.map((n, i): TableState => {
    const where = `state #${n.id}`;
    const config = n.config as Record<string, unknown>;
    for (const key of Object.keys(config)) {
      if (!STATE_KEYS.has(key) && !(i === 0 && ROOT_KEYS.has(key))) fail(where, `'${key}' is outside the subset`);
    }
    if (n.type === 'history' || n.type === 'final') fail(where, `${n.type} states are outside the subset`);
    const s: StateFields = { k: n.key, p: n.parent ? index.get(n.parent)! : -1 };
    if (n.parent && n.id !== `${n.parent.id}.${n.key}`) s.id = n.id;
    if (n.type !== 'atomic') s.t = n.type === 'compound' ? 1 : 2;
    if (n.type === 'compound' && typeof config.initial !== 'string') fail(where, '`initial` must be a state key (initial actions are outside the subset)');
    const en = actionList(`${where} entry`, config.entry);
    if (en) s.en = en;
    const ex = actionList(`${where} exit`, config.exit);
    if (ex) s.ex = ex;
    // `after` transitions are in `n.transitions` too, under their event type.
    const afterTypes = new Map<string, string>();
    for (const delay of Object.keys((config.after ?? {}) as object)) {
      if (Number.isNaN(+delay) && typeof impl.delays[delay] !== 'function' && typeof impl.delays[delay] !== 'number') {
        fail(`${where} after`, `delay '${delay}' is not implemented in setup({ delays })`);
      }
      afterTypes.set(`xstate.after.${Number.isNaN(+delay) ? delay : +delay}.${n.id}`, delay);
      (s.af ??= {})[delay] = [];
    }
    for (const [descriptor, list] of n.transitions as Map<string, AnyTransitionDefinition[]>) {
      const w = `${where} on '${descriptor}'`;
      if (descriptor === '*' || descriptor.endsWith('.*')) fail(w, 'wildcard event descriptors are outside the subset');
      const delay = afterTypes.get(descriptor);
      if (delay !== undefined && (config.on as Record<string, unknown> | undefined)?.[descriptor] !== undefined) fail(w, 'handled both in `on` and in `after`');
      const compiled = list.map((t) => transition(w, t));
      if (delay !== undefined) s.af![delay] = compiled;
      else {
        if (events.indexOf(descriptor) < 0) events.push(descriptor);
        (s.on ??= {})[events.indexOf(descriptor)] = compiled;
      }
    }
    const packed: TableState = [s.k, s.p, s.t || 0, s.en || 0, s.ex || 0, s.on || 0, s.id || 0];
    if (s.af) packed[7] = s.af;
    return packState(packed);
  });

  const root = machine.root;
  const init = { source: root, target: initialStates(root), reenter: true };
  return { v: 4, id: root.id, s: states, e: events, a: actions, k: kinds, g: guards, i: entrySet(init, transitionDomain(init)).map((s) => index.get(s)!) };
}

/**
 * The table with its action and guard refs renumbered by position in `actions` and `guards` (the
 * key order of the machine's `setup({ actions, guards })`), and `a` and `g` left out: a board
 * build restores them from the implementations it carries anyway (`Object.keys`), so the names are
 * not in the bundle twice. Every name of the table must be in the lists.
 */
export function linkTable(table: StateTable, actions: readonly string[], guards: readonly string[]): Omit<StateTable, 'a' | 'g'> {
  const position = (names: readonly string[], name: string): number => {
    const at = names.indexOf(name);
    if (at < 0) throw new CompileError(`compact runtime: linking: '${name}' is not among the implementations`);
    return at;
  };
  const aMap = table.a.map((name) => position(actions, name));
  const gMap = table.g.map((name) => position(guards, name));
  const re = (map: number[], r: Ref): Ref => (typeof r === 'number' ? map[r]! : [map[r[0]]!, r[1]]);
  const refs = (list: Ref[] | undefined) => list && list.map((r) => re(aMap, r));
  const trans = (list: TableTransition[]) =>
    list.map((t): TableTransition => {
      const out: TableTransition = [t[0] === -1 ? -1 : re(gMap, t[0]), t[1] ? refs(t[1])! : 0];
      return t.length > 2 ? [out[0], out[1], t[2], t[3]] : out;
    });
  const byKey = (o: Record<string | number, TableTransition[]> | undefined) => o && Object.fromEntries(Object.entries(o).map(([k, v]) => [k, trans(v)]));
  const k: StateTable['k'] = {};
  for (const i of Object.keys(table.k)) k[aMap[+i]!] = table.k[+i]!;
  const s = table.s.map((st) => {
    const out = st.slice() as TableState;
    if (st[3]) out[3] = refs(st[3])!;
    if (st[4]) out[4] = refs(st[4])!;
    if (st[5]) out[5] = byKey(st[5])!;
    if (st[7]) out[7] = byKey(st[7])!;
    return out;
  });
  return { v: table.v, id: table.id, s, e: table.e, k, i: table.i };
}

/** The table as JSON, for a board build to embed. */
export function compileMachineToJson(machine: AnyStateMachine): string {
  return JSON.stringify(compileMachine(machine));
}

/** What `setup({ actions, guards, delays })` was given (the xstate shim keeps it as `implementations`). */
export interface SetupImplementations {
  actions?: Record<string, unknown>;
  guards?: Record<string, unknown>;
  delays?: Record<string, unknown>;
}

/**
 * The machine's implementations as the interpreter calls them: the function inside each XState
 * built-in (`assign`'s assignment, the event expression of `raise`/`emit`), plain functions as
 * they are, and the context factory.
 */
export function extractImplementations(machine: AnyStateMachine): CompactImplementations {
  return implementationsFrom(machine.implementations as SetupImplementations, machine.config.context);
}

/**
 * The same from what `setup` was given and the machine's `context`, without the machine. (A compact
 * board bundle needs no conversion: its `setup` is the xstate shim's, whose `assign`, `raise` and
 * `emit` already return these functions, so it hands `setup.implementations` to the interpreter.)
 */
export function implementationsFrom(impl: SetupImplementations, context: unknown): CompactImplementations {
  const actions: Record<string, ImplementationFn> = {};
  const source = impl.actions || {};
  for (const name in source) {
    const a = source[name] as BuiltinAction | undefined;
    // A plain function as it is; assign's assignment (a function, or the property form as one
    // function); the event expression of raise/emit (a static event is in the table).
    const fn = !isBuiltin(a) ? a : a.type === 'xstate.assign' ? (typeof a.assignment === 'object' && a.assignment ? assignProps(a.assignment as Record<string, unknown>) : a.assignment) : a.event;
    if (typeof fn === 'function') actions[name] = fn as ImplementationFn;
  }
  return {
    context,
    actions,
    guards: (impl.guards || {}) as Record<string, ImplementationFn>,
    delays: (impl.delays || {}) as Record<string, ImplementationFn | number>,
  };
}

/** `assign({ key: value | fn })`, the property form, as one function returning the partial context. */
export function assignProps(props: Record<string, unknown>): ImplementationFn {
  return (args, params) => {
    const partial: Record<string, unknown> = {};
    for (const key in props) {
      const p = props[key];
      partial[key] = typeof p === 'function' ? (p as ImplementationFn)(args, params) : p;
    }
    return partial;
  };
}
