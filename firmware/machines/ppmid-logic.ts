/**
 * The PPMID's pure context logic: what a poll sends, what a response changes, what a finished
 * poll concludes, and the screen that follows. `ppmid.ts` wires these into named `assign`s and
 * guards; nothing here reads a clock or does I/O (the machine passes `hw`, the hardware clock).
 */
import type { DeviceClock, Eui64 } from '../platform/index.ts';
import { priceDecimalPlaces, utcTimeFromUnixMs, utcTimeToUnixMs } from '../zcl/index.ts';
import type {
  ClusterId,
  CreditStatusBit,
  Metering,
  Prepayment,
  PrepaymentCommand,
  Price,
  ReadAttributeRecord,
  SupplyStatus,
  Time,
  TimeStatusBit,
  UTC_TIME_INVALID,
  ZclFrame,
  ZclStatus,
} from '../zcl/index.ts';
import { assessFreshness } from '../display/freshness.ts';
import type { Freshness, FreshnessAssessment } from '../display/freshness.ts';
import { buildScreen } from '../display/screen-model.ts';
import type { ScreenModel, ScreenValues } from '../display/screen-model.ts';
import { clusterCommandFrame, isDefaultResponseTo, merge, nextSeq, readAttributesFrame } from './han-events.ts';
import type { HanFrameEvent, HanSendEmitted, LogEmitted, StateEmitted } from './han-events.ts';
import { encodeConsumerTopUp, encodeSelectEmergencyCredit } from './prepayment-commands.ts';
import { CONSUMER_TOP_UP_RESPONSE, decodeConsumerTopUpResponse, isTopUpAccepted, TopUpResult } from './gsme-topup.ts';
import { normaliseUtrn, utrnDigitsToBytes, utrnFieldsOf } from '../codec/utrn.ts';
import type { OriginatingDevice } from './prepayment-commands.ts';
import { resolvePpmidConfig } from './ppmid-config.ts';
import { TOP_UP_GONE, TOP_UP_UNCONFIRMED } from '../display/top-up-reasons.ts';
import { HANLAB_MANUFACTURER_CODE, HELD_COMMANDS, holdsCommand } from './held-commands.ts';
import { restorePpmid } from './ppmid-persist.ts';
import { sameJson } from '../codec/same-json.ts';
import type { PersistEmitted } from './persist-record.ts';
import type { PpmidConfig, PpmidFirmware, PpmidInput } from './ppmid-config.ts';

// The ZCL numbers the PPMID uses, as literals whose types tsc checks against the zcl tables: a
// board bundle then needs none of those tables.
export const METERING: typeof ClusterId.metering = 0x0702;
export const PREPAYMENT: typeof ClusterId.prepayment = 0x0705;
const PRICE: typeof ClusterId.price = 0x0700;
const TIME: typeof ClusterId.time = 0x000a;
const SUMMATION: typeof Metering.CurrentSummationDelivered.id = 0x0000;
const SNAPSHOT_TIME: typeof Metering.ReadingSnapshotTime.id = 0x0007;
const SUPPLY_STATUS: typeof Metering.SupplyStatus.id = 0x0014;
const CREDIT: typeof Prepayment.CreditRemaining.id = 0x0001;
const EMERGENCY_CREDIT: typeof Prepayment.EmergencyCreditRemaining.id = 0x0002;
const CREDIT_STATUS: typeof Prepayment.CreditStatus.id = 0x0003;
const DEBT: typeof Prepayment.AccumulatedDebt.id = 0x0005;
const CURRENCY: typeof Price.Currency.id = 0x0616;
const TRAILING_DIGIT: typeof Price.PriceTrailingDigit.id = 0x0617;
const TIME_ATTR: typeof Time.Time.id = 0x0000;
const TIME_STATUS: typeof Time.TimeStatus.id = 0x0001;
export const SELECT_EC: typeof PrepaymentCommand.SelectAvailableEmergencyCredit = 0x00;
export const TOP_UP: typeof PrepaymentCommand.ConsumerTopUp = 0x04;
export const SUCCESS: typeof ZclStatus.SUCCESS = 0x00;
const FAILURE: typeof ZclStatus.FAILURE = 0x01;
const UTC_INVALID: typeof UTC_TIME_INVALID = 0xffffffff;
const LOW_CREDIT: typeof CreditStatusBit.lowCredit = 0x02;
const EC_AVAILABLE: typeof CreditStatusBit.emergencyCreditAvailable = 0x08;
const EC_SELECTED: typeof CreditStatusBit.emergencyCreditSelected = 0x10;
const EC_IN_USE: typeof CreditStatusBit.emergencyCreditInUse = 0x20;
const EXHAUSTED: typeof CreditStatusBit.creditExhausted = 0x40;
const TIME_MASTER: typeof TimeStatusBit.master = 0x01;
const TIME_SYNCHRONIZED: typeof TimeStatusBit.synchronized = 0x02;
const SUPPLY_OFF: typeof SupplyStatus.off = 0;
const SUPPLY_ARMED: typeof SupplyStatus.armed = 1;
const SUPPLY_ON: typeof SupplyStatus.on = 2;
const FROM_PPMID: typeof OriginatingDevice.ihdOrPpmid = 2;
/**
 * The poll's read of the GPF's HeldCommands (held-commands.ts): a manufacturer-specific read on
 * the Prepayment cluster, told apart from the Prepayment read in `outstanding` by the bit above
 * the 16-bit cluster id (`& 0xffff` is the cluster it goes to).
 */
