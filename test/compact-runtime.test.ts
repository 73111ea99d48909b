/**
 * The compact runtime (firmware/runtime/compact/) against XState.
 *
 * Differential: every path and edge the model-based tests enumerate (machines-model.ts with
 * support/{gsme,gpf}-model.ts; support/ppmid-model.ts) is replayed on an XState actor and on a
 * compact actor, each under its own SimulatedClock, the table taken through JSON as a board gets it.
 * After every step both must be in the same state value (key order included), with deep-equal
 * context, the same status, the same sequence of emitted events so far and as many timers pending.
 * Delays are replayed as the model tests replay them: GSME and GPF by advancing both clocks by the
 * delay, the PPMID (whose time stands still) by sending the `xstate.after.*` event.
 *
 * The runs are walked as a prefix tree (support/prefix-tree.ts): a step shared by many runs is
 * taken and checked once, on pairs that replayed its prefix from the start (the PPMID's XState
 * side copied instead, support/actor-fork.ts); broken tables check that a bad step deep in the tree
 * is still caught.
 *
 * Then the interpreter's semantics on small machines of its own, each run on both runtimes too.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { and, assign, createActor, emit, raise, setup, SimulatedClock } from 'xstate';
import type { AnyEventObject, AnyStateMachine } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { CompileError, compileMachine, compileMachineToJson, createCompactActor, createMachineActor, extractImplementations } from '../firmware/runtime/compact/index.ts';
import { linkTable } from '../firmware/runtime/compact/compile.ts';
import type { CompactActor, Ref, StateTable, TableTransition } from '../firmware/runtime/compact/index.ts';
import { gpfMachine } from '../firmware/machines/gpf.ts';
import { gsmeMachine } from '../firmware/machines/gsme.ts';
import { ppmidMachine } from '../firmware/machines/ppmid.ts';
import { afterDelayName, enumerateModel } from './machines-model.ts';
import { forkActor, nodeOrder } from './support/actor-fork.ts';
import { addRun, childFor, describeNode, eventsTo, prefixRoot, walkPrefixTree } from './support/prefix-tree.ts';
import type { PrefixNode } from './support/prefix-tree.ts';
import type { ModelOptions } from './machines-model.ts';
import { gpfModel } from './support/gpf-model.ts';
import { gsmeModel } from './support/gsme-model.ts';
import { eventsFor, input as ppmidInput, ppmidGraph } from './support/ppmid-model.ts';
import type { Snap } from './support/ppmid-model.ts';

type Hw = { now(): number };

/** The table as a board gets it: through JSON. */
function boardTable(machine: AnyStateMachine): StateTable {
  return JSON.parse(compileMachineToJson(machine)) as StateTable;
}

interface Pair {
  x: ReturnType<typeof createActor<AnyStateMachine>>;
  c: CompactActor;
  xClock: SimulatedClock;
  cClock: SimulatedClock;
  xOut: AnyEventObject[];
  cOut: AnyEventObject[];
  /** Emitted events already found equal on both sides (they only grow). */
  checked: number;
}

/**
 * Both runtimes, started, each with its own SimulatedClock (and hardware clock `epoch + now`);
 * `wire` subscribes to each actor before it starts.
 */
function pair(machine: AnyStateMachine, table: StateTable, input: (hw: Hw) => unknown, epoch = 0, wire?: (actor: Pick<CompactActor, 'on' | 'send' | 'subscribe'>) => void): Pair {
  const xClock = new SimulatedClock();
  const x = createActor(machine, { clock: xClock, input: input({ now: () => epoch + xClock.now() }) });
  const xOut: AnyEventObject[] = [];
  x.on('*', (e) => xOut.push(e));
  wire?.(x as unknown as CompactActor);
  x.start();
  return { x, xClock, xOut, ...compactSide(machine, table, input, epoch, wire), checked: 0 };
}

const implementations = new Map<AnyStateMachine, ReturnType<typeof extractImplementations>>();

/** A compact actor, started, on its own SimulatedClock. */
function compactSide(machine: AnyStateMachine, table: StateTable, input: (hw: Hw) => unknown, epoch = 0, wire?: (actor: Pick<CompactActor, 'on' | 'send' | 'subscribe'>) => void): Pick<Pair, 'c' | 'cClock' | 'cOut'> {
  if (!implementations.has(machine)) implementations.set(machine, extractImplementations(machine));
  const cClock = new SimulatedClock();
  const c = createCompactActor(table, implementations.get(machine)!, { clock: cClock, input: input({ now: () => epoch + cClock.now() }) });
  const cOut: AnyEventObject[] = [];
  c.on('*', (e) => cOut.push(e));
  wire?.(c);
  c.start();
  return { c, cClock, cOut };
}

