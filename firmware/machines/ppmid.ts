import { assign, emit, raise, setup } from 'xstate';
import type { Freshness } from '../display/freshness.ts';
import { FLUSH } from './han-events.ts';
import type { FlushEvent, HanFrameEvent, LogEmitted, OutboxEmitted } from './han-events.ts';
import type { PpmidInput } from './ppmid-config.ts';
import {
  SELECT_EC,
  SUCCESS,
  TOP_UP,
  applyPollResponse,
  commandAckStatus,
  concludePoll,
  ecEffectSeen,
  freshnessOf,
  hanLost,
  initialPpmidContext,
  log,
  matchPollResponse,
  queued,
  refresh,
  sendSelectEmergencyCredit,
  refusalText,
  sendTopUp,
  settleTopUp,
  startPoll,
  topUpAcceptedByMeter,
  topUpAtHubNow,
  topUpCode,
  topUpInFlight,
  topUpRefusedByMeter,
  topUpResponseResult,
  topUpSettled,
  topUpTo,
} from './ppmid-logic.ts';
import { TOP_UP_HUB_REFUSED, TOP_UP_NO_ANSWER } from '../display/top-up-reasons.ts';
import { persistReading } from './ppmid-persist.ts';
import type { PpmidContext, PpmidEmitted } from './ppmid-logic.ts';

export { PPMID_DEFAULT_CONFIG, resolvePpmidConfig } from './ppmid-config.ts';
export type { PpmidConfig, PpmidFirmware, PpmidInput } from './ppmid-config.ts';
export type { PpmidContext, PpmidEmitted, ScreenEmitted } from './ppmid-logic.ts';

/** The customer at the PPMID. `utrn`: the top-up code keyed in (20 digits; spaces and dashes ignored). */
export interface ButtonEvent {
  type: 'BUTTON';
  action: 'activateEc' | 'topUp';
  utrn?: string;
}

/** Internal (raised): a poll has ended; link and pending-command regions take note. */
export interface PollDoneEvent {
  type: 'ppmid.pollDone';
}

/** Internal (raised): recompute the screen for `context.evalHw` and move the display region. */
export interface RefreshEvent {
  type: 'ppmid.refresh';
}

export type PpmidEvent = HanFrameEvent | ButtonEvent | FlushEvent | PollDoneEvent | RefreshEvent;

/** The display region's states, one per freshness (the order the refresh guards try them). */
export const DISPLAY_STATES: readonly Freshness[] = ['noData', 'fresh', 'late', 'stale', 'unknown', 'clockProblem', 'hanLost'] as const;

/** What a named action or guard is given. */
interface Args {
  context: PpmidContext;
  event: PpmidEvent;
}

type Pending = 'pendingEc' | 'pendingTopUp';

function isFrame(event: PpmidEvent): event is HanFrameEvent {
  return event.type === 'HAN_FRAME';
}

/** The event of an action that runs on HAN_FRAME only. */
function frameEvent(a: Args): HanFrameEvent {
  return a.event as HanFrameEvent;
}

function isButton(event: PpmidEvent, action: ButtonEvent['action']): event is ButtonEvent {
  return event.type === 'BUTTON' && event.action === action;
}

/** The GPF's status for our pending command (`pendingEc` / `pendingTopUp`), or null if this event is not its Default Response. */
function ack(a: Args, pending: Pending): number | null {
  const p = a.context[pending];
  return isFrame(a.event) && p !== null ? commandAckStatus(a.context, a.event, p.seq, pending === 'pendingEc' ? SELECT_EC : TOP_UP) : null;
}

/** Guard: the pending command's Default Response says SUCCESS (`accepted`) or anything else. */
const acked = (pending: Pending, accepted: boolean) => (a: Args) => {
  const s = ack(a, pending);
  return s !== null && (s === SUCCESS) === accepted;
};

/**
 * Action: queue one log entry (with `data` of the step, if given) and, with `drop`, clear that
 * pending command.
 */
