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
import type { StatePath } from 'xstate/graph';
import { ppmidMachine } from '../firmware/machines/ppmid.ts';
import type { PpmidContext, PpmidEmitted, PpmidEvent } from '../firmware/machines/ppmid.ts';
import { pollReads } from '../firmware/machines/ppmid-logic.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { ZclGeneralCommand, ZclStatus } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { BASE, CS, FakeGpf, GPF, MIN, OTHER, PPMID } from './support/ppmid-fake-gpf.ts';

const NOW = BASE;
const hw = { now: () => NOW };
const input = { eui: PPMID, peers: { gpf: GPF }, firmware: 'secmp0015' as const, clock: hw, seed: 7 };

interface DataSet {
  name: string;
  snapshot?: number | 'invalid' | 'unsupported';
  prepay?: { credit: number; ec: number; status: number; debt: number } | null;
  timeStatus?: number;
}

const DATA_SETS: DataSet[] = [
  { name: 'fresh' },
  { name: 'late', snapshot: NOW - 40 * MIN },
  { name: 'stale', snapshot: NOW - 3 * 60 * MIN },
  { name: 'future', snapshot: NOW + 60 * MIN },
  { name: 'invalid', snapshot: 'invalid' },
  { name: 'unsupported', snapshot: 'unsupported' },
  { name: 'noPrepay', prepay: null },
  { name: 'unsynced', timeStatus: 0 },
  { name: 'effects', prepay: { credit: 22.34, ec: 5, status: CS.ecSelected | CS.ecInUse, debt: 0 } },
];

/** One fake GPF per data set; CurrentSummationDelivered = index + 1 tells which one a poll uses. */
const GPFS = DATA_SETS.map((d, i) => {
  const g = new FakeGpf(() => NOW);
  g.standard(NOW - 10 * MIN);
  g.setMetering({ summation: i + 1 });
  if (d.snapshot !== undefined) g.setSnapshot(d.snapshot);
  if (d.prepay === null) for (const id of [1, 2, 3, 5]) g.set(0x0705, id, undefined);
  else if (d.prepay) g.setPrepay(d.prepay);
  if (d.timeStatus !== undefined) g.timeStatus = d.timeStatus;
  return g;
});

const FRESH = 1;
const EFFECTS = DATA_SETS.findIndex((d) => d.name === 'effects') + 1;

type Snap = ReturnType<typeof ppmidMachine.transition>;

const AFTER_EVENTS = getStateNodes(ppmidMachine).flatMap((n) => n.after.map((t) => ({ node: n, type: t.eventType })));

function valueOf(path: string[]): unknown {
  return path.reduceRight<unknown>((acc, key) => (acc === undefined ? key : { [key]: acc }), undefined);
}

const active = (s: Snap, path: string[]): boolean => s.matches(valueOf(path) as never);

function readResponse(g: FakeGpf, clusterId: number, seq: number, ids: number[]): PpmidEvent {
  const request: ZclFrame = {
    header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: seq, commandId: ZclGeneralCommand.readAttributes },
    command: { kind: 'readAttributes', attributeIds: ids },
  };
  return { type: 'HAN_FRAME', src: GPF, clusterId, frame: g.answer(clusterId, request)! };
}

function ack(seq: number, commandId: number, status: number): PpmidEvent {
  return {
    type: 'HAN_FRAME',
    src: GPF,
    clusterId: 0x0705,
    frame: {
      header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.defaultResponse },
      command: { kind: 'defaultResponse', commandId, status },
    },
  };
}

