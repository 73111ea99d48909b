/**
 * The state table a device machine compiles to (`compile.ts`) and the compact interpreter runs
 * (`interpreter.ts`). Plain JSON: no functions, so a board build can embed it as a literal. Keys are
 * short because on a small board every property is a JS variable.
 *
 * States are listed in document order (XState's `StateNode.order`, a pre-order walk), index 0 being
 * the root; every reference to a state is its index. Exit order is reverse document order, entry
 * order document order, as in XState.
 */

/** JSON values (action and guard params, static events). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * An action or guard reference: its index in the table's `a` (actions) or `g` (guards), or
 * `[index, params]`. Numbers, not names: a name used ten times costs its bytes ten times.
 */
export type Ref = number | [number, Json];

/** An event as machines see it. */
export interface TableEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * A transition, as an array (an object's keys would cost bytes in every transition of a board
 * build): `[guard, actions, domain, entered]`.
 * - guard: its ref; -1: none (always enabled).
 * - actions: the transition actions, in order; 0: none.
 * - domain: the exit set is the active states strictly below it. -1: every active state, the root
 *   included (a reentering transition from the root). Absent (with `entered`): targetless, exits
 *   and enters nothing.
 * - entered: the states entered, in document order (precomputed: without history states it is static).
 */
export type TableTransition = [g: Ref | -1, a: Ref[] | 0, d?: number, n?: number[]];

/** XState's state types in the subset. (Final states are outside it.) */
export type TableStateType = 'atomic' | 'compound' | 'parallel';

/** A `TableState`'s `t`: 1 compound, 2 parallel, 0 or absent atomic (a number: fewer bytes than the name). */
export type TableStateCode = 1 | 2;

/**
 * A state, as an array (an object's keys would cost bytes in every state of a board build):
 * `[k, p, t, en, ex, on, id, af]`, a field that is absent being 0 (trailing ones left out, so `af`,
 * which the interpreter walks with `for…in`, is never 0).
 * - k: key in the parent: the name used in the state value.
 * - p: parent index, -1 for the root.
 * - t: 1 compound, 2 parallel; 0 atomic.
 * - en, ex: entry and exit actions.
 * - on: transitions by exact event type (its index in the table's `e`), candidates in document order
 *   (the first enabled one is taken).
 * - id: XState id, when it is not the parent's id + '.' + key (the root's is the table's `id`).
 * - af: `after` transitions by delay (a name in `setup({ delays })`, or milliseconds), in config
 *   order: a timer per delay starts on entry and is cancelled on exit; it sends
 *   `xstate.after.<delay>.<id>`, which these transitions take (sent by anyone else, it is taken too,
 *   as in XState).
 */
export type TableState = [
  k: string,
  p: number,
  t?: TableStateCode | 0,
  en?: Ref[] | 0,
  ex?: Ref[] | 0,
  on?: Record<number, TableTransition[]> | 0,
  id?: string | 0,
  af?: Record<string, TableTransition[]>,
];

/**
 * What an action stands for (the table's `k`, by action index, absent for `assign`); the
 * interpreter implements XState's built-ins itself.
 * `assign` (absent from `k`): the implementation returns a partial context, merged over the context.
 * `raise`: the event (static, or returned by the implementation) goes on the internal queue.
 * `emit`: the event (static, or returned by the implementation) goes to `on(type | '*')` listeners.
 * `exec`: a plain function, called for its effect.
 * `[kind, event]`: raise or emit of a static event (an object rather than a function).
 */
export type TableAction = 'assign' | 'raise' | 'emit' | 'exec' | ['raise' | 'emit', TableEvent];

export interface StateTable {
  /**
   * Format version (4: refs are indexes into `a` and `g`, `k` lists only the actions that are not
   * `assign`, a state and a transition are arrays).
   */
  v: 4;
  /** Machine id (the root's id). */
  id: string;
  s: TableState[];
  /** The event types states take in `on`, in first-use order (an `on` key is an index here). */
  e: string[];
  /** Every action the table references, by name (a `Ref` to an action is an index here). */
  a: string[];
  /**
   * What each action of `a` is, by its index, for those that are not `assign` (most are, and a board
   * build pays for every entry): `{ "3": "emit", "1": ["raise", { "type": "x" }] }`.
   */
  k: Record<number, Exclude<TableAction, 'assign'>>;
  /** Every guard the table references, by name (a `Ref` to a guard is an index here). */
  g: string[];
  /** The initial configuration, in entry (document) order. */
  i: number[];
}

// The interpreter's contract (interpreter.ts).

/* eslint-disable @typescript-eslint/no-explicit-any */
/** How the interpreter calls a guard, delay or action implementation: `fn({ context, event }, params)`. */
export type ImplementationFn = (args: { context: any; event: any }, params?: any) => any;

/** The functions behind the names in a table (compile.ts `extractImplementations`). */
export interface CompactImplementations {
  /** The machine's `context`: a factory of `{ input }`, or an object. */
  context?: unknown;
  /** assign: the assignment; raise/emit: the event expression (absent when static); exec: the function. */
  actions: Record<string, ImplementationFn>;
  guards: Record<string, ImplementationFn>;
  delays: Record<string, ImplementationFn | number>;
}

/** XState's `Clock`: the simulator's virtual timers, a board's real ones. */
export interface CompactClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface CompactActorOptions {
  input?: unknown;
  /** The context factory (`({ input }) => context`) or object; default: the implementations'. */
  context?: unknown;
  /** The timers: a board's, the simulator's virtual ones (index.ts defaults to the global ones). */
  clock: CompactClock;
  /**
   * `{ ...a, ...b }`, where the host has a faster one than the interpreter's ES5 loop (Node: the
   * spread keeps a large context a fast-mode object in V8, a key-by-key copy does not).
   */
  merge?: (a: any, b: any) => any;
}

export type StateValue = string | { [key: string]: StateValue };

export interface CompactSnapshot<C = any> {
  /** XState's statuses; 'done' never happens (no final states in the subset). */
  status: 'active' | 'done' | 'error' | 'stopped';
  /** In XState's shape: a string for an atomic child, an object for nested and parallel states. */
  value: StateValue;
  context: C;
  error?: unknown;
}

export interface CompactObserver {
  next?: (snapshot: CompactSnapshot) => void;
  error?: (err: unknown) => void;
  complete?: () => void;
}

export interface Subscription {
  unsubscribe(): void;
}

/** The part of XState's actor the device runtime uses. */
export interface CompactActor {
  start(): CompactActor;
  send(event: TableEvent): void;
  getSnapshot(): CompactSnapshot;
  on(type: string, handler: (event: any) => void): Subscription;
  subscribe(observer: CompactObserver | ((snapshot: CompactSnapshot) => void)): Subscription;
  stop(): CompactActor;
}
