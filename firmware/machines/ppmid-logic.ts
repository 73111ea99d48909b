/**
 * The PPMID's pure context logic: what a poll sends, what a response changes, what a finished
 * poll concludes, and the screen that follows. `ppmid.ts` wires these into named `assign`s and
 * guards; nothing here reads a clock or does I/O (the machine passes `hw`, the hardware clock).
 */
import type { DeviceClock, Eui64 } from '../platform/index.ts';
import {
  ClusterId,
  CreditStatusBit,
  Metering,
  Prepayment,
  PrepaymentCommand,
  Price,
  SupplyStatus,
  Time,
  TimeStatusBit,
  UTC_TIME_INVALID,
  ZclStatus,
  priceDecimalPlaces,
  utcTimeFromUnixMs,
  utcTimeToUnixMs,
} from '../zcl/index.ts';
import type { ReadAttributeRecord, ZclFrame } from '../zcl/index.ts';
import { assessFreshness } from '../display/freshness.ts';
import type { Freshness, FreshnessAssessment } from '../display/freshness.ts';
import { buildScreen } from '../display/screen-model.ts';
import type { ScreenModel, ScreenValues } from '../display/screen-model.ts';
import { clusterCommandFrame, isDefaultResponseTo, nextSeq, readAttributesFrame } from './han-events.ts';
import type { HanFrameEvent, HanSendEmitted, LogEmitted, StateEmitted } from './han-events.ts';
import { OriginatingDevice, encodeConsumerTopUp, encodeSelectEmergencyCredit } from './prepayment-commands.ts';
import { resolvePpmidConfig } from './ppmid-config.ts';
import type { PpmidConfig, PpmidFirmware, PpmidInput } from './ppmid-config.ts';

export interface ScreenEmitted {
  type: 'screen';
  screen: ScreenModel;
}

export type PpmidEmitted = HanSendEmitted | ScreenEmitted | StateEmitted | LogEmitted;

/** The last read of ReadingSnapshotTime: a Unix-ms time, or why there is none. */
export type SnapshotRead = number | 'notRead' | 'unsupported' | 'invalid';

/** The GPF mirror's values as last read (raw ZCL units); null when never read or not supported. */
export interface PpmidData {
  summation: number | null;
  snapshot: SnapshotRead;
  supplyStatus: number | null;
  credit: number | null;
  emergencyCredit: number | null;
  creditStatus: number | null;
  debt: number | null;
  currency: number | null;
  trailingDigit: number | null;
}

export interface PendingEc {
  seq: number;
  /** Only a Prepayment read from a later poll can show the effect. */
  afterPoll: number;
}

export interface PendingTopUp {
  seq: number;
  afterPoll: number;
  amountPounds: number;
  /** CreditRemaining and AccumulatedDebt (raw) when the button was pressed. */
  creditBefore: number | null;
  debtBefore: number | null;
}

export type PollResult = 'none' | 'ok' | 'partial' | 'failed';

export interface PpmidContext {
  eui: Eui64;
  gpf: Eui64;
  firmware: PpmidFirmware;
  config: PpmidConfig;
  clock: DeviceClock;
  /** Last ZCL sequence number used. */
  seq: number;
  /** Polls started so far (the current one included). */
  pollIndex: number;
  /** Reads of the current poll not yet answered. */
  outstanding: { seq: number; clusterId: number }[];
  /** Clusters answered in the current poll. */
  answered: number[];
  lastPollResult: PollResult;
  /** Consecutive polls with no read answered. */
  failures: number;
  everAnswered: boolean;
  /** Hardware clock when the GPF last answered. */
  lastContactHw: number | null;
  /** Displayed now = hardware clock + clockOffsetMs (learnt from the GPF's Time cluster). */
  clockOffsetMs: number;
  timeSet: boolean;
  /** The last Time read was usable and the GPF's TimeStatus says master or synchronised. */
  clockSynced: boolean;
  data: PpmidData;
  /** Poll index of the last answered Prepayment read (-1: never). */
  lastPrepayPoll: number;
  /**
   * The snapshot time the shown values are credited with, and a newer one seen but not yet
   * confirmed by a Prepayment read from a later poll (see `concludePoll`).
   */
  snapshotMs: number | null;
  candidate: { ms: number; poll: number } | null;
  /** The Prepayment values when the current poll started (to see whether this poll changed them). */
  prepayKeyAtStart: string;
  /** Change-time estimate: fingerprint of the values, hardware clock of the last change and of the first reading. */
  valuesKey: string | null;
  changeSeenHw: number | null;
  firstSeenHw: number | null;
  pendingEc: PendingEc | null;
  pendingTopUp: PendingTopUp | null;
  /** Hardware clock the current screen is computed for (stamped before every refresh). */
  evalHw: number;
  screen: ScreenModel | null;
  lastStateJson: string;
  outbox: PpmidEmitted[];
}

