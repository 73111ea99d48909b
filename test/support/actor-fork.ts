/**
 * A copy of a running XState actor, for walks of a prefix tree (support/prefix-tree.ts): the copy
 * is where the original is, and goes on by itself, so that a branch of the tree need not replay
 * its prefix from the start.
 *
 * An XState actor is its snapshot (an immutable value: every step makes a new one), its timers
 * (the system's scheduled events) and its listeners. The copy is restored from the original's
 * persisted snapshot (so it starts without running the initial entry actions), then given the
 * original's snapshot itself: the restored one lists its state nodes in document order rather than
 * in the order they were entered, which decides the key order of later state values. Its timers
 * are the original's scheduled events, moved to the copy and started on its own clock at start().
 * That reaches into two internals (`_snapshot`, `system._snapshot._scheduledEvents`, XState 5.x);
 * tests using a copy check it now and then against an actor that replayed the prefix from the start.
 *
 * Only for clocks that stand still (the PPMID's model tests, which send `xstate.after.*` events
 * instead of moving time): a timer restarts with its whole delay.
 */
import { createActor, SimulatedClock } from 'xstate';
import type { Actor, AnyStateMachine, InspectionEvent } from 'xstate';

interface Scheduled {
  source: unknown;
  target: unknown;
  event: unknown;
  delay: number;
  id: string;
  startedAt: number;
}

interface Internals {
  _snapshot: unknown;
  sessionId: string;
  system: { _snapshot: { _scheduledEvents: Record<string, Scheduled> } };
}

/** An unstarted copy of `actor` (listeners are not copied), on a new SimulatedClock. */
export function forkActor<TMachine extends AnyStateMachine>(
  actor: Actor<TMachine>,
  clock: SimulatedClock,
  options: { input?: unknown; inspect?: (e: InspectionEvent) => void } = {},
): { actor: Actor<TMachine>; clock: SimulatedClock } {
  if (clock.now() !== 0) throw new Error('forkActor: the clock has moved, and a copy would restart its timers with their whole delay');
  const forkClock = new SimulatedClock();
  const fork = createActor(actor.logic, { ...options, clock: forkClock, snapshot: actor.getPersistedSnapshot() } as never) as Actor<TMachine>;
  const from = actor as unknown as Internals;
  const to = fork as unknown as Internals;
  to._snapshot = from._snapshot;
  const scheduled = to.system._snapshot._scheduledEvents;
  for (const e of Object.values(from.system._snapshot._scheduledEvents)) {
    if (e.source !== actor || e.target !== actor) throw new Error('forkActor: a timer between other actors');
    scheduled[`${to.sessionId}.${e.id}`] = { ...e, source: fork, target: fork };
  }
  return { actor: fork, clock: forkClock };
}

/** The ids of a snapshot's state nodes, in its own order (what later state values follow). */
export function nodeOrder(snapshot: unknown): string {
  return (snapshot as { _nodes: { id: string }[] })._nodes.map((n) => n.id).join(',');
}

/**
 * XState's pure `transition(machine, snapshot, event)` (the next snapshot; actions not executed),
 * with one inert actor scope for all calls: `transition` makes a new actor per call, and with it
 * the machine's initial snapshot (the PPMID's costs more than the step itself). The scope is what
 * `transition` makes (an unstarted actor's), taken once; its actions are dropped, as there.
 */
export function pureTransition<TMachine extends AnyStateMachine>(machine: TMachine, input?: unknown): (snapshot: ReturnType<TMachine['transition']>, event: Parameters<TMachine['transition']>[1]) => ReturnType<TMachine['transition']> {
  const scope = (createActor(machine, { input } as never) as unknown as { _actorScope: { actionExecutor: (action: unknown) => void; self: { _snapshot: unknown; _deferred: unknown[] } } })._actorScope;
  scope.actionExecutor = () => {};
  return (snapshot, event) => {
    scope.self._snapshot = snapshot;
    scope.self._deferred.length = 0;
    return machine.transition(snapshot, event, scope as never) as ReturnType<TMachine['transition']>;
  };
}