/** Where two values first differ (a path), for messages. */
function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !ArrayBuffer.isView(a)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const av = (a as Record<string, unknown>)[k];
      const bv = (b as Record<string, unknown>)[k];
      if (!isDeepStrictEqual(av, bv)) return firstDifference(av, bv, `${path}.${k}`);
    }
  }
  return `${path || '(root)'}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

/** The context without the hardware clock (each runtime has its own). */
function comparable(context: unknown): unknown {
  return context && typeof context === 'object' ? { ...context, clock: null } : context;
}

/**
 * Null when both runtimes agree, else how they differ. The emitted events are compared from
 * `checked` on: the ones before were found equal at an earlier step, and neither list shrinks.
 */
function difference(p: Pair): string | null {
  const xs = p.x.getSnapshot();
  const cs = p.c.getSnapshot();
  if (xs.status !== cs.status) return `status: ${xs.status} vs ${cs.status}`;
  if (JSON.stringify(xs.value) !== JSON.stringify(cs.value)) return `value: ${JSON.stringify(xs.value)} vs ${JSON.stringify(cs.value)}`;
  if (!isDeepStrictEqual(comparable(xs.context), comparable(cs.context))) return `context ${firstDifference(comparable(xs.context), comparable(cs.context))}`;
  if (p.xOut.length !== p.cOut.length || !isDeepStrictEqual(p.xOut.slice(p.checked), p.cOut.slice(p.checked))) return `emitted ${firstDifference(p.xOut, p.cOut)}`;
  p.checked = p.xOut.length;
  if (pending(p.xClock) !== pending(p.cClock)) return `timers pending: ${pending(p.xClock)} vs ${pending(p.cClock)}`;
  return null;
}

/** Timers pending on a SimulatedClock. */
function pending(clock: SimulatedClock): number {
  return (clock as unknown as { timeouts: Map<number, unknown> }).timeouts.size;
}

interface Tally {
  /** Runs (paths and edges) whose every step was checked. */
  runs: number;
  /** Distinct steps taken and checked (a prefix shared by runs once). */
  steps: number;
  /** Emitted events compared (a prefix's once). */
  emitted: number;
  /** Pairs started from the initial state and replayed to a branch of the tree. */
  replays: number;
  /** XState actors copied at a branch, and how many of those copies were checked against a replay. */
  forks: number;
  forksChecked: number;
  mismatches: string[];
}

const newTally = (): Tally => ({ runs: 0, steps: 0, emitted: 0, replays: 0, forks: 0, forksChecked: 0, mismatches: [] });

type Delays = { delayMs?: ModelOptions<unknown>['delayMs'] };

type Replay = Delays & { materialize?: ModelOptions<unknown>['materialize'] };

/**
 * One step on both sides: a delay event either advances both clocks (`delayMs`: the GSME and GPF,
 * as their model tests do) or is sent (the PPMID, whose time stands still).
 */
function stepBoth(p: Pair, event: AnyEventObject, o: Replay): void {
  if (event.type === 'xstate.init') return; // a path's first step: the initial state
  const delay = o.delayMs ? afterDelayName(event.type) : null;
  if (delay !== null) {
    const ms = o.delayMs!(delay, p.x.getSnapshot().context);
    p.xClock.increment(ms);
    p.cClock.increment(ms);
  } else {
    const e = o.materialize ? o.materialize(event, p.x.getSnapshot()) : event;
    p.x.send(e);
    p.c.send(e);
  }
}

/** The same step on the compact side alone (replaying to a branch whose XState actor is a copy). */
function stepCompact(p: Pick<Pair, 'c' | 'cClock'>, event: AnyEventObject, o: Replay): void {
  if (event.type === 'xstate.init') return;
  const delay = o.delayMs ? afterDelayName(event.type) : null;
  if (delay !== null) p.cClock.increment(o.delayMs!(delay, p.c.getSnapshot().context));
  else p.c.send(o.materialize ? o.materialize(event, p.c.getSnapshot() as never) : event);
}

/**
 * Walks the runs' prefix tree (support/prefix-tree.ts) on pairs, checking both runtimes agree at
 * the start and after every step: each run's every step is checked, each distinct prefix once. A
 * branch gets a compact actor replayed from the start; its XState actor is replayed as well
 * (`forkX` absent), or copied from the branch point's (support/actor-fork.ts). Either way the new
 * pair must agree at the branch point before it goes on.
 */
function walkDifferential(
  root: PrefixNode,
  fresh: () => Pair,
  o: Replay & {
    compact: () => Pick<Pair, 'c' | 'cClock' | 'cOut'>;
    forkX?: (p: Pair) => Pick<Pair, 'x' | 'xClock' | 'xOut'>;
    /** Checks a copied XState actor against a replay every so many copies. */
    checkForkEvery?: number;
    /** Runs on arriving at a node (the PPMID adds the edges out of a path's end). */
    enter?: (p: Pair, node: PrefixNode) => void;
    stopAtFirstMismatch?: boolean;
  },
): Tally {
  const tally = newTally();
  const check = (p: Pair, where: () => string, count = true): boolean => {
    const before = p.checked;
    const d = difference(p);
    if (d) tally.mismatches.push(`${where()}: ${d}`);
    else if (count) tally.emitted += p.checked - before;
    return !d;
  };
  const replayTo = (p: Pair, node: PrefixNode) => {
    for (const event of eventsTo(node)) stepBoth(p, event, o);
  };
  const start = fresh();
  check(start, () => 'initial state');
  walkPrefixTree(root, start, {
    enter: (p, node) => {
      o.enter?.(p, node);
      tally.runs += node.runs;
    },
    branch: (at, node) => {
      let p: Pair;
      if (o.forkX) {
        tally.forks++;
        p = { ...o.forkX(at), ...o.compact(), checked: 0 };
        p.x.start();
        for (const event of eventsTo(node)) stepCompact(p, event, o);
        if (o.checkForkEvery && tally.forks % o.checkForkEvery === 0) {
          // The copy against an XState actor that replayed the prefix from the start: same value
          // (key order included), context, status, emitted events, timers and state node order.
          tally.forksChecked++;
          const replayed = fresh();
          replayTo(replayed, node);
          const both = { ...p, c: replayed.x as unknown as CompactActor, cClock: replayed.xClock, cOut: replayed.xOut, checked: 0 };
          const d = difference(both) ?? (nodeOrder(p.x.getSnapshot()) === nodeOrder(replayed.x.getSnapshot()) ? null : 'state node order');
          if (d) tally.mismatches.push(`XState copy at ${describeNode(node)} vs a replay: ${d}`);
          replayed.x.stop();
          replayed.c.stop();
        }
      } else {
        tally.replays++;
        p = fresh();
        replayTo(p, node);
      }
      check(p, () => `replayed to ${describeNode(node)}`, false);
      return p;
    },
    step: (p, child) => {
      stepBoth(p, child.event!, o);
      tally.steps++;
      return check(p, () => `step ${child.depth} of ${describeNode(child)}`);
    },
    done: (p) => {
      p.x.stop();
      p.c.stop();
    },
    stop: () => !!o.stopAtFirstMismatch && tally.mismatches.length > 0,
  });
  return tally;
}

/** Each model's runs, enumerated once for this file (the differential and the broken-step check). */
const modelRuns = new Map<unknown, AnyEventObject[][]>();
function runsOf<TInput>(o: ModelOptions<TInput>): AnyEventObject[][] {
  if (!modelRuns.has(o)) modelRuns.set(o, enumerateModel(o).runs.map((r) => r.events));
  return modelRuns.get(o)!;
}

function modelDifferential<TInput>(o: ModelOptions<TInput>, table = boardTable(o.machine), walk: { stopAtFirstMismatch?: boolean } = {}): Tally {
  const root = prefixRoot();
  for (const run of runsOf(o)) addRun(root, run);
  const input = o.replayInput as (hw: Hw) => unknown;
  return walkDifferential(root, () => pair(o.machine, table, input, o.epoch), {
    ...(o as ModelOptions<unknown>),
    ...walk,
    compact: () => compactSide(o.machine, table, input, o.epoch),
  });
}

let ppmidPaths: AnyEventObject[][] | undefined;

/** The PPMID's model paths (as ppmid-model.test.ts) as a prefix tree, and where each ends (its edges join on the walk). */
function ppmidTree(): { root: PrefixNode; pathEnds: Set<PrefixNode> } {
  ppmidPaths ??= ppmidGraph().paths.map((path) => path.steps.slice(1).map((s) => s.event as AnyEventObject));
  const root = prefixRoot();
  const pathEnds = new Set<PrefixNode>();
  for (const path of ppmidPaths) pathEnds.add(addRun(root, path));
  return { root, pathEnds };
}

/**
 * The PPMID differential on a table: each path, then each edge out of it (the model's events in
 * the state the XState actor reached), every step on both runtimes. Its time stands still, so
 * XState actors are copied at branches: 12,136 XState steps and 9,164 copies rather than the
 * 230,000 steps of replaying every run (XState's step costs about three of the compact
 * runtime's). The compact actor, the one under test, is replayed from the start for every branch.
 */
function ppmidDifferential(table: StateTable, o: { stopAtFirstMismatch?: boolean } = {}): Tally {
  const input = () => ppmidInput;
  const { root, pathEnds } = ppmidTree();
  return walkDifferential(root, () => pair(ppmidMachine, table, input), {
    ...o,
    compact: () => compactSide(ppmidMachine, table, input),
    forkX: (p) => {
      const { actor: x, clock: xClock } = forkActor(p.x, p.xClock, { input: ppmidInput });
      const xOut = p.xOut.slice();
      x.on('*', (e) => xOut.push(e));
      return { x: x as Pair['x'], xClock, xOut };
    },
    checkForkEvery: 50,
    enter: (p, node) => {
      if (!pathEnds.has(node)) return;
      for (const edge of eventsFor(p.x.getSnapshot() as unknown as Snap) as AnyEventObject[]) childFor(node, edge).runs++;
    },
    stopAtFirstMismatch: o.stopAtFirstMismatch,
  });
}

describe('compact runtime vs XState: every model path and edge, every step', () => {
  it('GSME', () => {
    const t = modelDifferential(gsmeModel);
    expect(t.mismatches.slice(0, 3)).toEqual([]);
    expect(t.runs).toBeGreaterThan(1000);
    expect(t.emitted).toBeGreaterThan(1000);
  }, 120_000);

  it('GPF', () => {
    const t = modelDifferential(gpfModel);
    expect(t.mismatches.slice(0, 3)).toEqual([]);
    expect(t.runs).toBeGreaterThan(50);
  }, 120_000);

  it('PPMID (parallel regions)', () => {
    const t = ppmidDifferential(boardTable(ppmidMachine));
    expect(t.mismatches.slice(0, 3)).toEqual([]);
    expect(t.runs).toBeGreaterThan(10_000);
    expect(t.forksChecked).toBeGreaterThan(100);
  }, 600_000);

  // The walks shorten the replays (a prefix once, XState actors copied): a step broken deep in the
  // tree, past branches, must still be caught. Each walk stops at its first mismatch.

  /** The first transition of state `path` (keys below the root) on `event`, in a table of `machine`. */
  function brokenTable(machine: AnyStateMachine, path: string[], event: string, breakIt: (t: TableTransition) => void): StateTable {
    const table = boardTable(machine);
    const index = table.s.findIndex((_, i) => {
      const keys: string[] = [];
      for (let n = i; n > 0; n = table.s[n]![1]) keys.unshift(table.s[n]![0]);
      return keys.join('.') === path.join('.');
    });
    const state = table.s[index]!;
    const on = event.startsWith('after.') ? state[7]![event.slice('after.'.length)]! : (state[5] as Record<number, TableTransition[]>)[table.e.indexOf(event)]!;
    breakIt(on[0]!);
    return table;
  }

  it('catches a broken PPMID step behind a top-up (a branch of copied XState actors)', () => {
    // Settling a top-up at the hub without its action (settleTopUp): the screen and context differ.
    const table = brokenTable(ppmidMachine, ['topUp', 'atHub'], 'ppmid.pollDone', (t) => (t[1] = 0));
    const t = ppmidDifferential(table, { stopAtFirstMismatch: true });
    expect(t.mismatches).toHaveLength(1);
    expect(t.mismatches[0]).toMatch(/^step (\d+) of .*BUTTON.*HAN_FRAME.*: (context|emitted) /);
    expect(Number(/^step (\d+)/.exec(t.mismatches[0]!)![1])).toBeGreaterThan(6);
    expect(t.forks).toBeGreaterThan(0);
  }, 120_000); // a fraction of a second after the PPMID case (its graph kept); seconds alone

  it('catches a broken GSME step after a timer (a branch replayed with clocks moved)', () => {
    // A clock sync that timed out, retried without logging it.
    const table = brokenTable(gsmeMachine, ['awake', 'syncingClock'], 'after.ackTimeout', (t) => (t[1] = (t[1] as Ref[]).slice(1)));
    const t = modelDifferential(gsmeModel, table, { stopAtFirstMismatch: true });
    expect(t.mismatches).toHaveLength(1);
    expect(t.mismatches[0]).toMatch(/^step \d+ of .*xstate\.after\.ackTimeout\.gsme\.awake\.syncingClock: (context|emitted) /);
    expect(t.replays).toBeGreaterThan(0);
  }, 120_000);
});

describe('compact tables', () => {
  it.each([gsmeMachine, gpfMachine, ppmidMachine] as AnyStateMachine[])('$id compiles to plain JSON, a state per state node', (machine) => {
    const table = compileMachine(machine);
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
    expect(table.s.length).toBe(getStateNodes(machine.root).length + 1);
  });
});

// The interpreter's semantics on small machines. Each runs on both runtimes (`run` checks they
// agree after every step) and the trace is checked against what XState v5 does.

/* eslint-disable @typescript-eslint/no-explicit-any */
const logAction = assign(({ context }: { context: { log: string[] } }, p: { m: string }) => ({ log: [...context.log, p.m] }));
const L = (m: string) => ({ type: 'log', params: { m } });

function machineOf(config: Record<string, unknown>, impl: Record<string, unknown> = {}): AnyStateMachine {
  const { actions = {}, ...rest } = impl as { actions?: Record<string, unknown> };
  return (setup as any)({ actions: { log: logAction, ...actions }, ...rest }).createMachine({ context: { log: [] }, ...config }) as AnyStateMachine;
}

type Step = AnyEventObject | number;

/** Runs `steps` (events, or milliseconds to advance) on both runtimes; returns the pair. */
function run(machine: AnyStateMachine, steps: Step[], wire?: Parameters<typeof pair>[4]): Pair {
  const p = pair(machine, boardTable(machine), () => undefined, 0, wire);
  expect(difference(p), 'initial state').toBeNull();
  steps.forEach((step, i) => {
    if (typeof step === 'number') {
      p.xClock.increment(step);
      p.cClock.increment(step);
    } else {
      p.x.send(step);
      p.c.send(step);
    }
    expect(difference(p), `step ${i}`).toBeNull();
  });
  return p;
}

const logOf = (p: Pair): string[] => p.c.getSnapshot().context.log;

describe('compact interpreter semantics (each also run on XState)', () => {
  it('parallel regions: every region takes the event; the root only when no region does; the value has XState’s shape', () => {
    const m = machineOf({
      id: 'par',
      type: 'parallel',
      on: { BOTH: { actions: L('root BOTH') }, PING: { actions: L('root PING') } },
      states: {
        a: { initial: 'a1', states: { a1: { on: { BOTH: { target: 'a2', actions: L('a BOTH') } } }, a2: { initial: 'deep', states: { deep: { entry: L('enter deep') } } } } },
        b: { initial: 'b1', states: { b1: { on: { BOTH: { actions: L('b BOTH') } } } } },
      },
    });
    const p = run(m, [{ type: 'BOTH' }, { type: 'PING' }]);
    // Both transitions' actions run before any entry.
    expect(logOf(p)).toEqual(['a BOTH', 'b BOTH', 'enter deep', 'root PING']);
    expect(p.c.getSnapshot().value).toEqual({ a: { a2: 'deep' }, b: 'b1' });
  });

  it('reenter: a self-transition exits and enters the source only with reenter: true, a transition to a child likewise', () => {
    const s = { entry: L('enter s'), exit: L('exit s') };
    const c = { entry: L('enter c'), exit: L('exit c') };
    const m = machineOf({
      id: 're',
      initial: 's',
      states: {
        s: { ...s, initial: 'c', states: { c }, on: { SELF: { target: 's' }, RE: { target: 's', reenter: true }, CHILD: { target: '.c' }, CHILD_RE: { target: '.c', reenter: true }, NONE: { actions: L('targetless') } } },
      },
    });
    const steps = ['SELF', 'RE', 'CHILD', 'CHILD_RE', 'NONE'];
    const logs = steps.map((type) => {
      const p = run(m, [{ type }]);
      return logOf(p).slice(2).join(', ');
    });
    expect(logs).toEqual(['exit c, enter c', 'exit c, exit s, enter s, enter c', 'exit c, enter c', 'exit c, exit s, enter s, enter c', 'targetless']);
  });

  it('raise: raised events run after the current microstep, in order, before the next external event; a listener’s send waits for the macrostep', () => {
    const m = machineOf(
      {
        id: 'raise',
        initial: 'a',
        states: {
          a: { on: { GO: { target: 'b', actions: [L('GO'), 'raiseOne', L('after raise')] } } },
          b: { entry: ['raiseTwo', L('enter b'), 'ping'], on: { ONE: { actions: L('ONE') }, TWO: { target: 'c', actions: L('TWO') } } },
          c: { entry: L('enter c'), on: { NEXT: { actions: L('NEXT') } } },
        },
      },
      { actions: { raiseOne: raise({ type: 'ONE' }), raiseTwo: raise({ type: 'TWO' }), ping: emit({ type: 'ping' }) } },
    );
    const p = run(m, [{ type: 'GO' }], (actor) => actor.on('ping', () => actor.send({ type: 'NEXT' })));
    expect(logOf(p)).toEqual(['GO', 'after raise', 'enter b', 'ONE', 'TWO', 'enter c', 'NEXT']);
  });

  it('after: timers start on entry with the delay read after the entry actions, are cancelled on exit and restarted on reentry', () => {
    const m = machineOf(
      {
        id: 'after',
        initial: 'a',
        states: {
          a: {
            entry: 'setMs',
            after: { wait: { target: 'b', actions: L('wait fired') }, 1000: { actions: L('1000 fired') } },
            on: { LEAVE: 'c', RESTART: { target: 'a', reenter: true } },
          },
          b: { entry: L('enter b') },
          c: { entry: L('enter c'), on: { BACK: 'a' } },
        },
      },
      { actions: { setMs: assign({ ms: 500 }) }, delays: { wait: ({ context }: { context: { ms?: number } }) => context.ms ?? 1 } },
    );
    const p = run(m, [300, { type: 'RESTART' }, 300, 250]);
    expect(logOf(p)).toEqual(['wait fired', 'enter b']);
    expect(p.cClock.now()).toBe(850);
    // Left before either timer fired: neither fires while away; back in `a`, both start again.
    const q = run(m, [100, { type: 'LEAVE' }, 2000, { type: 'BACK' }, 499]);
    expect(logOf(q)).toEqual(['enter c']);
    expect(q.c.getSnapshot().value).toBe('a');
    const r = run(m, [100, { type: 'LEAVE' }, 2000, { type: 'BACK' }, 499, 1]);
    expect(logOf(r)).toEqual(['enter c', 'wait fired', 'enter b']);
    expect(pending(r.cClock)).toBe(0);
    // An `xstate.after.*` event sent from outside is taken like the timer's (the model tests rely on it).
    const s = run(m, [{ type: 'xstate.after.1000.after.a' }, { type: 'xstate.after.wait.after.a' }, 2000]);
    expect(logOf(s)).toEqual(['1000 fired', 'wait fired', 'enter b']);
  });

  it('guards: the deepest state first, then candidates in document order, first enabled one; params reach the guard', () => {
    const m = machineOf(
      {
        id: 'guards',
        initial: 'p',
        states: {
          p: {
            initial: 'c',
            on: { E: { actions: L('parent E') }, G: [{ guard: 'no', actions: L('parent no') }, { actions: L('parent G') }] },
            states: {
              c: {
                on: {
                  E: [
                    { guard: 'no', actions: L('child no') },
                    { guard: { type: 'is', params: { v: 1 } }, actions: L('child v1') },
                    { guard: { type: 'is', params: { v: 2 } }, actions: L('child v2') },
                    { guard: { type: 'is', params: { v: 2 } }, actions: L('child v2 again') },
                  ],
                  G: { guard: 'no', actions: L('child G') },
                },
              },
            },
          },
        },
      },
      { guards: { no: () => false, is: ({ event }: { event: { v?: number } }, params: { v: number }) => event.v === params.v } },
    );
    const p = run(m, [{ type: 'E', v: 2 }, { type: 'E', v: 1 }, { type: 'E', v: 3 }, { type: 'G' }]);
    expect(logOf(p)).toEqual(['child v2', 'child v1', 'parent E', 'parent G']);
  });

  it('conflicting transitions in parallel regions: the first selected wins, exit in reverse and entry in document order', () => {
    const ex = (n: string) => ({ entry: L(`enter ${n}`), exit: L(`exit ${n}`) });
    const m = machineOf({
      id: 'm',
      type: 'parallel',
      states: {
        a: { ...ex('a'), initial: 'a1', states: { a1: { ...ex('a1'), on: { X: { target: '#m.b.b2', actions: L('a1 X') } } } } },
        b: { ...ex('b'), initial: 'b1', states: { b1: { ...ex('b1'), on: { X: { target: 'b3', actions: L('b1 X') } } }, b2: ex('b2'), b3: ex('b3') } },
      },
    });
    const p = run(m, [{ type: 'X' }]);
    expect(logOf(p).slice(4)).toEqual(['exit b1', 'exit b', 'exit a1', 'exit a', 'a1 X', 'enter a', 'enter a1', 'enter b', 'enter b2']);
    expect(p.c.getSnapshot().value).toEqual({ a: 'a1', b: 'b2' });
  });

  it('emit: listeners of the type, then `*`; an emitted event is computed when its action runs', () => {
    const m = machineOf(
      { id: 'emit', initial: 'a', states: { a: { on: { GO: { actions: ['count', 'say', 'count', 'say'] } } } } },
      { actions: { count: assign(({ context }: { context: { n?: number } }) => ({ n: (context.n ?? 0) + 1 })), say: emit(({ context }: { context: { n?: number } }) => ({ type: 'said', n: context.n })) } },
    );
    const orders: string[][] = [];
    const p = run(m, [{ type: 'GO' }], (actor) => {
      const order: string[] = [];
      orders.push(order);
      actor.on('*', (e) => order.push(`* ${e.n}`));
      actor.on('said', (e) => order.push(`said ${e.n}`));
    });
    expect(p.cOut).toEqual([{ type: 'said', n: 1 }, { type: 'said', n: 2 }]);
    // Per actor: the type's listeners, then the wildcard's (the pair's own `*` listener counts too).
    expect(orders).toEqual([
      ['said 1', '* 1', 'said 2', '* 2'],
      ['said 1', '* 1', 'said 2', '* 2'],
    ]);
  });

  it('an action that throws: status error, the previous state kept, observers told, timers cancelled', () => {
    const m = machineOf(
      { id: 'err', initial: 'a', states: { a: { after: { 100: 'b' }, on: { BOOM: { target: 'b', actions: 'boom' } } }, b: {} } },
      { actions: { boom: assign(() => { throw new Error('boom'); }) } },
    );
    const errors: string[] = [];
    const p = run(m, [{ type: 'BOOM' }], (actor) => actor.subscribe({ error: (e) => errors.push(String(e)) }));
    expect(p.c.getSnapshot().status).toBe('error');
    expect(p.c.getSnapshot().value).toBe('a');
    expect(errors).toEqual(['Error: boom', 'Error: boom']);
    expect(pending(p.cClock)).toBe(0);
  });

  it('events sent before start wait for it, after the initial effects', () => {
    const m = machineOf(
      { id: 'early', initial: 'a', entry: 'hello', states: { a: { on: { GO: { target: 'b', actions: 'hello' } } }, b: {} } },
      { actions: { hello: emit(({ event }: { event: AnyEventObject }) => ({ type: 'hello', on: event.type })) } },
    );
    const outs = (['xstate', 'compact'] as const).map((runtime) => {
      const actor = createMachineActor(m, { clock: new SimulatedClock() }, runtime);
      const out: unknown[] = [];
      actor.on('hello', (e) => out.push(e.on));
      actor.send({ type: 'GO' });
      out.push(`before start: ${JSON.stringify(actor.getSnapshot().value)}`);
      actor.start();
      return [...out, actor.getSnapshot().value];
    });
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[1]).toEqual(['before start: "a"', 'xstate.init', 'GO', 'b']);
  });

  it('stop: status stopped, timers cancelled, later events ignored', () => {
    const m = machineOf({ id: 'stop', initial: 'a', states: { a: { after: { 100: 'b' }, on: { GO: 'b' } }, b: {} } });
    const p = run(m, []);
    p.x.stop();
    p.c.stop();
    expect(difference(p)).toBeNull();
    p.c.send({ type: 'GO' }); // (XState warns about it, and ignores it too)
    expect(p.c.getSnapshot()).toMatchObject({ status: 'stopped', value: 'a' });
    expect(difference(p)).toBeNull();
    expect(pending(p.cClock)).toBe(0);
  });
});

describe('compileMachine fails loudly outside the subset', () => {
  const bad: [string, () => AnyStateMachine, RegExp][] = [
    ['invoke', () => machineOf({ id: 'm', initial: 'a', states: { a: { invoke: { src: 'x' } } } }), /state #m\.a: 'invoke' is outside the subset/],
    ['always', () => machineOf({ id: 'm', initial: 'a', states: { a: { always: 'b' }, b: {} } }), /state #m\.a: 'always' is outside the subset/],
    ['final states', () => machineOf({ id: 'm', initial: 'a', states: { a: { type: 'final' } } }), /state #m\.a: final states are outside the subset/],
    ['history states', () => machineOf({ id: 'm', initial: 'a', states: { a: {}, h: { type: 'history' } } }), /state #m\.h: history states/],
    ['inline actions', () => machineOf({ id: 'm', initial: 'a', states: { a: { entry: () => {} } } }), /state #m\.a entry: action is an inline function: name it in setup/],
    ['inline built-ins', () => machineOf({ id: 'm', initial: 'a', states: { a: { on: { E: { actions: raise({ type: 'F' }) } } } } }), /state #m\.a on 'E': action is xstate\.raise: name it/],
    ['raise with a delay', () => machineOf({ id: 'm', initial: 'a', states: { a: { entry: 'later' } } }, { actions: { later: raise({ type: 'F' }, { delay: 10 }) } }), /action 'later' is raise\(\) with a delay/],
    ['other built-ins', () => machineOf({ id: 'm', initial: 'a', states: { a: { entry: 'cancelIt' } } }, { actions: { cancelIt: { type: 'xstate.cancel', resolve: () => [], ...Object.assign(() => {}, {}) } } }), /action 'cancelIt'/],
    ['unimplemented actions', () => machineOf({ id: 'm', initial: 'a', states: { a: { entry: 'nope' } } }), /action 'nope' is not implemented/],
    ['unimplemented guards', () => machineOf({ id: 'm', initial: 'a', states: { a: { on: { E: { guard: 'nope' } } } } }), /guard 'nope' is not implemented/],
    ['higher-order guards', () => machineOf({ id: 'm', initial: 'a', states: { a: { on: { E: { guard: 'both' } } } } }, { guards: { both: and(['x', 'y']), x: () => true, y: () => true } }), /guard 'both' is a higher-order guard/],
    ['inline guards', () => machineOf({ id: 'm', initial: 'a', states: { a: { on: { E: { guard: () => true } } } } }), /guard is an inline function/],
    ['params as functions', () => machineOf({ id: 'm', initial: 'a', states: { a: { entry: { type: 'log', params: () => ({ m: 'x' }) } } } }), /params that are not JSON/],
    ['wildcards', () => machineOf({ id: 'm', initial: 'a', states: { a: { on: { '*': { actions: L('any') } } } } }), /state #m\.a on '\*': wildcard/],
    ['unimplemented delays', () => machineOf({ id: 'm', initial: 'a', states: { a: { after: { nope: 'a' } } } }), /state #m\.a after: delay 'nope' is not implemented/],
  ];
  it.each(bad)('%s', (_name, make, message) => {
    expect(() => compileMachine(make())).toThrow(CompileError);
    expect(() => compileMachine(make())).toThrow(message);
  });
});

describe('createMachineActor: one surface, either runtime', () => {
  it('runs the GPF the same on xstate and compact', () => {
    const runs = (['xstate', 'compact'] as const).map((runtime) => {
      const clock = new SimulatedClock();
      const actor = createMachineActor(gpfMachine, { input: gpfModel.replayInput({ now: () => gpfModel.epoch + clock.now() }), clock }, runtime);
      const out: AnyEventObject[] = [];
      actor.on('*', (e) => out.push(e));
      actor.start();
      for (const e of gpfModel.events(actor.getSnapshot() as never)) actor.send(e);
      clock.increment(60_000);
      const { value, context, status } = actor.getSnapshot();
      actor.stop();
      return { value, status, context: comparable(context), out };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]!.out.length).toBeGreaterThan(5);
  });
});

describe('the interpreter is ES5', () => {
  it('transpiles to ES5 with esbuild (which refuses to lower ES2015+ syntax) and uses no ES2015+ built-ins', async () => {
    const { readFileSync } = await import('node:fs');
    const { transform } = await import('esbuild');
    const source = readFileSync(new URL('../firmware/runtime/compact/interpreter.ts', import.meta.url), 'utf8');
    const { code } = await transform(source, { loader: 'ts', target: 'es5', format: 'esm' });
    const body = code.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    const banned = /\b(Map|Set|WeakMap|WeakSet|Symbol|Promise|Reflect|Proxy)\b|\b(Object\.(assign|is|entries|values|fromEntries)|Array\.(from|of)|Number\.isNaN)\b|\.(flat|flatMap|includes|find|findIndex|fill|startsWith|endsWith|padStart)\(/g;
    expect(body.match(banned)).toBeNull();
  });
});

describe('linkTable (board builds): refs by the key order of setup, names left out', () => {
  /** Every action and guard ref of a table, and every non-assign kind, as names. */
  function byName(table: Omit<StateTable, 'a' | 'g'>, a: readonly string[], g: readonly string[]): unknown {
    const ref = (names: readonly string[], r: Ref) => (typeof r === 'number' ? names[r] : [names[r[0]], r[1]]);
    const acts = (l: Ref[] | 0 | undefined) => (l ? l.map((r) => ref(a, r)) : []);
    const trans = (o: Record<string, TableTransition[]> | undefined) =>
      Object.entries(o ?? {}).map(([k, ts]) => [k, ts.map((t) => [t[0] === -1 ? null : ref(g, t[0]), acts(t[1]), t[2], t[3]])]);
    return {
      s: table.s.map((s) => [s[0], s[1], s[2], acts(s[3]), acts(s[4]), trans(s[5] || undefined), s[6], trans(s[7])]),
      e: table.e,
      k: Object.entries(table.k).map(([i, kind]) => [a[+i], kind]).sort(),
      i: table.i,
    };
  }
  for (const [name, machine] of [['GSME', gsmeMachine], ['GPF', gpfMachine], ['PPMID', ppmidMachine]] as const) {
    it(`${name}: the linked table names the same actions and guards everywhere`, () => {
      const table = compileMachine(machine);
      const impl = machine.implementations as { actions: object; guards: object };
      const actions = Object.keys(impl.actions);
      const guards = Object.keys(impl.guards);
      const linked = linkTable(table, actions, guards);
      expect(linked).not.toHaveProperty('a');
      expect(linked).not.toHaveProperty('g');
      expect(byName(linked, actions, guards)).toEqual(byName(table, table.a, table.g));
    });
  }

  it('refuses a name that is not among the implementations', () => {
    const table = compileMachine(gpfMachine);
    expect(() => linkTable(table, [], [])).toThrow(/linking: '.+' is not among the implementations/);
  });
});