export function initialPpmidContext(input: PpmidInput): PpmidContext {
  const hw = input.clock.now();
  return {
    eui: input.eui,
    gpf: input.peers.gpf,
    firmware: input.firmware,
    config: resolvePpmidConfig(input.config),
    clock: input.clock,
    seq: Math.floor(input.seed ?? 0) & 0xff,
    pollIndex: 0,
    outstanding: [],
    answered: [],
    lastPollResult: 'none',
    failures: 0,
    everAnswered: false,
    lastContactHw: null,
    clockOffsetMs: 0,
    timeSet: false,
    clockSynced: false,
    data: {
      summation: null,
      snapshot: 'notRead',
      supplyStatus: null,
      credit: null,
      emergencyCredit: null,
      creditStatus: null,
      debt: null,
      currency: null,
      trailingDigit: null,
    },
    lastPrepayPoll: -1,
    snapshotMs: null,
    candidate: null,
    prepayKeyAtStart: '',
    valuesKey: null,
    changeSeenHw: null,
    firstSeenHw: null,
    pendingEc: null,
    pendingTopUp: null,
    evalHw: hw,
    screen: null,
    lastStateJson: '',
    outbox: [],
  };
}

export function log(level: LogEmitted['level'], message: string, data?: Record<string, unknown>): LogEmitted {
  return data === undefined ? { type: 'log', level, message } : { type: 'log', level, message, data };
}

function send(context: PpmidContext, clusterId: number, frame: ZclFrame): HanSendEmitted {
  return { type: 'han.send', dst: context.gpf, clusterId, frame };
}

/** The display's now (Unix ms) at hardware time `hw`. */
export function displayNow(context: Pick<PpmidContext, 'clockOffsetMs'>, hw: number): number {
  return hw + context.clockOffsetMs;
}

// ---------------------------------------------------------------------------------------------
// Polling

/**
 * The reads of one poll, in this order: Metering first, then Prepayment. The GSME reports
 * Metering (with 0x0007) before Prepayment, so reading the snapshot time before the balance can
 * only pair a balance with a time *older* than it, never an old balance with a new time.
 */
export function pollReads(context: PpmidContext): [number, number[]][] {
  const metering =
    context.firmware === 'secmp0015'
      ? [Metering.ReadingSnapshotTime.id, Metering.SupplyStatus.id, Metering.CurrentSummationDelivered.id]
      : [Metering.SupplyStatus.id, Metering.CurrentSummationDelivered.id];
  const reads: [number, number[]][] = [
    [ClusterId.metering, metering],
    [ClusterId.prepayment, [Prepayment.CreditRemaining.id, Prepayment.EmergencyCreditRemaining.id, Prepayment.CreditStatus.id, Prepayment.AccumulatedDebt.id]],
    [ClusterId.time, [Time.Time.id, Time.TimeStatus.id]],
  ];
  if (context.data.currency === null || context.data.trailingDigit === null) {
    reads.push([ClusterId.price, [Price.Currency.id, Price.PriceTrailingDigit.id]]);
  }
  return reads;
}

export function startPoll(context: PpmidContext): Partial<PpmidContext> {
  let seq = context.seq;
  const outstanding: PpmidContext['outstanding'] = [];
  const out: PpmidEmitted[] = [];
  for (const [clusterId, ids] of pollReads(context)) {
    seq = nextSeq(seq);
    outstanding.push({ seq, clusterId });
    out.push(send(context, clusterId, readAttributesFrame(seq, ids)));
  }
  return { seq, pollIndex: context.pollIndex + 1, outstanding, answered: [], prepayKeyAtStart: prepayKey(context.data), outbox: [...context.outbox, ...out] };
}