export const HELD_READ = 0x10705;

export interface ScreenEmitted {
  type: 'screen';
  screen: ScreenModel;
}

export type PpmidEmitted = HanSendEmitted | ScreenEmitted | StateEmitted | LogEmitted | PersistEmitted;

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

/**
 * Where a top-up is (docs/decisions.md "Top-up lifecycle"): sent (waiting for the GPF's Default
 * Response), atHub (the GPF acknowledged it and holds it for the GSME), applied (the meter's
 * ConsumerTopUpResponse, or its effect on the balance, shows it), failed (`reason` says why).
 */
export type TopUpStatus = 'sent' | 'atHub' | 'applied' | 'failed';

export interface PendingTopUp {
  seq: number;
  afterPoll: number;
  amountPounds: number;
  /** CreditRemaining and AccumulatedDebt (raw) when the button was pressed. */
  creditBefore: number | null;
  debtBefore: number | null;
  status: TopUpStatus;
  /** Why it failed, as the screen says it ('' unless failed). */
  reason: string;
  /**
   * What the GPF's HeldCommands last said of it: 1 held, 0 not held, -1 not read yet, -2 the GPF
   * does not serve HeldCommands (it answered UNSUPPORTED_ATTRIBUTE or refused the read).
   */
  held: number;
  /** The poll whose HeldCommands first no longer listed it (-1: none). */
  goneAt: number;
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
  /** Hardware clock of the poll that first read `snapshotMs`'s value, and `candidate`'s: when it was seen to arrive. */
  snapshotSeenHw: number | null;
  candidateHw: number | null;
  /** Hardware clock of the last answered Metering read (this boot). */
  meterReadHw: number | null;
  /** The GSME's clock minus the display's at the last snapshot arrival that could be timed; null: never judged. */
  gsmeSkewMs: number | null;
  /** The Prepayment values when the current poll started (to see whether this poll changed them). */
  prepayKeyAtStart: string;
  /** Change-time estimate: fingerprint of the values, hardware clock of the last change and of the first reading. */
  valuesKey: string | null;
  changeSeenHw: number | null;
  firstSeenHw: number | null;
  pendingEc: PendingEc | null;
  /**
   * The last top-up code keyed in, from sending until its outcome is cleared (an applied one or the
   * meter's refusal after pendingTimeout; any other failure only by the next code): null when none.
   */
  pendingTopUp: PendingTopUp | null;
  /** The meter's refusal of the last top-up code, as the screen says it; null when none is shown. */
  topUpRefused: string | null;
  /** Hardware clock the current screen is computed for (stamped before every refresh). */
  evalHw: number;
  screen: ScreenModel | null;
  lastStateJson: string;
  outbox: PpmidEmitted[];
  /** The record last written to storage (ppmid-persist.ts). */
  savedJson: string;
}

