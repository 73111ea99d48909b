/**
 * Model-based testing helper for the device machines (xstate/graph).
 *
 * 1. Traverses the machine purely (`getShortestPaths`) with a small event set, including the
 *    `xstate.after.*` delay events, keyed by `serialize` (state value + a few context flags) so
 *    the graph is finite.
 * 2. For the path to every reachable key, and every edge out of it (path + one event): folds the
 *    pure `transition` over the events (the model) and checks it reaches the key the graph
 *    promised; replays the events on a real actor under a SimulatedClock, a delay event by
 *    advancing the clock by the delay so the real timers fire the transition; after every step
 *    the real actor's key must equal the model's.
 * 3. Reports which state nodes were reached and which transitions (guard branches included) the
 *    real actors took (from `@xstate.microstep` inspection events).
 */
import { createActor, initialTransition, SimulatedClock, transition } from 'xstate';
import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine, AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import { eventKey } from './support/prefix-tree.ts';

export interface ModelOptions<TInput> {
  machine: AnyStateMachine;
  /** Input for the pure traversal (its clock may be a fixed one). */
  input: TInput;
  /** Input for a replay actor, given the hardware clock reading simulated time. */
  replayInput: (clock: { now(): number }) => TInput;
  /** Events other than delays; the active states' `xstate.after.*` events are added. */
  events: (snapshot: AnyMachineSnapshot) => AnyEventObject[];
  serialize: (snapshot: AnyMachineSnapshot) => string;
  /**
   * The concrete event for a model event in a given snapshot (e.g. a Default Response carrying the
   * sequence number that snapshot waits for). Used on both sides; default: the event itself.
   */
  materialize?: (event: AnyEventObject, snapshot: AnyMachineSnapshot) => AnyEventObject;
  /** Milliseconds to advance for a named delay, from the real actor's context. */
  delayMs: (delay: string, context: unknown) => number;
  epoch: number;
}

export interface ModelResult {
  keys: string[];
  edges: number;
  mismatches: string[];
  reachedStateNodeIds: Set<string>;
  allStateNodeIds: string[];
  takenTransitions: Set<AnyTransitionDefinition>;
  allTransitions: AnyTransitionDefinition[];
}

/** The delay events of the active state nodes: the only timers running in a real actor. */
export function activeAfterEvents(snapshot: AnyMachineSnapshot): AnyEventObject[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes) for (const t of node.after) types.add(t.eventType);
  return [...types].map((type) => ({ type }));
}

/** One replay: the events from the initial state (the first is `xstate.init`) and the model's key after each. */
export interface ModelRun {
  events: AnyEventObject[];
  keys: string[];
}

export interface ModelEnumeration {
  /** The path to every reachable key, then every edge out of it (the path + one event). */
  runs: ModelRun[];
  keys: string[];
  edges: number;
  /** Paths on which the pure model does not reach the key the graph promised. */
  mismatches: string[];
}

/** `xstate.after.<delay>.<state id>` → delay name; null for any other event. */
export function afterDelayName(type: string): string | null {
  if (!type.startsWith('xstate.after.')) return null;
  return type.slice('xstate.after.'.length).split('.')[0] ?? null;
}