/** The outstanding read this frame answers, if it is one (from the GPF, same cluster and sequence). */
export function matchPollResponse(context: PpmidContext, event: HanFrameEvent): { seq: number; clusterId: number } | undefined {
  if (event.src !== context.gpf) return undefined;
  const kind = event.frame.command.kind;
  if (kind !== 'readAttributesResponse' && kind !== 'defaultResponse') return undefined;
  if (event.frame.header.direction !== 'toClient') return undefined;
  return context.outstanding.find((o) => o.seq === event.frame.header.sequence && o.clusterId === event.clusterId);
}

function recordNumber(records: ReadAttributeRecord[], id: number): { found: boolean; status: number; value: number | null } {
  const r = records.find((x) => x.attributeId === id);
  if (!r) return { found: false, status: ZclStatus.UNSUPPORTED_ATTRIBUTE, value: null };
  if (r.status !== ZclStatus.SUCCESS || !('value' in r) || typeof r.value !== 'number') return { found: true, status: r.status, value: null };
  return { found: true, status: r.status, value: r.value };
}

function readSnapshot(records: ReadAttributeRecord[]): SnapshotRead {
  const r = recordNumber(records, Metering.ReadingSnapshotTime.id);
  if (r.value === null) return 'unsupported';
  const ms = utcTimeToUnixMs(r.value);
  return ms === null ? 'invalid' : ms;
}

/** Applies one answered read of the current poll at hardware time `hw`. */
export function applyPollResponse(context: PpmidContext, event: HanFrameEvent, hw: number): Partial<PpmidContext> {
  const match = matchPollResponse(context, event);
  if (!match) return {};
  const outstanding = context.outstanding.filter((o) => o !== match);
  const answered = [...context.answered, match.clusterId];
  const command = event.frame.command;
  const base: Partial<PpmidContext> = { outstanding, answered, everAnswered: true, lastContactHw: hw };
  if (command.kind !== 'readAttributesResponse') {
    const status = command.kind === 'defaultResponse' ? command.status : ZclStatus.FAILURE;
    return { ...base, outbox: [...context.outbox, log('warn', 'GPF refused a read', { clusterId: match.clusterId, status })] };
  }
  const records = command.records;
  const d = context.data;
  switch (match.clusterId) {
    case ClusterId.metering:
      return {
        ...base,
        data: {
          ...d,
          summation: recordNumber(records, Metering.CurrentSummationDelivered.id).value,
          supplyStatus: recordNumber(records, Metering.SupplyStatus.id).value,
          snapshot: context.firmware === 'secmp0015' ? readSnapshot(records) : 'notRead',
        },
      };
    case ClusterId.prepayment:
      return {
        ...base,
        lastPrepayPoll: context.pollIndex,
        data: {
          ...d,
          credit: recordNumber(records, Prepayment.CreditRemaining.id).value,
          emergencyCredit: recordNumber(records, Prepayment.EmergencyCreditRemaining.id).value,
          creditStatus: recordNumber(records, Prepayment.CreditStatus.id).value,
          debt: recordNumber(records, Prepayment.AccumulatedDebt.id).value,
        },
      };
    case ClusterId.price: {
      const currency = recordNumber(records, Price.Currency.id).value;
      const trailingDigit = recordNumber(records, Price.PriceTrailingDigit.id).value;
      return { ...base, data: { ...d, currency: currency ?? d.currency, trailingDigit: trailingDigit ?? d.trailingDigit } };
    }
    case ClusterId.time:
      return { ...base, ...applyTime(context, records, hw) };
    default:
      return base;
  }
}

/**
 * Follows the GPF's clock. An untrusted TimeStatus (neither master nor synchronised) or an
 * invalid Time marks the display's clock unsynchronised (screen: clock problem); an untrusted
 * time is still taken when the display has none at all.
 */