export function initialPpmidContext(input: PpmidInput): PpmidContext {
  const restored = restorePpmid(input.restored, input.eui);
  // Built one named property at a time, in this order, not as a literal: V8 then keeps the copy
  // XState's assign makes at every step (Object.assign, key by key) a fast-mode object; the copies
  // of a 36-key literal are dictionaries, several times slower to make and to read.
  const base = {} as PpmidContext;
  base.eui = input.eui;
  base.gpf = input.peers.gpf;
  base.firmware = input.firmware;
  base.config = resolvePpmidConfig(input.config);
  base.clock = input.clock;
  base.seq = Math.floor(input.seed || 0) & 0xff;
  base.pollIndex = 0;
  base.outstanding = [];
  base.answered = [];
  base.lastPollResult = 'none';
  base.failures = 0;
  base.everAnswered = false;
  base.lastContactHw = null;
  base.clockOffsetMs = 0;
  base.timeSet = false;
  base.clockSynced = false;
  base.data = {
    summation: null,
    snapshot: 'notRead',
    supplyStatus: null,
    credit: null,
    emergencyCredit: null,
    creditStatus: null,
    debt: null,
    currency: null,
    trailingDigit: null,
  };
  base.lastPrepayPoll = -1;
  base.snapshotMs = null;
  base.candidate = null;
  base.snapshotSeenHw = null;
  base.candidateHw = null;
  base.meterReadHw = null;
  base.gsmeSkewMs = null;
  base.prepayKeyAtStart = '';
  base.valuesKey = null;
  base.changeSeenHw = null;
  base.firstSeenHw = null;
  base.pendingEc = null;
  base.pendingTopUp = null;
  base.topUpRefused = null;
  base.evalHw = input.clock.now();
  base.screen = null;
  base.lastStateJson = '';
  base.outbox = [];
  base.savedJson = '';
  // Written over it, not merged into a new object (which would be a dictionary, as above).
  const fields = restored.fields as Record<string, unknown>;
  for (const k in fields) (base as unknown as Record<string, unknown>)[k] = fields[k];
  base.outbox = restored.notes;
  return base;
}

export function log(level: LogEmitted['level'], message: string, data?: Record<string, unknown>): LogEmitted {
  const e: LogEmitted = { type: 'log', level, message };
  if (data) e.data = data;
  return e;
}

/** The outbox with `entries` added (the same array when there are none). */
export function queued(context: PpmidContext, entries: PpmidEmitted[]): PpmidEmitted[] {
  return entries.length ? context.outbox.concat(entries) : context.outbox;
}

function send(context: PpmidContext, clusterId: number, frame: ZclFrame): HanSendEmitted {
  return { type: 'han.send', dst: context.gpf, clusterId, frame };
}

/** The display's clock at hardware time `hw`, or null for null. */
function displayAt(context: PpmidContext, hw: number | null): number | null {
  return hw === null ? null : hw + context.clockOffsetMs;
}

// ---------------------------------------------------------------------------------------------
// Polling

/**
 * The reads of one poll, in this order: Metering first, then Prepayment. The GSME reports
 * Metering (with 0x0007) before Prepayment, so reading the snapshot time before the balance can
 * only pair a balance with a time *older* than it, never an old balance with a new time.
 */
export function pollReads(context: PpmidContext): [number, number[]][] {
  const reads: [number, number[]][] = [
    [METERING, context.firmware === 'secmp0015' ? [SNAPSHOT_TIME, SUPPLY_STATUS, SUMMATION] : [SUPPLY_STATUS, SUMMATION]],
    [PREPAYMENT, [CREDIT, EMERGENCY_CREDIT, CREDIT_STATUS, DEBT]],
    [TIME, [TIME_ATTR, TIME_STATUS]],
  ];
  if (context.data.currency === null || context.data.trailingDigit === null) reads.push([PRICE, [CURRENCY, TRAILING_DIGIT]]);
  if (topUpWatched(context)) reads.push([HELD_READ, [HELD_COMMANDS]]);
  return reads;
}