const note = (level: LogEmitted['level'], message: string, data?: (a: Args) => Record<string, unknown>, drop?: Pending) =>
  assign<PpmidContext, PpmidEvent, undefined, PpmidEvent, never>((a) => {
    const r: Partial<PpmidContext> = { outbox: queued(a.context, [log(level, message, data && data(a))]) };
    if (drop) r[drop] = null;
    return r;
  });

const afterMs = (a: Args) => ({ afterMs: a.context.config.pendingTimeoutMs });

/** Action: the pending top-up failed for `reason` (a warning log says so). */
const failTopUp = (reason: string) =>
  assign<PpmidContext, PpmidEvent, undefined, PpmidEvent, never>((a) => {
    const r = topUpTo(a.context, 'failed', reason);
    r.outbox = queued(a.context, [log('warn', 'top-up failed', { reason, status: ack(a, 'pendingTopUp') })]);
    return r;
  });

/**
 * The PPMID (prepayment meter interface device): polls the GPF, shows the balance with the time
 * of the reading and how fresh it is, and sends the customer's EC activation and top-up.
 *
 * Regions (parallel):
 * - `poll`: every pollInterval a `cycle` sends the reads (`requesting`) and ends on the last
 *   answer or responseTimeout (`waiting`); the end raises `ppmid.pollDone` then `ppmid.refresh`.
 * - `link`: connecting → up ⇄ lost (hanLostAfter consecutive polls with no answer).
 * - `display`: one state per freshness, moved on every refresh (the screen says the same).
 * - `emergencyCredit`: idle → pending.sent → pending.awaitingEffect → idle, when a later read
 *   shows the effect, the GPF refuses the command, or pendingTimeout passes.
 * - `topUp` (docs/decisions.md "Top-up lifecycle"): idle → sent → atHub (the GPF acknowledged it)
 *   → idle with the outcome in context (applied, or failed with its reason): the meter's answer,
 *   or a poll that finds it no longer held by the GPF (HeldCommands) settles it; no timer drops
 *   it while the GPF holds it. A failure stays shown until the next code (or the GPF lists it
 *   after all: back to atHub); an applied top-up or the meter's refusal for pendingTimeout.
 * Output only through `emit`: the whole of `context.outbox` as one event per `machine.flush` (han-events.ts).
 *
 * `ppmidSetup` holds the named actions, guards and delays (XState's `setup`) apart from the state
 * structure (`ppmidMachine`): a compact board build takes these and the precompiled table, not the
 * machine.
 */