function applyTime(context: PpmidContext, records: ReadAttributeRecord[], hw: number): Partial<PpmidContext> {
  const time = recordNumber(records, Time.Time.id).value;
  const status = recordNumber(records, Time.TimeStatus.id);
  const gpfMs = time === null ? null : utcTimeToUnixMs(time);
  const trusted = status.value === null ? !status.found : (status.value & (TimeStatusBit.master | TimeStatusBit.synchronized)) !== 0;
  if (gpfMs === null) {
    return { clockSynced: false, outbox: context.timeSet && context.clockSynced ? [...context.outbox, log('warn', 'GPF time invalid: display clock not synchronised')] : context.outbox };
  }
  const offset = gpfMs - hw;
  const correction = offset - context.clockOffsetMs;
  const take = (trusted || !context.timeSet) && (!context.timeSet || Math.abs(correction) > context.config.clockSyncThresholdMs);
  const out: PpmidEmitted[] = [];
  if (take && Math.abs(correction) >= 60_000) out.push(log('info', 'display clock set from the GPF', { correctionMs: correction }));
  if (!trusted && context.clockSynced) out.push(log('warn', 'GPF time not synchronised: display clock unreliable', { timeStatus: status.value }));
  return {
    clockOffsetMs: take ? offset : context.clockOffsetMs,
    timeSet: context.timeSet || take,
    clockSynced: trusted,
    outbox: out.length ? [...context.outbox, ...out] : context.outbox,
  };
}

function prepayKey(d: PpmidData): string {
  return JSON.stringify([d.credit, d.emergencyCredit, d.creditStatus, d.debt]);
}

/** Fingerprint of the values whose change shows a new GSME report. */
function valuesKey(d: PpmidData): string {
  return JSON.stringify([d.summation, d.credit, d.emergencyCredit, d.debt, d.creditStatus, typeof d.snapshot === 'number' ? d.snapshot : null]);
}

/**
 * The end of a poll at hardware time `hw`: result and HAN-lost count, the snapshot time the
 * shown values are credited with, and the change-time estimate.
 *
 * Snapshot confirmation (hanlab decision): the GSME's report burst reaches the mirror Metering
 * (0x0007) first, Prepayment after; a GPF that applies each frame as it comes (hanlab's stages
 * the burst, others may not) can be read inside the burst, which would pair the old balance with
 * the new time: an old balance shown as current. So a *new* snapshot time is credited to the
 * values only when this poll's Prepayment read changed them too (the prepayment part of that
 * report has arrived), or once a Prepayment read from a later poll has answered. Until then the
 * older time stays: conservative, the balance looks older than it is by at most one poll. The
 * first time ever seen is taken at once.
 */
export function concludePoll(context: PpmidContext, hw: number): Partial<PpmidContext> {
  const answered = context.answered;
  const any = answered.length > 0;
  const all = context.outstanding.length === 0;
  const lastPollResult: PollResult = all ? 'ok' : any ? 'partial' : 'failed';
  const failures = any ? 0 : context.failures + 1;
  const out: PpmidEmitted[] = [];
  if (lastPollResult === 'partial') {
    out.push(log('info', 'poll partly answered', { missing: context.outstanding.map((o) => o.clusterId) }));
  }

  let snapshotMs = context.snapshotMs;
  let candidate = context.candidate;
  const prepayNow = answered.includes(ClusterId.prepayment);
  if (prepayNow && candidate !== null && candidate.poll < context.pollIndex) {
    snapshotMs = candidate.ms;
    candidate = null;
  }
  if (answered.includes(ClusterId.metering)) {
    const s = context.data.snapshot;
    if (typeof s !== 'number') {
      snapshotMs = null;
      candidate = null;
    } else if (s === snapshotMs) {
      candidate = null;
    } else if (prepayNow && ((snapshotMs === null && candidate === null) || prepayKey(context.data) !== context.prepayKeyAtStart)) {
      snapshotMs = s;
      candidate = null;
    } else if (s !== candidate?.ms) {
      candidate = { ms: s, poll: context.pollIndex };
    }
  }

  let { valuesKey: key, changeSeenHw, firstSeenHw } = context;
  if (any && context.data.credit !== null) {
    const k = valuesKey(context.data);
    if (key === null) firstSeenHw = hw;
    else if (k !== key) changeSeenHw = hw;
    key = k;
  }

  return {
    outstanding: [],
    lastPollResult,
    failures,
    snapshotMs,
    candidate,
    valuesKey: key,
    changeSeenHw,
    firstSeenHw,
    evalHw: hw,
    outbox: out.length ? [...context.outbox, ...out] : context.outbox,
  };
}

