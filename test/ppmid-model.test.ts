/**
 * Model-based test of the ppmid machine with `xstate/graph`: shortest paths over the machine's
 * own transition function, driven by a GPF that answers each read from one of a few data sets
 * (fresh, late, stale, future, 0xFFFFFFFF, 0x86, no prepayment data, unsynchronised time, and
 * "commands took effect"), plus buttons, command acknowledgements and the delayed events. For
 * every state node the shortest path reaching it is replayed on a real actor under a
 * SimulatedClock; after each step the actor must be in the path's state and its outputs must
 * agree with its state (screen freshness ↔ display region, HAN lost ↔ link region, pending marks
 * ↔ command regions, everything flushed, every frame to the GPF).
 *
 * Time stands still here (the device clock is fixed, so traversal and replay see the same
 * context); delayed transitions are taken by sending their `xstate.after.*` event. The timing
 * itself (thresholds, timeouts, poll period) is covered by ppmid.test.ts under a moving clock.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assign, createActor, SimulatedClock } from 'xstate';
import type { Actor, AnyEventObject, AnyTransitionDefinition, EventObject, InspectionEvent } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { ppmidMachine } from '../firmware/machines/ppmid.ts';
import type { PpmidEmitted, PpmidEvent } from '../firmware/machines/ppmid.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { GPF } from './support/ppmid-fake-gpf.ts';
import { forkActor, nodeOrder, pureTransition } from './support/actor-fork.ts';
import { active, eventsFor, input, key, ppmidGraph } from './support/ppmid-model.ts';
import { childFor, describeNode, eventsTo, prefixRoot, walkPrefixTree } from './support/prefix-tree.ts';
import type { PrefixNode } from './support/prefix-tree.ts';
import type { Path, Snap } from './support/ppmid-model.ts';
import { onEmitted } from './support/emitted.ts';

/** What must hold in every state: the screen in context agrees with the regions. */
function invariantViolations(s: Snap): string[] {
  const c = s.context;
  const sc = c.screen;
  if (sc === null) return ['no screen'];
  const v: string[] = [];
  const display = s.value.display;
  if (sc.freshness !== display) v.push(`screen ${sc.freshness} vs display ${display}`);
  if (s.matches({ link: 'lost' }) !== (sc.freshness === 'hanLost')) v.push('link lost vs hanLost');
  if (s.matches({ emergencyCredit: 'pending' }) !== sc.pending.includes('activateEc')) v.push('EC pending mark');
  const topUpOnItsWay = s.matches({ topUp: 'sent' }) || s.matches({ topUp: 'atHub' });
  if (topUpOnItsWay !== sc.pending.includes('topUp')) v.push('top-up pending mark');
  if (topUpOnItsWay && c.pendingTopUp?.status !== (s.matches({ topUp: 'sent' }) ? 'sent' : 'atHub')) v.push('top-up status vs region');
  if ((c.pendingTopUp !== null) !== (sc.topUp !== undefined)) v.push('top-up line');
  if (s.matches({ emergencyCredit: 'pending' }) !== (c.pendingEc !== null)) v.push('pendingEc context');
  if (topUpOnItsWay && c.pendingTopUp === null) v.push('pendingTopUp context');
  if (s.matches({ poll: { cycle: 'requesting' } }) !== c.outstanding.length > 0) v.push('outstanding reads');
  if (c.outbox.length > 0) v.push('outbox not flushed');
  return v;
}