export const ppmidSetup = setup({
  // Types only: an empty object at run time.
  types: {} as { context: PpmidContext; events: PpmidEvent; input: PpmidInput; emitted: OutboxEmitted<PpmidEmitted> },
  actions: {
    startPoll: assign((a) => startPoll(a.context)),
    applyResponse: assign((a) => (isFrame(a.event) ? applyPollResponse(a.context, a.event, a.context.clock.now()) : {})),
    endPoll: assign((a) => concludePoll(a.context, a.context.clock.now())),
    stampNow: assign((a) => ({ evalHw: a.context.clock.now() })),
    refreshScreen: assign((a) => refresh(a.context)),
    persistReading: assign((a) => persistReading(a.context)),
    logForeignFrame: note('warn', 'not from our GPF: ignored', (a) => {
      const e = frameEvent(a);
      return { src: e.src, clusterId: e.clusterId };
    }),
    logUnexpectedFrame: note('info', 'unexpected GPF frame ignored', (a) => {
      const e = frameEvent(a);
      return { clusterId: e.clusterId, sequence: e.frame.header.sequence, kind: e.frame.command.kind };
    }),
    logHanLost: note('warn', 'HAN lost: GPF silent', (a) => ({ failedPolls: a.context.failures })),
    logHanRestored: note('info', 'HAN restored'),

    sendSelectEc: assign((a) => sendSelectEmergencyCredit(a.context, a.context.clock.now())),
    logEcAccepted: note('info', 'EC accepted by GPF'),
    logEcNoAck: note('info', 'EC: no GPF answer'),
    rejectEc: note('warn', 'GPF refused EC', (a) => ({ status: ack(a, 'pendingEc') }), 'pendingEc'),
    confirmEc: note('info', 'EC confirmed by meter', undefined, 'pendingEc'),
    expireEc: note('warn', 'EC: no effect seen, dropped', afterMs, 'pendingEc'),
    logEcAlreadyPending: note('info', 'EC already pending'),

    sendTopUp: assign((a) => {
      const e = a.event;
      const code = isButton(e, 'topUp') ? topUpCode(e.utrn) : { reason: '' };
      return typeof code === 'string' ? sendTopUp(a.context, code, a.context.clock.now()) : {};
    }),
    // Only after isTopUp: the event is a top-up button.
    logTopUpNotSent: assign((a) => {
      if (topUpInFlight(a.context)) return { outbox: queued(a.context, [log('warn', 'top-up already pending')]) };
      const code = topUpCode((a.event as ButtonEvent).utrn);
      return { outbox: queued(a.context, [log('warn', 'top-up not sent', { reason: typeof code === 'string' ? 'unknown' : code.reason })]) };
    }),
    /** The meter refused the code: the screen says why. */
    refuseTopUpByMeter: assign((a) => {
      const result = topUpResponseResult(a.context, frameEvent(a));
      const text = refusalText(result);
      const r = topUpTo(a.context, 'failed', text);
      r.topUpRefused = text;
      r.outbox = queued(a.context, [log('warn', 'top-up refused by meter', { result, reason: text })]);
      return r;
    }),
    applyTopUp: assign((a) => {
      const r = topUpTo(a.context, 'applied', '');
      r.outbox = queued(a.context, [log('info', 'top-up accepted by meter')]);
      return r;
    }),
    topUpAtHub: assign((a) => {
      const r = topUpTo(a.context, 'atHub', '');
      r.outbox = queued(a.context, [log('info', 'top-up at the hub')]);
      return r;
    }),
    failTopUpNoAnswer: failTopUp(TOP_UP_NO_ANSWER),
    failTopUpRefusedByHub: failTopUp(TOP_UP_HUB_REFUSED),
    settleTopUp: assign((a) => settleTopUp(a.context)),
    clearTopUp: assign(() => ({ pendingTopUp: null, topUpRefused: null })),

    raisePollDone: raise({ type: 'ppmid.pollDone' } as PollDoneEvent),
    raiseRefresh: raise({ type: 'ppmid.refresh' } as RefreshEvent),
    flush: raise(FLUSH),
    emitOutbox: emit((a) => ({ type: 'outbox' as const, items: a.context.outbox })),
    clearOutbox: assign(() => ({ outbox: [] })),
  },
  guards: {
    hasOutbox: (a) => a.context.outbox.length > 0,
    isForeignFrame: (a) => isFrame(a.event) && a.event.src !== a.context.gpf,
    isPollResponse: (a) => isFrame(a.event) && matchPollResponse(a.context, a.event) !== undefined,
    completesPoll: (a) => isFrame(a.event) && matchPollResponse(a.context, a.event) !== undefined && a.context.outstanding.length === 1,
    pollAnswered: (a) => a.context.lastPollResult !== 'failed',
    hanLostReached: (a) => hanLost(a.context),
    // The param is the freshness itself (not `{ freshness }`): shorter in the compiled table.
    freshnessIs: (a, freshness: Freshness) => freshnessOf(a.context) === freshness,

    isActivateEc: (a) => isButton(a.event, 'activateEc'),
    isEcAccepted: acked('pendingEc', true),
    isEcRejected: acked('pendingEc', false),
    ecEffectSeen: (a) => ecEffectSeen(a.context),

    isTopUp: (a) => isButton(a.event, 'topUp'),
    canSendTopUp: (a) => isButton(a.event, 'topUp') && typeof topUpCode(a.event.utrn) === 'string' && !topUpInFlight(a.context),
    isTopUpRefusedByMeter: (a) => isFrame(a.event) && topUpRefusedByMeter(a.context, a.event),
    isTopUpAcceptedByMeter: (a) => isFrame(a.event) && topUpAcceptedByMeter(a.context, a.event),
    isTopUpAccepted: acked('pendingTopUp', true),
    isTopUpRejected: acked('pendingTopUp', false),
    topUpSettled: (a) => topUpSettled(a.context),
    topUpAtHubNow: (a) => topUpAtHubNow(a.context),
    /** A GPF that cannot say what it holds: pendingTimeout ends the wait. */
    topUpHeldUnknown: (a) => a.context.pendingTopUp !== null && a.context.pendingTopUp.held === -2,
    /** An applied top-up or the meter's refusal is shown for pendingTimeout; other failures until the next code. */
    topUpNoticeEnds: (a) => a.context.pendingTopUp !== null && (a.context.pendingTopUp.status === 'applied' || a.context.topUpRefused !== null),
  },
  delays: {
    pollInterval: (a) => a.context.config.pollIntervalMs,
    responseTimeout: (a) => a.context.config.responseTimeoutMs,
    pendingTimeout: (a) => a.context.config.pendingTimeoutMs,
  },
});