/** The events the model offers in a state (kept to what can happen in that state, in time order). */
function eventsFor(s: Snap): PpmidEvent[] {
  const c: PpmidContext = s.context;
  const events: PpmidEvent[] = [];
  const commandsIdle = active(s, ['emergencyCredit', 'idle']) && active(s, ['topUp', 'idle']);
  if (active(s, ['poll', 'cycle', 'requesting'])) {
    const first = c.outstanding[0];
    if (first) {
      const ids = pollReads(c).find(([cluster]) => cluster === first.clusterId)?.[1] ?? [];
      if (first.clusterId === 0x0702) {
        // A new poll: the GPF answers from one data set. To keep the graph small, any data set
        // only after a fresh one (or none) and while no command is pending; otherwise back to
        // fresh, the same one again, or the effects of a command.
        const current = c.data.summation;
        GPFS.forEach((g, i) => {
          const id = i + 1;
          const any = commandsIdle && (current === null || current === FRESH);
          if (any || id === FRESH || id === current || id === EFFECTS) events.push(readResponse(g, first.clusterId, first.seq, ids));
        });
      } else {
        const g = GPFS[(c.data.summation ?? 1) - 1]!;
        events.push(readResponse(g, first.clusterId, first.seq, ids));
      }
      // A frame from a stranger changes nothing.
      events.push({ type: 'HAN_FRAME', src: OTHER, clusterId: 0x0705, frame: (readResponse(GPFS[0]!, 0x0705, first.seq, [1]) as { frame: ZclFrame }).frame });
    }
  }
  if (active(s, ['poll', 'cycle', 'waiting']) && c.pollIndex === 1) {
    // A late answer from the GPF (no read outstanding): logged, nothing else.
    events.push(readResponse(GPFS[0]!, 0x0705, (c.seq + 100) & 0xff, [1]));
  }
  if (active(s, ['poll', 'cycle', 'waiting']) && c.data.summation === FRESH && c.failures === 0) {
    events.push({ type: 'BUTTON', action: 'activateEc' }, { type: 'BUTTON', action: 'topUp', amount: 10 }, { type: 'BUTTON', action: 'topUp' });
  }
  if (c.pendingEc && active(s, ['emergencyCredit', 'pending', 'sent'])) {
    events.push(ack(c.pendingEc.seq, 0x00, ZclStatus.SUCCESS), ack(c.pendingEc.seq, 0x00, ZclStatus.FAILURE));
  }
  if (c.pendingTopUp && active(s, ['topUp', 'pending', 'sent'])) {
    events.push(ack(c.pendingTopUp.seq, 0x04, ZclStatus.SUCCESS), ack(c.pendingTopUp.seq, 0x04, ZclStatus.NOT_AUTHORIZED));
  }
  for (const { node, type } of AFTER_EVENTS) {
    if (!active(s, node.path)) continue;
    // A poll times out here only when nothing was answered (partial polls: ppmid.test.ts).
    if (type.includes('responseTimeout.ppmid.poll') && c.answered.length > 0) continue;
    // The next poll starts only after this one has ended and any command has been answered.
    if (type.includes('pollInterval') && (!active(s, ['poll', 'cycle', 'waiting']) || active(s, ['emergencyCredit', 'pending', 'sent']) || active(s, ['topUp', 'pending', 'sent']))) continue;
    events.push({ type } as unknown as PpmidEvent);
  }
  return events;
}

function key(s: Snap): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.data,
    Math.min(c.failures, c.config.hanLostAfter),
    c.outstanding.length,
    c.lastPollResult,
    c.snapshotMs,
    c.candidate?.ms ?? null,
    c.prepayKeyAtStart,
    c.pendingEc ? c.lastPrepayPoll > c.pendingEc.afterPoll : null,
    c.pendingTopUp ? c.lastPrepayPoll > c.pendingTopUp.afterPoll : null,
    c.changeSeenHw !== null,
    c.clockSynced,
    c.timeSet,
  ]);
}

type Path = StatePath<Snap, PpmidEvent>;

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
  if (s.matches({ topUp: 'pending' }) !== sc.pending.includes('topUp')) v.push('top-up pending mark');
  if (s.matches({ emergencyCredit: 'pending' }) !== (c.pendingEc !== null)) v.push('pendingEc context');
  if (s.matches({ topUp: 'pending' }) !== (c.pendingTopUp !== null)) v.push('pendingTopUp context');
  if (s.matches({ poll: { cycle: 'requesting' } }) !== c.outstanding.length > 0) v.push('outstanding reads');
  if (c.outbox.length > 0) v.push('outbox not flushed');
  return v;
}

describe('ppmid model (xstate/graph)', () => {
  const options = {
    input,
    events: (s: unknown) => eventsFor(s as Snap),
    serializeState: (s: unknown) => key(s as Snap),
  };
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
    expect(nodes.length).toBe(26);
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
  });

  for (const node of nodes) {
    it(`replays a shortest path to ${node.id} on an actor`, () => {
      const path = paths.filter((p) => active(p.state, node.path)).sort((a, b) => a.steps.length - b.steps.length)[0];
      expect(path, `no path to ${node.id}`).toBeDefined();
      const actor = createActor(ppmidMachine, { input, clock: new SimulatedClock() });
      let screen: ScreenModel | null = null;
      let state: Record<string, unknown> | null = null;
      const out: PpmidEmitted[] = [];
      actor.on('*', (e) => out.push(e));
      actor.on('screen', (e) => (screen = e.screen));
      actor.on('state', (e) => (state = e.state));
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
        expect(snap.matches({ topUp: 'pending' }), `${what}: top-up pending mark`).toBe(sc.pending.includes('topUp'));
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
