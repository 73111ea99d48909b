import { assign, emit, raise, setup } from 'xstate';
import { PrepaymentCommand, ZclStatus } from '../zcl/index.ts';
import type { Freshness } from '../display/freshness.ts';
import { FLUSH } from './han-events.ts';
import type { FlushEvent, HanFrameEvent } from './han-events.ts';
import type { PpmidInput } from './ppmid-config.ts';
import {
  applyPollResponse,
  commandAckStatus,
  concludePoll,
  ecEffectSeen,
  freshnessOf,
  hanLost,
  initialPpmidContext,
  log,
  matchPollResponse,
  refresh,
  sendSelectEmergencyCredit,
  sendTopUp,
  startPoll,
  topUpAmount,
  topUpEffectSeen,
} from './ppmid-logic.ts';
import type { PpmidContext, PpmidEmitted } from './ppmid-logic.ts';

export { PPMID_DEFAULT_CONFIG, resolvePpmidConfig } from './ppmid-config.ts';
export type { PpmidConfig, PpmidFirmware, PpmidInput } from './ppmid-config.ts';
export type { PpmidContext, PpmidEmitted, ScreenEmitted } from './ppmid-logic.ts';

/** The customer at the PPMID. `amount` (£) for a top-up. */
export interface ButtonEvent {
  type: 'BUTTON';
  action: 'activateEc' | 'topUp';
  amount?: number;
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

const POLL_DONE: PollDoneEvent = { type: 'ppmid.pollDone' };
const REFRESH: RefreshEvent = { type: 'ppmid.refresh' };

/** The display region's states, one per freshness (the order the refresh guards try them). */
export const DISPLAY_STATES: readonly Freshness[] = /* @__PURE__ */ Object.freeze(['noData', 'fresh', 'late', 'stale', 'unknown', 'clockProblem', 'hanLost'] as const);

function isFrame(event: PpmidEvent): event is HanFrameEvent {
  return event.type === 'HAN_FRAME';
}

function isButton(event: PpmidEvent, action: ButtonEvent['action']): event is ButtonEvent {
  return event.type === 'BUTTON' && event.action === action;
}

function ecAck(context: PpmidContext, event: PpmidEvent): number | null {
  return isFrame(event) ? commandAckStatus(context, event, context.pendingEc?.seq, PrepaymentCommand.SelectAvailableEmergencyCredit) : null;
}

function topUpAck(context: PpmidContext, event: PpmidEvent): number | null {
  return isFrame(event) ? commandAckStatus(context, event, context.pendingTopUp?.seq, PrepaymentCommand.ConsumerTopUp) : null;
}

const queue = (context: PpmidContext, ...entries: PpmidEmitted[]): Pick<PpmidContext, 'outbox'> => ({ outbox: [...context.outbox, ...entries] });

/**
 * The PPMID (prepayment meter interface device): polls the GPF, shows the balance with the time
 * of the reading and how fresh it is, and sends the customer's EC activation and top-up.
 *
 * Regions (parallel):
 * - `poll`: every pollInterval a `cycle` sends the reads (`requesting`) and ends on the last
 *   answer or responseTimeout (`waiting`); the end raises `ppmid.pollDone` then `ppmid.refresh`.
 * - `link`: connecting → up ⇄ lost (hanLostAfter consecutive polls with no answer).
 * - `display`: one state per freshness, moved on every refresh (the screen says the same).
 * - `emergencyCredit`, `topUp`: idle → pending.sent → pending.awaitingEffect → idle, when a later
 *   read shows the effect, the GPF refuses the command, or pendingTimeout passes.
 * Output only through `emit`, one entry of `context.outbox` per `machine.flush` (han-events.ts).
 *
 * `ppmidSetup` holds the named actions, guards and delays (XState's `setup`) apart from the state
 * structure (`ppmidMachine`): a compact board build takes these and the precompiled table, not the
 * machine.
 */
export const ppmidSetup = setup({
  types: {
    context: {} as PpmidContext,
    events: {} as PpmidEvent,
    input: {} as PpmidInput,
    emitted: {} as PpmidEmitted,
  },
  actions: {
    startPoll: assign(({ context }) => startPoll(context)),
    applyResponse: assign(({ context, event }) => (isFrame(event) ? applyPollResponse(context, event, context.clock.now()) : {})),
    endPoll: assign(({ context }) => concludePoll(context, context.clock.now())),
    stampNow: assign(({ context }) => ({ evalHw: context.clock.now() })),
    refreshScreen: assign(({ context }) => refresh(context)),
    logForeignFrame: assign(({ context, event }) =>
      isFrame(event) ? queue(context, log('warn', 'frame from a device that is not our GPF ignored', { src: event.src, clusterId: event.clusterId })) : {},
    ),
    logUnexpectedFrame: assign(({ context, event }) =>
      isFrame(event)
        ? queue(context, log('info', 'unexpected or late frame from the GPF ignored', { clusterId: event.clusterId, sequence: event.frame.header.sequence, kind: event.frame.command.kind }))
        : {},
    ),
    logHanLost: assign(({ context }) => queue(context, log('warn', 'HAN lost: the GPF does not answer', { failedPolls: context.failures }))),
    logHanRestored: assign(({ context }) => queue(context, log('info', 'HAN restored'))),

    sendSelectEc: assign(({ context }) => sendSelectEmergencyCredit(context, context.clock.now())),
    logEcAccepted: assign(({ context }) => queue(context, log('info', 'emergency credit request accepted by the GPF: waiting for the meter'))),
    logEcNoAck: assign(({ context }) => queue(context, log('info', 'no answer from the GPF to the emergency credit request: still waiting for its effect'))),
    rejectEc: assign(({ context, event }) => ({
      pendingEc: null,
      ...queue(context, log('warn', 'GPF refused the emergency credit request', { status: ecAck(context, event) })),
    })),
    confirmEc: assign(({ context }) => ({ pendingEc: null, ...queue(context, log('info', 'emergency credit activation confirmed by a meter reading')) })),
    expireEc: assign(({ context }) => ({
      pendingEc: null,
      ...queue(context, log('warn', 'emergency credit request: no effect seen in time, no longer shown as pending', { afterMs: context.config.pendingTimeoutMs })),
    })),
    logEcAlreadyPending: assign(({ context }) => queue(context, log('info', 'emergency credit already requested'))),

    sendTopUp: assign(({ context, event }) => {
      if (!isButton(event, 'topUp')) return {};
      const amount = topUpAmount(context, event.amount);
      return 'raw' in amount ? sendTopUp(context, event.amount ?? 0, amount.raw, context.clock.now()) : {};
    }),
    logTopUpInvalid: assign(({ context, event }) => {
      const amount = isButton(event, 'topUp') ? topUpAmount(context, event.amount) : { error: 'not a top-up' };
      return queue(context, log('warn', 'top-up not sent', { reason: 'error' in amount ? amount.error : 'unknown', amount: isButton(event, 'topUp') ? event.amount : undefined }));
    }),
    logTopUpAccepted: assign(({ context }) => queue(context, log('info', 'top-up accepted by the GPF: waiting for the meter'))),
    logTopUpNoAck: assign(({ context }) => queue(context, log('info', 'no answer from the GPF to the top-up: still waiting for its effect'))),
    rejectTopUp: assign(({ context, event }) => ({
      pendingTopUp: null,
      ...queue(context, log('warn', 'GPF refused the top-up', { status: topUpAck(context, event) })),
    })),
    confirmTopUp: assign(({ context }) => ({ pendingTopUp: null, ...queue(context, log('info', 'top-up confirmed by a meter reading')) })),
    expireTopUp: assign(({ context }) => ({
      pendingTopUp: null,
      ...queue(context, log('warn', 'top-up: no effect seen in time, no longer shown as pending', { afterMs: context.config.pendingTimeoutMs })),
    })),
    logTopUpAlreadyPending: assign(({ context }) => queue(context, log('warn', 'a top-up is already pending: button ignored'))),

    raisePollDone: raise(POLL_DONE),
    raiseRefresh: raise(REFRESH),
    flush: raise(FLUSH),
    emitNext: emit(({ context }) => context.outbox[0]!),
    dropNext: assign(({ context }) => ({ outbox: context.outbox.slice(1) })),
  },
  guards: {
    hasOutbox: ({ context }) => context.outbox.length > 0,
    isForeignFrame: ({ context, event }) => isFrame(event) && event.src !== context.gpf,
    isPollResponse: ({ context, event }) => isFrame(event) && matchPollResponse(context, event) !== undefined,
    completesPoll: ({ context, event }) => isFrame(event) && matchPollResponse(context, event) !== undefined && context.outstanding.length === 1,
    pollAnswered: ({ context }) => context.lastPollResult !== 'failed',
    hanLostReached: ({ context }) => hanLost(context),
    freshnessIs: ({ context }, params: { freshness: Freshness }) => freshnessOf(context) === params.freshness,

    isActivateEc: ({ event }) => isButton(event, 'activateEc'),
    isEcAccepted: ({ context, event }) => ecAck(context, event) === ZclStatus.SUCCESS,
    isEcRejected: ({ context, event }) => {
      const s = ecAck(context, event);
      return s !== null && s !== ZclStatus.SUCCESS;
    },
    ecEffectSeen: ({ context }) => ecEffectSeen(context),

    isTopUp: ({ event }) => isButton(event, 'topUp'),
    isValidTopUp: ({ context, event }) => isButton(event, 'topUp') && 'raw' in topUpAmount(context, event.amount),
    isTopUpAccepted: ({ context, event }) => topUpAck(context, event) === ZclStatus.SUCCESS,
    isTopUpRejected: ({ context, event }) => {
      const s = topUpAck(context, event);
      return s !== null && s !== ZclStatus.SUCCESS;
    },
    topUpEffectSeen: ({ context }) => topUpEffectSeen(context),
  },
  delays: {
    pollInterval: ({ context }) => context.config.pollIntervalMs,
    responseTimeout: ({ context }) => context.config.responseTimeoutMs,
    pendingTimeout: ({ context }) => context.config.pendingTimeoutMs,
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
    'machine.flush': { guard: 'hasOutbox', actions: ['emitNext', 'dropNext', 'flush'] },
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
                  { guard: 'completesPoll', target: 'waiting', actions: ['applyResponse', 'endPoll', 'raisePollDone', 'raiseRefresh', 'flush'] },
                  { guard: 'isPollResponse', actions: ['applyResponse', 'flush'] },
                ],
              },
              after: { responseTimeout: { target: 'waiting', actions: ['endPoll', 'raisePollDone', 'raiseRefresh', 'flush'] } },
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
          guard: { type: 'freshnessIs' as const, params: { freshness } },
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
      states: {
        idle: {
          on: {
            BUTTON: [
              { guard: 'isValidTopUp', target: 'pending', actions: ['sendTopUp', 'raiseRefresh', 'flush'] },
              { guard: 'isTopUp', actions: ['logTopUpInvalid', 'flush'] },
            ],
          },
        },
        pending: {
          initial: 'sent',
          after: { pendingTimeout: { target: 'idle', actions: ['expireTopUp', 'stampNow', 'raiseRefresh', 'flush'] } },
          on: {
            'ppmid.pollDone': { guard: 'topUpEffectSeen', target: 'idle', actions: ['confirmTopUp'] },
            BUTTON: { guard: 'isTopUp', actions: ['logTopUpAlreadyPending', 'flush'] },
          },
          states: {
            sent: {
              on: {
                HAN_FRAME: [
                  { guard: 'isTopUpAccepted', target: 'awaitingEffect', actions: ['logTopUpAccepted', 'flush'] },
                  { guard: 'isTopUpRejected', target: '#ppmid.topUp.idle', actions: ['rejectTopUp', 'stampNow', 'raiseRefresh', 'flush'] },
                ],
              },
              after: { responseTimeout: { target: 'awaitingEffect', actions: ['logTopUpNoAck', 'flush'] } },
            },
            awaitingEffect: {},
          },
        },
      },
    },
  },
});

export type PpmidMachine = typeof ppmidMachine;