export function startPoll(context: PpmidContext): Partial<PpmidContext> {
  let seq = context.seq;
  const outstanding: PpmidContext['outstanding'] = [];
  const out: PpmidEmitted[] = [];
  const reads = pollReads(context);
  for (let i = 0; i < reads.length; i++) {
    const clusterId = reads[i]![0];
    seq = nextSeq(seq);
    outstanding.push({ seq, clusterId });
    const frame = readAttributesFrame(seq, reads[i]![1]);
    if (clusterId === HELD_READ) frame.header.manufacturerCode = HANLAB_MANUFACTURER_CODE;
    out.push(send(context, clusterId & 0xffff, frame));
  }
  return { seq, pollIndex: context.pollIndex + 1, outstanding, answered: [], prepayKeyAtStart: prepayKey(context.data), outbox: queued(context, out) };
}

/** The outstanding read this frame answers, if it is one (from the GPF, same cluster and sequence). */
export function matchPollResponse(context: PpmidContext, event: HanFrameEvent): { seq: number; clusterId: number } | undefined {
  const f = event.frame;
  const kind = f.command.kind;
  if (event.src !== context.gpf || (kind !== 'readAttributesResponse' && kind !== 'defaultResponse') || f.header.direction !== 'toClient') return undefined;
  const o = context.outstanding;
  for (let i = 0; i < o.length; i++) if (o[i]!.seq === f.header.sequence && (o[i]!.clusterId & 0xffff) === event.clusterId) return o[i];
  return undefined;
}

/** An attribute's number; null when it was read without one, `missing` when it is not in the response. */
function num(records: ReadAttributeRecord[], id: number, missing: number | null = null): number | null {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.attributeId === id) return r.status === SUCCESS && 'value' in r && typeof r.value === 'number' ? r.value : null;
  }
  return missing;
}

function readSnapshot(records: ReadAttributeRecord[]): SnapshotRead {
  const v = num(records, SNAPSHOT_TIME);
  if (v === null) return 'unsupported';
  const ms = utcTimeToUnixMs(v);
  return ms === null ? 'invalid' : ms;
}

/** Applies one answered read of the current poll at hardware time `hw`. */
export function applyPollResponse(context: PpmidContext, event: HanFrameEvent, hw: number): Partial<PpmidContext> {
  const match = matchPollResponse(context, event);
  if (!match) return {};
  const id = match.clusterId;
  const out: Partial<PpmidContext> = {
    outstanding: context.outstanding.filter((o) => o !== match),
    answered: context.answered.concat([id]),
    everAnswered: true,
    lastContactHw: hw,
  };
  const command = event.frame.command;
  if (id === HELD_READ) {
    out.pendingTopUp = heldSeen(context, command.kind === 'readAttributesResponse' ? command.records : []);
    return out;
  }
  if (command.kind !== 'readAttributesResponse') {
    out.outbox = queued(context, [log('warn', 'GPF refused a read', { clusterId: id, status: command.kind === 'defaultResponse' ? command.status : FAILURE })]);
    return out;
  }
  const r = command.records;
  const d = context.data;
  if (id === METERING) {
    out.data = merge(d, { summation: num(r, SUMMATION), supplyStatus: num(r, SUPPLY_STATUS), snapshot: context.firmware === 'secmp0015' ? readSnapshot(r) : ('notRead' as SnapshotRead) });
  } else if (id === PREPAYMENT) {
    out.lastPrepayPoll = context.pollIndex;
    out.data = merge(d, { credit: num(r, CREDIT), emergencyCredit: num(r, EMERGENCY_CREDIT), creditStatus: num(r, CREDIT_STATUS), debt: num(r, DEBT) });
  } else if (id === PRICE) {
    out.data = merge(d, { currency: num(r, CURRENCY) ?? d.currency, trailingDigit: num(r, TRAILING_DIGIT) ?? d.trailingDigit });
  } else if (id === TIME) {
    applyTime(context, r, hw, out);
  }
  return out;
}

/**
 * Follows the GPF's clock (into `out`). An untrusted TimeStatus (neither master nor synchronised)
 * or an invalid Time marks the display's clock unsynchronised (screen: clock problem); an
 * untrusted time is still taken when the display has none at all. No TimeStatus in the response
 * counts as trusted.
 */