/** The initial context (the machine's `context`), for either runtime. */
export const ppmidContext = ({ input }: { input: PpmidInput }): PpmidContext => initialPpmidContext(input);

// Pure: a bundle that imports only the setup and context above leaves the state structure out.
export const ppmidMachine = /* @__PURE__ */ ppmidSetup.createMachine({
  id: 'ppmid',
  type: 'parallel',
  context: ppmidContext,
  // The first screen ("Balance not available") goes out before the first poll.
  entry: ['stampNow', 'raiseRefresh', 'flush'],
  on: {
    // Root handlers run only when no region takes the event.
    'machine.flush': { guard: 'hasOutbox', actions: ['emitOutbox', 'clearOutbox'] },
    HAN_FRAME: [
      { guard: 'isForeignFrame', actions: ['logForeignFrame', 'flush'] },
      { actions: ['logUnexpectedFrame', 'flush'] },
    ],
  },
  states: {
    poll: {
      initial: 'cycle',
      states: {
        cycle: {
          initial: 'requesting',
          after: { pollInterval: { target: 'cycle', reenter: true } },
          states: {
            requesting: {
              entry: ['startPoll', 'flush'],
              on: {
                HAN_FRAME: [
                  { guard: 'completesPoll', target: 'waiting', actions: ['applyResponse', 'endPoll', 'persistReading', 'raisePollDone', 'raiseRefresh', 'flush'] },
                  { guard: 'isPollResponse', actions: ['applyResponse', 'flush'] },
                ],
              },
              after: { responseTimeout: { target: 'waiting', actions: ['endPoll', 'persistReading', 'raisePollDone', 'raiseRefresh', 'flush'] } },
            },
            waiting: {},
          },
        },
      },
    },
    link: {
      initial: 'connecting',
      states: {
        connecting: {
          on: {
            'ppmid.pollDone': [
              { guard: 'hanLostReached', target: 'lost' },
              { guard: 'pollAnswered', target: 'up' },
            ],
          },
        },
        up: { on: { 'ppmid.pollDone': { guard: 'hanLostReached', target: 'lost' } } },
        lost: {
          entry: ['logHanLost'],
          on: { 'ppmid.pollDone': { guard: 'pollAnswered', target: 'up', actions: ['logHanRestored'] } },
        },
      },
    },
    display: {
      initial: 'noData',
      on: {
        'ppmid.refresh': /* @__PURE__ */ DISPLAY_STATES.map((freshness) => ({
          guard: { type: 'freshnessIs' as const, params: freshness },
          target: `.${freshness}`,
          actions: ['refreshScreen' as const],
        })),
      },
      states: { noData: {}, fresh: {}, late: {}, stale: {}, unknown: {}, clockProblem: {}, hanLost: {} },
    },
    emergencyCredit: {
      initial: 'idle',
      states: {
        idle: { on: { BUTTON: { guard: 'isActivateEc', target: 'pending', actions: ['sendSelectEc', 'raiseRefresh', 'flush'] } } },
        pending: {
          initial: 'sent',
          after: { pendingTimeout: { target: 'idle', actions: ['expireEc', 'stampNow', 'raiseRefresh', 'flush'] } },
          on: {
            // Runs before the poll's refresh (raised after pollDone), so the screen drops the mark at once.
            'ppmid.pollDone': { guard: 'ecEffectSeen', target: 'idle', actions: ['confirmEc'] },
            BUTTON: { guard: 'isActivateEc', actions: ['logEcAlreadyPending', 'flush'] },
          },
          states: {
            sent: {
              on: {
                HAN_FRAME: [
                  { guard: 'isEcAccepted', target: 'awaitingEffect', actions: ['logEcAccepted', 'flush'] },
                  { guard: 'isEcRejected', target: '#ppmid.emergencyCredit.idle', actions: ['rejectEc', 'stampNow', 'raiseRefresh', 'flush'] },
                ],
              },
              after: { responseTimeout: { target: 'awaitingEffect', actions: ['logEcNoAck', 'flush'] } },
            },
            awaitingEffect: {},
          },
        },
      },
    },
    topUp: {
      initial: 'idle',
      on: {
        BUTTON: [
          { guard: 'canSendTopUp', target: '.sent', actions: ['sendTopUp', 'raiseRefresh', 'flush'] },
          { guard: 'isTopUp', actions: ['logTopUpNotSent', 'flush'] },
        ],
        // The meter's answer, forwarded by the GPF at the GSME's wake (in any state: an
        // acknowledgement lost on the way does not make the meter's answer less true).
        HAN_FRAME: [
          { guard: 'isTopUpRefusedByMeter', target: '.idle', actions: ['refuseTopUpByMeter', 'stampNow', 'raiseRefresh', 'flush'] },
          { guard: 'isTopUpAcceptedByMeter', target: '.idle', actions: ['applyTopUp', 'stampNow', 'raiseRefresh', 'flush'] },
        ],
      },
      states: {
        /** No top-up on its way; the last one's outcome (context.pendingTopUp) may be shown. */
        idle: {
          after: { pendingTimeout: { guard: 'topUpNoticeEnds', actions: ['clearTopUp', 'stampNow', 'raiseRefresh', 'flush'] } },
          // Runs before the poll's refresh (raised after pollDone).
          on: { 'ppmid.pollDone': { guard: 'topUpAtHubNow', target: 'atHub', actions: ['topUpAtHub'] } },
        },
        /** ConsumerTopUp sent: waiting for the GPF's Default Response. */
        sent: {
          on: {
            HAN_FRAME: [
              { guard: 'isTopUpAccepted', target: 'atHub', actions: ['topUpAtHub', 'stampNow', 'raiseRefresh', 'flush'] },
              { guard: 'isTopUpRejected', target: 'idle', actions: ['failTopUpRefusedByHub', 'stampNow', 'raiseRefresh', 'flush'] },
            ],
          },
          after: { responseTimeout: { target: 'idle', actions: ['failTopUpNoAnswer', 'stampNow', 'raiseRefresh', 'flush'] } },
        },
        /** The GPF holds it for the GSME: as long as its HeldCommands lists it. */
        atHub: {
          on: { 'ppmid.pollDone': { guard: 'topUpSettled', target: 'idle', actions: ['settleTopUp'] } },
          after: { pendingTimeout: { guard: 'topUpHeldUnknown', target: 'idle', actions: ['settleTopUp', 'stampNow', 'raiseRefresh', 'flush'] } },
        },
      },
    },
  },
});

export type PpmidMachine = typeof ppmidMachine;
