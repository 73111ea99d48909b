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
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, transition } from 'xstate';
import type { AnyStateMachine, AnyTransitionDefinition, EventObject, InspectionEvent } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getStateNodes } from 'xstate/graph';
import { ppmidMachine } from '../firmware/machines/ppmid.ts';
import type { PpmidEmitted, PpmidEvent } from '../firmware/machines/ppmid.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { GPF } from './support/ppmid-fake-gpf.ts';
import { active, eventsFor, graphOptions, input, key } from './support/ppmid-model.ts';
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
  const options = graphOptions;
  const paths: Path[] = getShortestPaths(ppmidMachine, options as never) as Path[];
  const nodes = getStateNodes(ppmidMachine);

  it('keeps the screen consistent with the regions across every transition of the model', () => {
    const map = getAdjacencyMap(ppmidMachine as AnyStateMachine, options as never) as unknown as Record<string, { state: Snap; transitions: Record<string, { event: EventObject; state: Snap }> }>;
    let edges = 0;
    const bad: string[] = [];
    for (const { state, transitions } of Object.values(map)) {
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
    const taken = new Set<AnyTransitionDefinition>();
    const inspect = (e: InspectionEvent) => {
      if (e.type === '@xstate.microstep') for (const t of e._transitions) taken.add(t);
    };
    const mismatches: string[] = [];
    let edges = 0;
    for (const path of paths) {
      const actor = createActor(ppmidMachine, { input, clock: new SimulatedClock(), inspect });
      actor.start();
      let ok = true;
      for (const step of path.steps.slice(1)) {
        actor.send(step.event as EventObject as PpmidEvent);
        if (key(actor.getSnapshot()) !== key(step.state)) {
          mismatches.push(path.steps.map((x) => x.event.type).join(' → '));
          ok = false;
          break;
        }
      }
      if (ok) {
        // Each edge: a fresh actor restored from this state, one event, compared with the model.
        const here = actor.getSnapshot();
        const persisted = actor.getPersistedSnapshot();
        for (const event of eventsFor(here)) {
          edges++;
          const [expected] = transition(ppmidMachine, here, event);
          const fork = createActor(ppmidMachine, { input, clock: new SimulatedClock(), snapshot: persisted, inspect });
          fork.start();
          fork.send(event);
          if (key(fork.getSnapshot()) !== key(expected)) mismatches.push(`${path.steps.map((x) => x.event.type).join(' → ')} → ${event.type}`);
          const v = invariantViolations(fork.getSnapshot());
          if (v.length) mismatches.push(`${event.type}: ${v.join(', ')}`);
          fork.stop();
        }
      }
      actor.stop();
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(edges).toBeGreaterThan(1000);
    const all = [ppmidMachine.root, ...nodes].flatMap((n) => [...n.transitions.values()].flat());
    const untaken = all.filter((t) => !taken.has(t)).map((t) => `${t.source.id} --${t.eventType}--> ${t.target?.map((n) => n.id).join(',') ?? '(none)'}`);
    expect(untaken).toEqual([]);
    // About 75 s alone on two cores since the top-up lifecycle (2,544 paths, was 1,500).
  }, 240_000);

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
