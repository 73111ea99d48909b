/**
 * The ppmid's model for xstate/graph: a GPF that answers each read from one of a few data sets,
 * buttons, command acknowledgements and the delayed events, and the key that makes the graph
 * finite (see test/ppmid-model.test.ts). Shared by the model-based test and the compact runtime's
 * differential test.
 */
import { getAdjacencyMap, getShortestPaths, getStateNodes } from 'xstate/graph';
import type { StatePath } from 'xstate/graph';
import type { AnyStateMachine, EventObject } from 'xstate';
import { ppmidMachine } from '../../firmware/machines/ppmid.ts';
import type { PpmidContext, PpmidEvent } from '../../firmware/machines/ppmid.ts';
import { HELD_READ, pollReads } from '../../firmware/machines/ppmid-logic.ts';
import { HANLAB_MANUFACTURER_CODE, HELD_COMMANDS } from '../../firmware/machines/held-commands.ts';
import { ZclGeneralCommand, ZclStatus } from '../../firmware/zcl/index.ts';
import type { ZclFrame } from '../../firmware/zcl/index.ts';
import { BASE, CS, FakeGpf, GPF, MIN, OTHER, PPMID } from './ppmid-fake-gpf.ts';
import { encodeConsumerTopUpResponse, TopUpResult } from '../../firmware/machines/gsme-topup.ts';

/** A UTRN (any 20 digits: the PPMID checks only the form; the meter checks the MAC). */
export const MODEL_UTRN = '12345678901234567890';

/** The meter's ConsumerTopUpResponse to our top-up `seq`, forwarded by the GPF. */
function topUpResponse(seq: number, resultType: number): PpmidEvent {
  const payload = encodeConsumerTopUpResponse({ resultType, topUpValue: 0, source: 2, creditRemaining: 0 });
  return { type: 'HAN_FRAME', src: GPF, clusterId: 0x0705, frame: { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: 0x03 }, command: { kind: 'other', payload } } };
}

const NOW = BASE;
const hw = { now: () => NOW };
export const input = { eui: PPMID, peers: { gpf: GPF }, firmware: 'secmp0015' as const, clock: hw, seed: 7 };

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

export type Snap = ReturnType<typeof ppmidMachine.transition>;

const AFTER_EVENTS = getStateNodes(ppmidMachine).flatMap((n) => n.after.map((t) => ({ node: n, type: t.eventType })));

function valueOf(path: string[]): unknown {
  return path.reduceRight<unknown>((acc, key) => (acc === undefined ? key : { [key]: acc }), undefined);
}

export const active = (s: Snap, path: string[]): boolean => s.matches(valueOf(path) as never);

function readResponse(g: FakeGpf, clusterId: number, seq: number, ids: number[]): PpmidEvent {
  const request: ZclFrame = {
    header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: seq, commandId: ZclGeneralCommand.readAttributes },
    command: { kind: 'readAttributes', attributeIds: ids },
  };
  return { type: 'HAN_FRAME', src: GPF, clusterId, frame: g.answer(clusterId, request)! };
}