export function hanLost(context: PpmidContext): boolean {
  return context.failures >= context.config.hanLostAfter;
}

export type LinkState = 'connecting' | 'up' | 'lost';

export function linkState(context: PpmidContext): LinkState {
  return hanLost(context) ? 'lost' : context.everAnswered ? 'up' : 'connecting';
}

// ---------------------------------------------------------------------------------------------
// Values and screen

function pounds(raw: number | null, trailingDigit: number | null): number | null {
  if (raw === null || trailingDigit === null) return null;
  return raw / 10 ** priceDecimalPlaces(trailingDigit);
}

export function screenValues(context: PpmidContext): ScreenValues {
  const d = context.data;
  const credit = pounds(d.credit, d.trailingDigit);
  const status = d.creditStatus ?? 0;
  const ec: ScreenValues['ec'] =
    d.creditStatus === null
      ? 'none'
      : status & (CreditStatusBit.emergencyCreditInUse | CreditStatusBit.emergencyCreditSelected)
        ? 'inUse'
        : status & CreditStatusBit.emergencyCreditAvailable
          ? 'available'
          : 'none';
  const supply: ScreenValues['supply'] =
    d.supplyStatus === SupplyStatus.on ? 'on' : d.supplyStatus === SupplyStatus.off ? 'off' : d.supplyStatus === SupplyStatus.armed ? 'armed' : 'unknown';
  return {
    credit,
    emergencyCredit: pounds(d.emergencyCredit, d.trailingDigit),
    debt: pounds(d.debt, d.trailingDigit),
    ec,
    supply,
    lowCredit: (status & CreditStatusBit.lowCredit) !== 0 || (credit !== null && credit < context.config.lowCreditPounds),
  };
}

/** hanlab: consumption (and so a change of the values) is expected unless the supply is known to be off or armed. */
export function consumptionExpected(values: ScreenValues): boolean {
  return values.supply === 'on' || values.supply === 'unknown';
}

export function assess(context: PpmidContext, values: ScreenValues = screenValues(context)): FreshnessAssessment {
  const hw = context.evalHw;
  const nowMs = displayNow(context, hw);
  return assessFreshness(
    {
      nowMs,
      clockSynced: context.timeSet && context.clockSynced,
      snapshotMs: context.snapshotMs,
      lastChangeSeenMs: context.changeSeenHw === null ? null : displayNow(context, context.changeSeenHw),
      sinceChangeSeenMs: context.changeSeenHw === null ? null : hw - context.changeSeenHw,
      observedForMs: context.firstSeenHw === null ? null : hw - context.firstSeenHw,
      hasBalance: values.credit !== null,
      hanLost: hanLost(context),
      consumptionExpected: consumptionExpected(values),
    },
    context.config,
  );
}

export function freshnessOf(context: PpmidContext): Freshness {
  return assess(context).freshness;
}

export function composeScreen(context: PpmidContext): ScreenModel {
  const values = screenValues(context);
  return buildScreen({
    values,
    assessment: assess(context, values),
    nowMs: displayNow(context, context.evalHw),
    lastContactMs: context.lastContactHw === null ? null : displayNow(context, context.lastContactHw),
    pending: { activateEc: context.pendingEc !== null, topUpPounds: context.pendingTopUp?.amountPounds ?? null },
  });
}

/** The observable summary published as `state`. */
export function ppmidSummary(context: PpmidContext, screen: ScreenModel): Record<string, unknown> {
  return {
    device: 'ppmid',
    firmware: context.firmware,
    freshness: screen.freshness,
    link: linkState(context),
    lastPollResult: context.lastPollResult,
    failures: context.failures,
    clockOffsetMs: context.clockOffsetMs,
    clockSynced: context.timeSet && context.clockSynced,
    staleDetection: context.config.staleDetection,
    pending: screen.pending,
  };
}