/** Steps 1 and 2 without the real actors: every path and edge the model test replays. */
export function enumerateModel<TInput>(o: ModelOptions<TInput>): ModelEnumeration {
  const materialize = o.materialize ?? ((e: AnyEventObject) => e);
  const events = (s: AnyMachineSnapshot): AnyEventObject[] => [...o.events(s).map((e) => materialize(e, s)), ...activeAfterEvents(s)];
  const paths = getShortestPaths(o.machine, { input: o.input, events: (s) => events(s as AnyMachineSnapshot), serializeState: (s) => o.serialize(s as AnyMachineSnapshot) });

  const mismatches: string[] = [];
  const [initial] = initialTransition(o.machine, o.input);

  /**
   * The model's side: the pure transition function folded over the path (the graph keeps one
   * representative snapshot per key, so a path's `state` need not be the snapshot its own events
   * lead to). Returns the key after each event and the final snapshot.
   *
   * `transition` is pure, so a prefix folds to the same snapshot wherever it appears: each fold
   * starts from the longest prefix already folded (a path is its predecessor's path + one event,
   * an edge its path + one), so the GSME's 2,442 runs cost 2,221 transitions instead of 18,038.
   */
  interface Folded { state: AnyMachineSnapshot; key: string; next: Map<string, Folded> }
  const folded: Folded = { state: initial as AnyMachineSnapshot, key: '', next: new Map() };
  const fold = (events: AnyEventObject[]): { keys: string[]; state: AnyMachineSnapshot } => {
    let at = folded;
    const keys: string[] = [];
    for (const event of events) {
      const id = eventKey(event);
      let next = at.next.get(id);
      if (!next) {
        const state = event.type === 'xstate.init' ? at.state : (transition(o.machine, at.state, materialize(event, at.state))[0] as AnyMachineSnapshot);
        next = { state, key: o.serialize(state), next: new Map() };
        at.next.set(id, next);
      }
      keys.push(next.key);
      at = next;
    }
    return { keys, state: at.state };
  };

  const runs: ModelRun[] = [];
  const keys: string[] = [];
  let edges = 0;
  for (const path of paths) {
    const key = o.serialize(path.state as AnyMachineSnapshot);
    keys.push(key);
    const pathEvents = path.steps.map((s) => s.event as AnyEventObject);
    const model = fold(pathEvents);
    if (model.keys.at(-1) !== key) mismatches.push(`model: ${describeEvents(pathEvents)} should reach ${key}, reaches ${model.keys.at(-1)}`);
    runs.push({ events: pathEvents, keys: model.keys });
    for (const event of events(model.state)) {
      edges++;
      const edge = fold([...pathEvents, event]);
      runs.push({ events: [...pathEvents, event], keys: edge.keys });
    }
  }
  return { runs, keys, edges, mismatches };
}

function describeEvents(events: AnyEventObject[]): string {
  return events.map((e) => e.type).join(' → ');
}

export function runModel<TInput>(o: ModelOptions<TInput>): ModelResult {
  const materialize = o.materialize ?? ((e: AnyEventObject) => e);
  const { runs, keys, edges, mismatches } = enumerateModel(o);
  const reached = new Set<string>();
  const taken = new Set<AnyTransitionDefinition>();

  /** The real side: an actor under a SimulatedClock; delays replayed by advancing the clock. */
  const replay = (events: AnyEventObject[], keys: string[]): void => {
    const clock = new SimulatedClock();
    const hw = { now: () => o.epoch + clock.now() };
    const actor = createActor(o.machine, {
      clock,
      input: o.replayInput(hw),
      inspect: (e: InspectionEvent) => {
        if (e.type === '@xstate.microstep') for (const t of e._transitions) taken.add(t);
      },
    });
    actor.start();
    events.forEach((event, i) => {
      const delay = afterDelayName(event.type);
      if (event.type === 'xstate.init') {
        // The path's first step is the initial snapshot: actor.start() above.
      } else if (delay === null) actor.send(materialize(event, actor.getSnapshot()));
      else clock.increment(o.delayMs(delay, actor.getSnapshot().context));
      const got = o.serialize(actor.getSnapshot());
      if (got !== keys[i]) mismatches.push(`real actor, step ${i + 1} of ${describeEvents(events)}: expected ${keys[i]}, got ${got}`);
    });
    for (const node of actor.getSnapshot()._nodes) reached.add(node.id);
    actor.stop();
  };

  for (const run of runs) replay(run.events, run.keys);

  const nodes = getStateNodes(o.machine.root);
  const allTransitions = [o.machine.root, ...nodes].flatMap((n) => [...n.transitions.values()].flat());
  return { keys, edges, mismatches, reachedStateNodeIds: reached, allStateNodeIds: nodes.map((n) => n.id), takenTransitions: taken, allTransitions };
}

/** A readable name for a transition definition, for failure messages. */
export function describeTransition(t: AnyTransitionDefinition): string {
  const guard = t.guard === undefined ? '' : ` [${typeof t.guard === 'string' ? t.guard : typeof t.guard === 'object' && t.guard && 'type' in t.guard ? String(t.guard.type) : 'fn'}]`;
  const target = t.target?.map((n) => n.id).join(',') ?? '(none)';
  return `${t.source.id} --${t.eventType}${guard}--> ${target}`;
}