function applyTime(context: PpmidContext, records: ReadAttributeRecord[], hw: number, out: Partial<PpmidContext>): void {
  const time = num(records, TIME_ATTR);
  const status = num(records, TIME_STATUS, TIME_MASTER);
  const gpfMs = time === null ? null : utcTimeToUnixMs(time);
  const trusted = status !== null && (status & (TIME_MASTER | TIME_SYNCHRONIZED)) !== 0;
  const logs: PpmidEmitted[] = [];
  const timeSet = context.timeSet;
  if (gpfMs === null) {
    if (timeSet && context.clockSynced) logs.push(log('warn', 'GPF time invalid: clock unsynced'));
    out.clockSynced = false;
  } else {
    const offset = gpfMs - hw;
    const correction = offset - context.clockOffsetMs;
    const take = !timeSet || (trusted && Math.abs(correction) > context.config.clockSyncThresholdMs);
    if (take && Math.abs(correction) >= 60_000) logs.push(log('info', 'clock set from GPF', { correctionMs: correction }));
    if (!trusted && context.clockSynced) logs.push(log('warn', 'GPF time unsynced: clock unreliable', { timeStatus: status }));
    out.clockOffsetMs = take ? offset : context.clockOffsetMs;
    out.timeSet = timeSet || take;
    out.clockSynced = trusted;
  }
  out.outbox = queued(context, logs);
}

/**
 * The pending top-up after the GPF's answer to the HeldCommands read: held or not (`goneAt` the
 * first poll it was missing), or -2 when the answer has no HeldCommands value (a GPF without it).
 */
function heldSeen(context: PpmidContext, records: ReadAttributeRecord[]): PendingTopUp | null {
  const p = context.pendingTopUp;
  if (p === null) return null;
  let held = -2;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.attributeId === HELD_COMMANDS && r.status === SUCCESS && 'value' in r && r.value instanceof Uint8Array) held = holdsCommand(r.value, TOP_UP, p.seq) ? 1 : 0;
  }
  return merge(p, { held, goneAt: held === 0 ? (p.goneAt < 0 ? context.pollIndex : p.goneAt) : -1 });
}

function prepayKey(d: PpmidData): string {
  return JSON.stringify([d.credit, d.emergencyCredit, d.creditStatus, d.debt]);
}

/** Fingerprint of the values whose change shows a new GSME report. */
function valuesKey(d: PpmidData): string {
  return JSON.stringify([d.summation, d.credit, d.emergencyCredit, d.debt, d.creditStatus, typeof d.snapshot === 'number' ? d.snapshot : null]);
}

/**
 * The GSME's clock error seen in a snapshot time `s` first read at hardware time `hw` (into the
 * previous judgement `prev`): the value was not there at the previous Metering read, so it arrived
 * at the GPF between the two reads, and a right clock took it at most a burst earlier. A time
 * further than the tolerance outside that window is the GSME's clock being off (ahead or behind);
 * inside a window no wider than the tolerance, the clock is fine (0); otherwise (a wide window
 * after a gap in the reads, no earlier read, or the display's own clock untrusted) `prev` stands.
 */