/** New screen and state into the outbox when they differ (by value) from the last ones. */
export function refresh(context: PpmidContext): Partial<PpmidContext> {
  const screen = composeScreen(context);
  const out: PpmidEmitted[] = [];
  const screenChanged = JSON.stringify(screen) !== JSON.stringify(context.screen);
  if (screenChanged) out.push({ type: 'screen', screen });
  const state = ppmidSummary(context, screen);
  const stateJson = JSON.stringify(state);
  if (stateJson !== context.lastStateJson) out.push({ type: 'state', state });
  return { screen: screenChanged ? screen : context.screen, lastStateJson: stateJson, outbox: out.length ? [...context.outbox, ...out] : context.outbox };
}

// ---------------------------------------------------------------------------------------------
// Customer commands

export function sendSelectEmergencyCredit(context: PpmidContext, hw: number): Partial<PpmidContext> {
  const seq = nextSeq(context.seq);
  const issuedAt = utcTimeFromUnixMs(displayNow(context, hw)) ?? UTC_TIME_INVALID;
  const frame = clusterCommandFrame(seq, 'toServer', PrepaymentCommand.SelectAvailableEmergencyCredit, encodeSelectEmergencyCredit(issuedAt, OriginatingDevice.ihdOrPpmid), false);
  return {
    seq,
    pendingEc: { seq, afterPoll: context.pollIndex },
    evalHw: hw,
    outbox: [...context.outbox, log('info', 'emergency credit requested'), send(context, ClusterId.prepayment, frame)],
  };
}

/** The top-up amount in the meter's money unit, or why it cannot be sent. */
export function topUpAmount(context: PpmidContext, amountPounds: number | undefined): { raw: number } | { error: string } {
  if (amountPounds === undefined || !Number.isFinite(amountPounds) || amountPounds <= 0) return { error: 'top-up needs a positive amount' };
  if (context.data.trailingDigit === null) return { error: 'money unit not known yet (PriceTrailingDigit not read)' };
  const raw = Math.round(amountPounds * 10 ** priceDecimalPlaces(context.data.trailingDigit));
  if (raw < 1 || raw > 0x7fff_ffff) return { error: 'top-up amount out of range' };
  return { raw };
}

export function sendTopUp(context: PpmidContext, amountPounds: number, raw: number, hw: number): Partial<PpmidContext> {
  const seq = nextSeq(context.seq);
  const frame = clusterCommandFrame(seq, 'toServer', PrepaymentCommand.ConsumerTopUp, encodeConsumerTopUp(OriginatingDevice.ihdOrPpmid, raw), false);
  return {
    seq,
    pendingTopUp: { seq, afterPoll: context.pollIndex, amountPounds, creditBefore: context.data.credit, debtBefore: context.data.debt },
    evalHw: hw,
    outbox: [...context.outbox, log('info', 'top-up sent', { amountPounds }), send(context, ClusterId.prepayment, frame)],
  };
}

/** The GPF's Default Response to our pending command `seq`: its status, or null if this frame is not it. */
export function commandAckStatus(context: PpmidContext, event: HanFrameEvent, seq: number | undefined, commandId: number): number | null {
  if (seq === undefined || event.src !== context.gpf || event.clusterId !== ClusterId.prepayment) return null;
  if (!isDefaultResponseTo(event.frame, seq, commandId) || event.frame.command.kind !== 'defaultResponse') return null;
  return event.frame.command.status;
}

/** A Prepayment read from a poll started after the button shows EC selected or in use. */
export function ecEffectSeen(context: PpmidContext): boolean {
  const p = context.pendingEc;
  if (p === null || context.lastPrepayPoll <= p.afterPoll || context.data.creditStatus === null) return false;
  return (context.data.creditStatus & (CreditStatusBit.emergencyCreditSelected | CreditStatusBit.emergencyCreditInUse)) !== 0;
}

/** A Prepayment read from a poll started after the button shows more credit or less debt. */
export function topUpEffectSeen(context: PpmidContext): boolean {
  const p = context.pendingTopUp;
  if (p === null || context.lastPrepayPoll <= p.afterPoll) return false;
  const { credit, debt } = context.data;
  if (credit !== null && p.creditBefore !== null && credit > p.creditBefore) return true;
  return debt !== null && p.debtBefore !== null && debt < p.debtBefore;
}