describe('ppmid model (xstate/graph)', () => {
  const { adjacency, paths } = ppmidGraph();
  const nodes = getStateNodes(ppmidMachine);

  it('keeps the screen consistent with the regions across every transition of the model', () => {
    let edges = 0;
    const bad: string[] = [];
    for (const { state, transitions } of Object.values(adjacency)) {
      for (const t of Object.values(transitions)) {
        edges++;
        const v = invariantViolations(t.state);
        if (v.length) bad.push(`${JSON.stringify(state.value)} --${t.event.type}--> ${v.join(', ')}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(edges).toBeGreaterThan(1000);
  });

  it('reaches every state node', () => {
    const uncovered = nodes.filter((n) => !paths.some((p) => active(p.state, n.path)));
    expect(uncovered.map((n) => n.id)).toEqual([]);
    expect(nodes.length).toBe(25);
  });

  it('replays every model path and every edge out of it on actors: same states; every transition taken', () => {
    const r = replayModel(ppmidMachine);
    expect(r.mismatches.slice(0, 3)).toEqual([]);
    expect(r.edges).toBeGreaterThan(1000);
    expect(r.forksChecked).toBeGreaterThan(5);
    const all = [ppmidMachine.root, ...nodes].flatMap((n) => [...n.transitions.values()].flat());
    const untaken = all.filter((t) => !r.taken.has(t)).map((t) => `${t.source.id} --${t.eventType}--> ${t.target?.map((n) => n.id).join(',') ?? '(none)'}`);
    expect(untaken).toEqual([]);
  }, 120_000); // about 3 s alone on two cores

  it('the replay catches a machine that goes wrong deep in a path (a top-up settled at the hub without its action)', () => {
    const broken = ppmidMachine.provide({ actions: { settleTopUp: assign({}) } });
    const r = replayModel(broken, { stopAtFirstMismatch: true });
    expect(r.mismatches).toHaveLength(1);
    expect(r.mismatches[0]!.split(' → ').length).toBeGreaterThan(6);
  });

  /**
   * Every path (on actors of `machine`), compared with the model after every step, and every edge
   * out of a path's end (a copy of the actor, one event) compared with XState's pure transition.
   * The paths as a prefix tree (a shortest path is its predecessor's path + one event): each
   * distinct step is taken once, by an actor that took the steps before it or by a copy of one
   * (support/actor-fork.ts; every 50th copy checked against an actor replaying from the start).
   */
  function replayModel(machine: typeof ppmidMachine, o: { stopAtFirstMismatch?: boolean } = {}) {
    const taken = new Set<AnyTransitionDefinition>();
    const inspect = (e: InspectionEvent) => {
      if (e.type === '@xstate.microstep') for (const t of e._transitions) taken.add(t);
    };
    const mismatches: string[] = [];
    let edges = 0;
    const root = prefixRoot();
    const expected = new Map<PrefixNode, Snap>();
    const ends = new Set<PrefixNode>();
    for (const path of paths) {
      let node = root;
      for (const step of path.steps.slice(1)) {
        node = childFor(node, step.event as EventObject as AnyEventObject);
        if (!expected.has(node)) expected.set(node, step.state);
      }
      ends.add(node);
    }
    interface At { actor: Actor<typeof ppmidMachine>; clock: SimulatedClock }
    const fresh = (): At => {
      const clock = new SimulatedClock();
      const actor = createActor(machine, { input, clock, inspect });
      actor.start();
      return { actor, clock };
    };
    let forks = 0;
    let forksChecked = 0;
    const next = pureTransition(machine, input);
    walkPrefixTree<At>(root, fresh(), {
      branch: (at, node) => {
        const fork = forkActor(at.actor, at.clock, { input, inspect });
        fork.actor.start();
        if (++forks % 50 === 0) {
          forksChecked++;
          const replayed = fresh();
          for (const event of eventsTo(node)) replayed.actor.send(event as PpmidEvent);
          const [a, b] = [fork.actor.getSnapshot(), replayed.actor.getSnapshot()];
          if (key(a) !== key(b) || nodeOrder(a) !== nodeOrder(b) || !isDeepStrictEqual(a.context, b.context)) mismatches.push(`copy at ${describeNode(node)} vs a replay`);
          replayed.actor.stop();
        }
        return fork;
      },
      step: (at, node) => {
        at.actor.send(node.event as PpmidEvent);
        if (key(at.actor.getSnapshot()) === key(expected.get(node)!)) return true;
        mismatches.push(describeNode(node));
        return false;
      },
      enter: (at, node) => {
        if (!ends.has(node)) return;
        // Each edge: a fresh actor restored from this state, one event, compared with the model.
        const here = at.actor.getSnapshot();
        const persisted = at.actor.getPersistedSnapshot();
        for (const event of eventsFor(here)) {
          edges++;
          const expected = next(here, event);
          const fork = createActor(machine, { input, clock: new SimulatedClock(), snapshot: persisted, inspect });
          fork.start();
          fork.send(event);
          if (key(fork.getSnapshot()) !== key(expected)) mismatches.push(`${describeNode(node)} → ${event.type}`);
          const v = invariantViolations(fork.getSnapshot());
          if (v.length) mismatches.push(`${describeNode(node)} → ${event.type}: ${v.join(', ')}`);
          fork.stop();
        }
      },
      done: (at) => at.actor.stop(),
      stop: () => !!o.stopAtFirstMismatch && mismatches.length > 0,
    });
    return { mismatches, edges, forksChecked, taken };
  }

  for (const node of nodes) {
    it(`replays a shortest path to ${node.id} on an actor`, () => {
      const path = paths.filter((p) => active(p.state, node.path)).sort((a, b) => a.steps.length - b.steps.length)[0];
      expect(path, `no path to ${node.id}`).toBeDefined();
      const actor = createActor(ppmidMachine, { input, clock: new SimulatedClock() });
      let screen: ScreenModel | null = null;
      let state: Record<string, unknown> | null = null;
      const out: PpmidEmitted[] = [];
      onEmitted(actor, '*', (e) => out.push(e));
      onEmitted(actor, 'screen', (e) => (screen = e.screen));
      onEmitted(actor, 'state', (e) => (state = e.state));
      actor.start();

      const check = (expected: Snap, what: string) => {
        const snap = actor.getSnapshot();
        expect(snap.value, what).toEqual(expected.value);
        const c = snap.context;
        expect(c.outbox, `${what}: everything emitted`).toEqual([]);
        expect(screen, what).not.toBeNull();
        const sc = screen as unknown as ScreenModel;
        const displayState = snap.value.display;
        expect(sc.freshness, `${what}: screen vs display region`).toBe(displayState);
        expect((state as Record<string, unknown> | null)?.['freshness'], `${what}: state emit`).toBe(displayState);
        expect(snap.matches({ link: 'lost' }), `${what}: link lost ↔ hanLost`).toBe(sc.freshness === 'hanLost');
        expect(snap.matches({ emergencyCredit: 'pending' }), `${what}: EC pending mark`).toBe(sc.pending.includes('activateEc'));
        expect(snap.matches({ topUp: 'sent' }) || snap.matches({ topUp: 'atHub' }), `${what}: top-up pending mark`).toBe(sc.pending.includes('topUp'));
        expect(snap.matches({ poll: { cycle: 'requesting' } }), `${what}: reads outstanding`).toBe(c.outstanding.length > 0);
        expect(sc.lines.length).toBeGreaterThan(0);
      };

      const steps = path!.steps;
      // steps[0] is the initial state (its event is xstate.init).
      check(steps[0]!.state, 'initial');
      for (let i = 1; i < steps.length; i++) {
        const step = steps[i]!;
        actor.send(step.event as EventObject as PpmidEvent);
        check(step.state, `step ${i} (${step.event.type})`);
      }
      expect(active(actor.getSnapshot(), node.path)).toBe(true);
      for (const e of out) if (e.type === 'han.send') expect(e.dst).toBe(GPF);
      actor.stop();
    });
  }
});