function gsmeSkew(context: PpmidContext, s: number, hw: number, prev: number | null): number | null {
  if (!context.timeSet || !context.clockSynced) return prev;
  const tol = context.config.clockProblemToleranceMs;
  const hi = hw + context.clockOffsetMs;
  if (s > hi + tol) return s - hi;
  if (context.meterReadHw === null) return prev;
  const lo = context.meterReadHw + context.clockOffsetMs;
  if (s < lo - tol) return s - lo;
  return hi - lo <= tol ? 0 : prev;
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
  const d = context.data;
  const any = answered.length > 0;
  const lastPollResult: PollResult = context.outstanding.length === 0 ? 'ok' : any ? 'partial' : 'failed';
  const logs: PpmidEmitted[] = [];
  if (lastPollResult === 'partial') logs.push(log('info', 'poll partly answered', { missing: context.outstanding.map((o) => o.clusterId) }));

  let snapshotMs = context.snapshotMs;
  let candidate = context.candidate;
  let seenHw = context.snapshotSeenHw;
  let candidateHw = context.candidateHw;
  let skew = context.gsmeSkewMs;
  let meterReadHw = context.meterReadHw;
  const prepayNow = answered.indexOf(PREPAYMENT) >= 0;
  if (prepayNow && candidate !== null && candidate.poll < context.pollIndex) {
    snapshotMs = candidate.ms;
    seenHw = candidateHw;
    candidate = null;
  }
  if (answered.indexOf(METERING) >= 0) {
    const s = d.snapshot;
    meterReadHw = hw;
    if (typeof s !== 'number') {
      snapshotMs = null;
      candidate = null;
    } else if (s === snapshotMs) {
      candidate = null;
    } else {
      // A value not read before: it arrived since the last Metering read.
      const isNew = candidate === null || s !== candidate.ms;
      if (isNew) {
        skew = gsmeSkew(context, s, hw, skew);
        candidateHw = hw;
      }
      if (prepayNow && ((snapshotMs === null && candidate === null) || prepayKey(d) !== context.prepayKeyAtStart)) {
        snapshotMs = s;
        seenHw = candidateHw;
        candidate = null;
      } else if (isNew) {
        candidate = { ms: s, poll: context.pollIndex };
      }
    }
  }

  let key = context.valuesKey;
  let changeSeenHw = context.changeSeenHw;
  let firstSeenHw = context.firstSeenHw;
  if (any && d.credit !== null) {
    const k = valuesKey(d);
    if (key === null) firstSeenHw = hw;
    else if (k !== key) changeSeenHw = hw;
    key = k;
  }

  return {
    outstanding: [],
    lastPollResult,
    failures: any ? 0 : context.failures + 1,
    snapshotMs,
    candidate,
    snapshotSeenHw: seenHw,
    candidateHw,
    meterReadHw,
    gsmeSkewMs: skew,
    valuesKey: key,
    changeSeenHw,
    firstSeenHw,
    evalHw: hw,
    outbox: queued(context, logs),
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
  return raw === null || trailingDigit === null ? null : raw / 10 ** priceDecimalPlaces(trailingDigit);
}

export function screenValues(context: PpmidContext): ScreenValues {
  const d = context.data;
  const td = d.trailingDigit;
  const credit = pounds(d.credit, td);
  const status = d.creditStatus ?? 0;
  const s = d.supplyStatus;
  return {
    credit,
    emergencyCredit: pounds(d.emergencyCredit, td),
    debt: pounds(d.debt, td),
    // Selected and exhausted without the in-use bit: the emergency credit is used up too.
    ec: d.creditStatus === null ? 'none' : status & EC_IN_USE ? 'inUse' : status & EC_SELECTED ? (status & EXHAUSTED ? 'exhausted' : 'inUse') : status & EC_AVAILABLE ? 'available' : 'none',
    creditUsedUp: (status & EXHAUSTED) !== 0,
    supply: s === SUPPLY_ON ? 'on' : s === SUPPLY_OFF ? 'off' : s === SUPPLY_ARMED ? 'armed' : 'unknown',
    lowCredit: (status & LOW_CREDIT) !== 0 || (credit !== null && credit < context.config.lowCreditPounds),
  };
}

/** hanlab: consumption (and so a change of the values) is expected unless the supply is known to be off or armed. */
export function consumptionExpected(values: ScreenValues): boolean {
  return values.supply === 'on' || values.supply === 'unknown';
}

export function assess(context: PpmidContext, values: ScreenValues = screenValues(context)): FreshnessAssessment {
  const hw = context.evalHw;
  const changed = context.changeSeenHw;
  const seen = context.snapshotSeenHw;
  return assessFreshness(
    {
      nowMs: hw + context.clockOffsetMs,
      clockSynced: context.timeSet && context.clockSynced,
      snapshotMs: context.snapshotMs,
      receivedMs: displayAt(context, seen),
      sinceReceivedMs: seen === null ? null : hw - seen,
      gsmeSkewMs: context.gsmeSkewMs,
      lastChangeSeenMs: displayAt(context, changed),
      sinceChangeSeenMs: changed === null ? null : hw - changed,
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
  const topUp = context.pendingTopUp;
  return buildScreen({
    values,
    assessment: assess(context, values),
    nowMs: context.evalHw + context.clockOffsetMs,
    lastContactMs: displayAt(context, context.lastContactHw),
    pending: { activateEc: context.pendingEc !== null, topUpPounds: null },
    topUp: topUp === null ? null : { status: topUp.status, amount: topUp.amountPounds, reason: topUp.reason },
    topUpRefused: context.topUpRefused,
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
    topUp: screen.topUp === undefined ? null : screen.topUp,
  };
}

/** New screen and state into the outbox when they differ (by value) from the last ones. */
export function refresh(context: PpmidContext): Partial<PpmidContext> {
  let screen = composeScreen(context);
  const out: PpmidEmitted[] = [];
  if (!sameJson(screen, context.screen)) out.push({ type: 'screen', screen });
  else screen = context.screen!;
  const state = ppmidSummary(context, screen);
  const stateJson = JSON.stringify(state);
  if (stateJson !== context.lastStateJson) out.push({ type: 'state', state });
  return { screen, lastStateJson: stateJson, outbox: queued(context, out) };
}

// ---------------------------------------------------------------------------------------------
// Customer commands

/** A Prepayment command to the GPF, and the pending mark it leaves: the context change. */
function command(context: PpmidContext, hw: number, commandId: number, payload: Uint8Array, message: string, data?: Record<string, unknown>): Partial<PpmidContext> {
  const seq = nextSeq(context.seq);
  return {
    seq,
    evalHw: hw,
    outbox: queued(context, [log('info', message, data), send(context, PREPAYMENT, clusterCommandFrame(seq, 'toServer', commandId, payload, false))]),
  };
}

export function sendSelectEmergencyCredit(context: PpmidContext, hw: number): Partial<PpmidContext> {
  const issuedAt = utcTimeFromUnixMs(hw + context.clockOffsetMs);
  const c = command(context, hw, SELECT_EC, encodeSelectEmergencyCredit(issuedAt === null ? UTC_INVALID : issuedAt, FROM_PPMID), 'EC requested');
  c.pendingEc = { seq: c.seq!, afterPoll: context.pollIndex };
  return c;
}

/** The UTRN's 20 digits (a string of 20 digits), or why it cannot be sent (`{ reason }`). */
export function topUpCode(utrn: string | undefined): string | { reason: string } {
  if (typeof utrn !== 'string') return { reason: 'no code' };
  const digits = normaliseUtrn(utrn);
  if (digits === null) return { reason: 'not a 20-digit code' };
  return utrnDigitsToBytes(digits) === null ? { reason: 'not a valid code' } : digits;
}

/**
 * Sends ConsumerTopUp with the UTRN. The pending mark shows the amount the code says (its pence
 * field: the customer's own code, not yet a balance); the meter alone decides whether it counts.
 */
export function sendTopUp(context: PpmidContext, digits: string, hw: number): Partial<PpmidContext> {
  const bytes = utrnDigitsToBytes(digits);
  const amountPounds = bytes === null ? 0 : utrnFieldsOf(bytes).pence / 100;
  const c = command(context, hw, TOP_UP, encodeConsumerTopUp(FROM_PPMID, digits), 'top-up sent', { amountPounds });
  c.pendingTopUp = { seq: c.seq!, afterPoll: context.pollIndex, amountPounds, creditBefore: context.data.credit, debtBefore: context.data.debt, status: 'sent', reason: '', held: -1, goneAt: -1 };
  c.topUpRefused = null;
  return c;
}

/** The pending top-up with `status` (and `reason`), or nothing to change when there is none. */
export function topUpTo(context: PpmidContext, status: TopUpStatus, reason: string): Partial<PpmidContext> {
  const p = context.pendingTopUp;
  return p === null ? {} : { pendingTopUp: merge(p, { status, reason }) };
}

/** On its way or at the hub: another code waits until it is settled. */
export function topUpInFlight(context: PpmidContext): boolean {
  const p = context.pendingTopUp;
  return p !== null && (p.status === 'sent' || p.status === 'atHub');
}

/**
 * The poll reads HeldCommands while the hub may hold the top-up: on its way, at the hub, or failed
 * for a reason of the hub's (it may yet turn up there: its acknowledgement lost, not the command).
 */
export function topUpWatched(context: PpmidContext): boolean {
  const p = context.pendingTopUp;
  return p !== null && p.status !== 'applied' && context.topUpRefused === null;
}

/**
 * Back to "at the hub": a top-up restored from storage still on its way or at the hub, or a failed
 * one the GPF's HeldCommands lists after all.
 */
export function topUpAtHubNow(context: PpmidContext): boolean {
  const p = context.pendingTopUp;
  return p !== null && (topUpInFlight(context) || (p.status === 'failed' && context.topUpRefused === null && p.held === 1));
}

/**
 * At the hub, settled by a poll: no longer held and a Prepayment read from a later poll (or this
 * one, if it already shows the effect); without HeldCommands, the effect alone.
 */
export function topUpSettled(context: PpmidContext): boolean {
  const p = context.pendingTopUp;
  if (p === null || p.held === 1) return false;
  return topUpEffectSeen(context) || (p.held === 0 && context.lastPrepayPoll > p.goneAt);
}

/**
 * How a top-up no longer at the hub ended, when the meter's answer never reached us: applied when
 * the balance shows it, else failed (no longer held, or never confirmed by a GPF that cannot say).
 */
export function settleTopUp(context: PpmidContext): Partial<PpmidContext> {
  const p = context.pendingTopUp;
  if (p === null) return {};
  const c = topUpEffectSeen(context) ? topUpTo(context, 'applied', '') : topUpTo(context, 'failed', p.held === 0 ? TOP_UP_GONE : TOP_UP_UNCONFIRMED);
  const s = c.pendingTopUp!.status;
  c.outbox = queued(context, [log(s === 'applied' ? 'info' : 'warn', s === 'applied' ? 'top-up confirmed by meter' : 'top-up failed', { reason: c.pendingTopUp!.reason })]);
  return c;
}

/** The meter's ConsumerTopUpResponse (forwarded by the GPF) to our pending top-up: its Result Type, or null. */
export function topUpResponseResult(context: PpmidContext, event: HanFrameEvent): number | null {
  const p = context.pendingTopUp;
  const h = event.frame.header;
  const c = event.frame.command;
  if (p === null || p.status === 'applied' || event.src !== context.gpf || event.clusterId !== PREPAYMENT || h.frameType !== 'cluster' || h.direction !== 'toClient') return null;
  if (h.commandId !== CONSUMER_TOP_UP_RESPONSE || h.sequence !== p.seq || c.kind !== 'other') return null;
  const r = decodeConsumerTopUpResponse(c.payload);
  return r === null ? null : r.resultType;
}

export function topUpRefusedByMeter(context: PpmidContext, event: HanFrameEvent): boolean {
  const r = topUpResponseResult(context, event);
  return r !== null && !isTopUpAccepted(r);
}

export function topUpAcceptedByMeter(context: PpmidContext, event: HanFrameEvent): boolean {
  const r = topUpResponseResult(context, event);
  return r !== null && isTopUpAccepted(r);
}

/** What the screen says for a refusal's Result Type. */
export function refusalText(resultType: number | null): string {
  if (resultType === TopUpResult.rejectedDuplicate) return 'Code already used';
  if (resultType === TopUpResult.rejectedNotThisMeter) return 'Code not for this meter';
  if (resultType === TopUpResult.rejectedTooOld) return 'Code too old';
  if (resultType === TopUpResult.rejectedInvalid) return 'Code not valid';
  return 'Code not accepted';
}

/** The GPF's Default Response to our pending command `seq`: its status, or null if this frame is not it. */
export function commandAckStatus(context: PpmidContext, event: HanFrameEvent, seq: number, commandId: number): number | null {
  const c = event.frame.command;
  return event.src === context.gpf && event.clusterId === PREPAYMENT && c.kind === 'defaultResponse' && isDefaultResponseTo(event.frame, seq, commandId) ? c.status : null;
}

/** A Prepayment read from a poll started after the button shows EC selected or in use. */
export function ecEffectSeen(context: PpmidContext): boolean {
  const p = context.pendingEc;
  const s = context.data.creditStatus;
  return p !== null && context.lastPrepayPoll > p.afterPoll && s !== null && (s & (EC_SELECTED | EC_IN_USE)) !== 0;
}

/** A Prepayment read from a poll started after the button shows more credit or less debt. */
export function topUpEffectSeen(context: PpmidContext): boolean {
  const p = context.pendingTopUp;
  if (p === null || p.status !== 'atHub' || context.lastPrepayPoll <= p.afterPoll) return false;
  const credit = context.data.credit;
  const debt = context.data.debt;
  return (credit !== null && p.creditBefore !== null && credit > p.creditBefore) || (debt !== null && p.debtBefore !== null && debt < p.debtBefore);
}