function heldResponse(g: FakeGpf, seq: number): PpmidEvent {
  const request: ZclFrame = {
    header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: seq, commandId: ZclGeneralCommand.readAttributes, manufacturerCode: HANLAB_MANUFACTURER_CODE },
    command: { kind: 'readAttributes', attributeIds: [HELD_COMMANDS] },
  };
  return { type: 'HAN_FRAME', src: GPF, clusterId: 0x0705, frame: g.answer(0x0705, request)! };
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
export function eventsFor(s: Snap): PpmidEvent[] {
  const c: PpmidContext = s.context;
  const events: PpmidEvent[] = [];
  // A top-up's outcome still shown counts as busy: any data set only with nothing of the customer's about.
  // A settled top-up (applied, or refused by the meter) only waits for pendingTimeout: fresh polls only.
  const settled = c.pendingTopUp !== null && (c.pendingTopUp.status === 'applied' || c.topUpRefused !== null);
  const commandsIdle = active(s, ['emergencyCredit', 'idle']) && active(s, ['topUp', 'idle']) && c.pendingTopUp === null;
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
          if (settled ? id === FRESH : any || id === FRESH || id === current || id === EFFECTS) events.push(readResponse(g, first.clusterId, first.seq, ids));
        });
      } else if (first.clusterId === HELD_READ) {
        // The GPF's HeldCommands: lists our top-up, lists nothing of ours, or is not served (to
        // keep the graph small: all three only at the hub; listed or not after a failure).
        const p = c.pendingTopUp;
        const answers = p === null ? [null] : p.status === 'atHub' ? (p.held === -1 ? [[p.seq], [], null] : p.held === -2 ? [null] : [[p.seq], []]) : p.status === 'failed' ? [[p.seq], []] : [null];
        for (const held of answers) {
          const g = new FakeGpf(() => NOW);
          g.held = held;
          events.push(heldResponse(g, first.seq));
        }
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
    // EC only with no top-up about (the graph stays small; both at once: ppmid.test.ts).
    if (c.pendingTopUp === null) events.push({ type: 'BUTTON', action: 'activateEc' }, { type: 'BUTTON', action: 'topUp' });
    events.push({ type: 'BUTTON', action: 'topUp', utrn: MODEL_UTRN });
  }
  if (c.pendingEc && active(s, ['emergencyCredit', 'pending', 'sent'])) {
    events.push(ack(c.pendingEc.seq, 0x00, ZclStatus.SUCCESS), ack(c.pendingEc.seq, 0x00, ZclStatus.FAILURE));
  }
  if (c.pendingTopUp && active(s, ['topUp', 'sent'])) {
    events.push(ack(c.pendingTopUp.seq, 0x04, ZclStatus.SUCCESS), ack(c.pendingTopUp.seq, 0x04, ZclStatus.NOT_AUTHORIZED));
  }
  if (c.pendingTopUp && active(s, ['topUp', 'atHub']) && c.data.summation === FRESH) {
    events.push(topUpResponse(c.pendingTopUp.seq, TopUpResult.rejectedDuplicate), topUpResponse(c.pendingTopUp.seq, TopUpResult.accepted));
  }
  for (const { node, type } of AFTER_EVENTS) {
    if (!active(s, node.path)) continue;
    // A poll times out here only when nothing was answered (partial polls: ppmid.test.ts).
    if (type.includes('responseTimeout.ppmid.poll') && (c.answered.length > 0 || settled)) continue;
    // The next poll starts only after this one has ended and any command has been answered.
    if (type.includes('pollInterval') && (!active(s, ['poll', 'cycle', 'waiting']) || active(s, ['emergencyCredit', 'pending', 'sent']) || active(s, ['topUp', 'sent']))) continue;
    events.push({ type } as unknown as PpmidEvent);
  }
  return events;
}

export function key(s: Snap): string {
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
    topUpKey(c),
    c.changeSeenHw !== null,
    c.clockSynced,
    c.timeSet,
  ]);
}

/**
 * The top-up's part of the key: once applied or refused by the meter, only that (nothing else about
 * it decides anything any more: no HeldCommands read, no effect watched).
 */
function topUpKey(c: PpmidContext): unknown {
  const p = c.pendingTopUp;
  if (p === null) return null;
  if (p.status === 'applied' || c.topUpRefused !== null || p.status === 'sent') return p.status;
  // Failed for a reason of the hub's: only whether the GPF lists it now matters (back at the hub).
  if (p.status === 'failed') return [p.status, p.held === 1];
  return [c.lastPrepayPoll > p.afterPoll, p.status, p.held, p.goneAt >= 0 && c.lastPrepayPoll > p.goneAt];
}

export type Path = StatePath<Snap, PpmidEvent>;

/** Options for `getShortestPaths` / `getAdjacencyMap` over `ppmidMachine`. */
export const graphOptions = {
  input,
  events: (s: unknown) => eventsFor(s as Snap),
  serializeState: (s: unknown) => key(s as Snap),
};

/** `getAdjacencyMap`'s answer: every key's representative snapshot and its transitions by event JSON. */
export type Adjacency = Record<string, { state: Snap; transitions: Record<string, { event: EventObject; state: Snap }> }>;

let graph: { adjacency: Adjacency; paths: Path[] } | undefined;

/**
 * The model's graph and its shortest paths, traversed once per test file. `getShortestPaths` makes
 * the same traversal as `getAdjacencyMap` (the same options, the same order) before its search;
 * given a machine whose `transition` answers from the map already made, that traversal is a
 * lookup (about 3 s of transitions saved) and the paths are the ones it would find on its own.
 */
export function ppmidGraph(): { adjacency: Adjacency; paths: Path[] } {
  if (graph) return graph;
  const adjacency = getAdjacencyMap(ppmidMachine as AnyStateMachine, graphOptions as never) as unknown as Adjacency;
  let misses = 0;
  const transition = (state: Snap, event: EventObject, scope: unknown): unknown => {
    const known = adjacency[key(state)]?.transitions[JSON.stringify(event)];
    if (known) return known.state;
    misses++;
    return (ppmidMachine.transition as (s: Snap, e: EventObject, scope: unknown) => unknown)(state, event, scope);
  };
  const paths = getShortestPaths(Object.create(ppmidMachine, { transition: { value: transition } }) as typeof ppmidMachine, graphOptions as never) as Path[];
  if (misses > 0) throw new Error(`ppmidGraph: getShortestPaths took ${misses} transitions getAdjacencyMap had not`);
  graph = { adjacency, paths };
  return graph;
}
