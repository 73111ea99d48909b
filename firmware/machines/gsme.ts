import { assign, emit, raise, setup } from 'xstate';
import type { DeviceClock, Eui64 } from '../platform/index.ts';
import {
  AttributeReportingStatus,
  ClusterId,
  Metering,
  MeteringDeviceType,
  Prepayment,
  Price,
  SupplyStatus,
  Time,
  TimeStatusBit,
  UnitOfMeasure,
  UTC_TIME_INVALID,
  ZclGeneralCommand,
  ZclStatus,
  utcTimeFromUnixMs,
  utcTimeToUnixMs,
} from '../zcl/index.ts';
import type { AttributeReport, ZclFrame } from '../zcl/index.ts';
import { FLUSH, sameInputs, clusterCommandFrame, defaultResponseFrame, isDefaultResponseTo, nextSeq, readAttributesFrame, reportAttributesFrame } from './han-events.ts';
import type { FlushEvent, HanFrameEvent, HanSendEmitted, LogEmitted, OutboxEmitted, StateEmitted } from './han-events.ts';
import { moneyPerPenny, resolveGsmeConfig } from './gsme-config.ts';
import type { Firmware, GsmeConfig, GsmeInput } from './gsme-config.ts';
import { addBill, addFlow, initialRegisters, rollBillingPeriod } from './gsme-registers.ts';
import type { GsmeRegisters } from './gsme-registers.ts';
import {
  charge,
  creditStatus,
  creditStatusNames,
  describePrepaymentChange,
  enableSupply,
  gasCost,
  initialPrepayment,
  selectEmergencyCredit,
  standingCharge,
  toPounds,
  topUp,
} from './gsme-prepayment.ts';
import type { PrepaymentState } from './gsme-prepayment.ts';
import { decodePrepaymentCommand } from './prepayment-commands.ts';
import { CONSUMER_TOP_UP_RESPONSE, TopUpResult, checkMeterUtrn, encodeConsumerTopUpResponse, resultForRefusal } from './gsme-topup.ts';
import { emptyUtrnWindow } from '../codec/utrn.ts';
import type { UtrnWindow } from '../codec/utrn.ts';
import { prngJitter, prngSeed } from './prng.ts';
import { repeatedForwardAnswer, persistAfterCommand, persistOncePerWake, restoreGsme } from './gsme-persist.ts';
import type { PersistEmitted } from './persist-record.ts';

export { GSME_DEFAULT_CONFIG, resolveGsmeConfig } from './gsme-config.ts';
export type { Firmware, GsmeConfig, GsmeInput } from './gsme-config.ts';

/** The gas sensor: volume since the previous GAS_FLOW (the simulator sends one a minute). */
export interface GasFlowEvent {
  type: 'GAS_FLOW';
  volumeM3: number;
}

/** The customer at the meter. */
export interface MeterButtonEvent {
  type: 'METER_BUTTON';
  /** `topUp`: a UTRN keyed in at the meter itself (20 digits). */
  action: 'activateEc' | 'enableSupply' | 'topUp';
  utrn?: string;
}

/** The meter loses (or regains) its clock synchronisation: a fault the simulator injects. */
export interface ClockFaultEvent {
  type: 'CLOCK_FAULT';
  unsynchronised: boolean;
}

export type GsmeEvent = HanFrameEvent | GasFlowEvent | MeterButtonEvent | ClockFaultEvent | FlushEvent;
export type GsmeEmitted = HanSendEmitted | StateEmitted | LogEmitted | PersistEmitted;

/** The values taken at step 1 of a wake; retries resend them unchanged. */
export interface GsmeReadingSnapshot {
  /** Meter clock (hardware clock + correction) when taken, Unix ms. */
  meterTimeMs: number;
  metering: AttributeReport[];
  price: AttributeReport[];
  /** Null in credit mode: no Prepayment cluster. */
  prepayment: AttributeReport[] | null;
}

export interface GsmeContext {
  eui: Eui64;
  gpf: Eui64;
  firmware: Firmware;
  config: GsmeConfig;
  clock: DeviceClock;
  /** xorshift32 state. */
  prng: number;
  /** Correction added to the hardware clock; the initial error until the first clock sync. */
  clockOffsetMs: number;
  /** Last ZCL sequence number used. */
  seq: number;
  /** Sequence number of the frame whose answer we wait for. */
  awaitSeq: number;
  registers: GsmeRegisters;
  pay: PrepaymentState;
  /** The UTRN counters already applied (plain JSON: kept with the rest of the meter's truth). */
  utrnWindow: UtrnWindow;
  /** Hardware clock of the last standing-charge accrual. */
  lastAccrualHwMs: number;
  snapshot: GsmeReadingSnapshot | null;
  /** Repeats of the current report so far. */
  attempt: number;
  /** A forwarded command changed the state since the snapshot: report again before sleeping. */
  changedByCommand: boolean;
  clockSyncTried: boolean;
  wakeCount: number;
  /** Hardware clock at the start of the current wake (wakes are spaced from start to start). */
  wakeStartedHwMs: number;
  lastReport: 'ok' | 'rejected' | 'failed' | null;
  /** Delay of the coming sleep, drawn on entering `sleeping`. */
  nextWakeMs: number;
  outbox: GsmeEmitted[];
  lastStateJson: string;
  /** What the last summary was worked out from (summaryInputs), or null before the first. */
  stateOf: unknown[] | null;
  /** wakeCount of the last write to storage (gsme-persist.ts); -1 before any. */
  savedWake: number;
  /** Forwarded commands applied lately (gsme-persist.ts `forwardKey`): a repeat is answered, not applied again. */
  forwardsApplied: string[];
}

export function meterNow(context: Pick<GsmeContext, 'clock' | 'clockOffsetMs'>): number {
  return context.clock.now() + context.clockOffsetMs;
}

function initialContext(input: GsmeInput): GsmeContext {
  const config = resolveGsmeConfig(input.config);
  const hw = input.clock.now();
  const restored = restoreGsme(input.restored, input.eui);
  const base: GsmeContext = {
    eui: input.eui,
    gpf: input.peers.gpf,
    firmware: input.firmware,
    config,
    clock: input.clock,
    prng: prngSeed(input.seed),
    clockOffsetMs: config.clockOffsetMs,
    seq: 0,
    awaitSeq: -1,
    registers: initialRegisters(config, hw + config.clockOffsetMs),
    pay: initialPrepayment(config),
    utrnWindow: emptyUtrnWindow(),
    lastAccrualHwMs: hw,
    snapshot: null,
    attempt: 0,
    changedByCommand: false,
    clockSyncTried: false,
    wakeCount: 0,
    wakeStartedHwMs: hw,
    lastReport: null,
    nextWakeMs: config.wakeIntervalMs,
    outbox: [],
    lastStateJson: '',
    stateOf: null,
    savedWake: -1,
    forwardsApplied: [],
  };
  return { ...base, ...restored.fields, outbox: restored.notes };
}

const isPrepayment = (c: GsmeContext): boolean => c.config.paymentMode === 'prepayment';

function clampInt32(v: number): number {
  return Math.max(-0x8000_0000, Math.min(0x7fff_ffff, Math.round(v)));
}

function clampUint(v: number, bytes: number): number {
  return Math.max(0, Math.min(2 ** (8 * bytes) - 1, Math.round(v)));
}

/**
 * Standing charge for the hardware-clock time since the last accrual, gas cost of `volumeM3`
 * (counted only while the supply is on), bill to date, prepayment balances and supply.
 */
function meterStep(context: GsmeContext, volumeM3: number): Partial<GsmeContext> {
  const { config } = context;
  const hw = context.clock.now();
  const meterTime = hw + context.clockOffsetMs;
  let pay = context.pay;
  const before = pay;
  let registers = rollBillingPeriod(config, context.registers, meterTime);

  const standing = standingCharge(config, pay, hw - context.lastAccrualHwMs);
  pay = { ...pay, standingCarry: standing.standingCarry };

  const flowing = !isPrepayment(context) || pay.supply === SupplyStatus.on;
  let cost = 0;
  if (flowing && volumeM3 > 0) {
    const flow = addFlow(config, registers, volumeM3, meterTime);
    registers = flow.registers;
    const gas = gasCost(config, pay, flow.kwh);
    pay = { ...pay, costResidue: gas.costResidue };
    cost = gas.cost;
  }
  registers = addBill(registers, cost + standing.cost);
  if (isPrepayment(context)) pay = charge(pay, cost + standing.cost);
  return {
    registers,
    pay,
    lastAccrualHwMs: Math.max(hw, context.lastAccrualHwMs),
    outbox: [...context.outbox, ...describePrepaymentChange(config, before, pay)],
  };
}

function takeReadings(context: GsmeContext): GsmeReadingSnapshot {
  const { config, registers: r, pay } = context;
  const meterTimeMs = meterNow(context);
  const metering: AttributeReport[] = [{ attributeId: Metering.CurrentSummationDelivered.id, type: Metering.CurrentSummationDelivered.type, value: clampUint(r.volume, 6) }];
  if (context.firmware === 'secmp0015') {
    // SECMP0015: always sent by new firmware; an unrepresentable clock (before 2000) reads as invalid.
    metering.push({ attributeId: Metering.ReadingSnapshotTime.id, type: Metering.ReadingSnapshotTime.type, value: utcTimeFromUnixMs(meterTimeMs) ?? UTC_TIME_INVALID });
  }
  metering.push(
    { attributeId: Metering.SupplyStatus.id, type: Metering.SupplyStatus.type, value: isPrepayment(context) ? pay.supply : SupplyStatus.on },
    { attributeId: Metering.CurrentTier1SummationDelivered.id, type: Metering.CurrentTier1SummationDelivered.type, value: clampUint(r.tiers[0], 6) },
    { attributeId: Metering.CurrentTier2SummationDelivered.id, type: Metering.CurrentTier2SummationDelivered.type, value: clampUint(r.tiers[1], 6) },
    { attributeId: Metering.CurrentTier3SummationDelivered.id, type: Metering.CurrentTier3SummationDelivered.type, value: clampUint(r.tiers[2], 6) },
    { attributeId: Metering.CurrentTier4SummationDelivered.id, type: Metering.CurrentTier4SummationDelivered.type, value: clampUint(r.tiers[3], 6) },
    { attributeId: Metering.Status.id, type: Metering.Status.type, value: config.meterStatus & 0xff },
    { attributeId: Metering.UnitOfMeasure.id, type: Metering.UnitOfMeasure.type, value: UnitOfMeasure.m3 },
    { attributeId: Metering.Multiplier.id, type: Metering.Multiplier.type, value: clampUint(config.multiplier, 3) },
    { attributeId: Metering.Divisor.id, type: Metering.Divisor.type, value: clampUint(config.divisor, 3) },
    { attributeId: Metering.MeteringDeviceType.id, type: Metering.MeteringDeviceType.type, value: MeteringDeviceType.gas },
    { attributeId: Metering.CurrentNoTierBlock1SummationDelivered.id, type: Metering.CurrentNoTierBlock1SummationDelivered.type, value: clampUint(r.blocks[0], 6) },
    { attributeId: Metering.CurrentNoTierBlock2SummationDelivered.id, type: Metering.CurrentNoTierBlock2SummationDelivered.type, value: clampUint(r.blocks[1], 6) },
    { attributeId: Metering.CurrentNoTierBlock3SummationDelivered.id, type: Metering.CurrentNoTierBlock3SummationDelivered.type, value: clampUint(r.blocks[2], 6) },
    { attributeId: Metering.CurrentNoTierBlock4SummationDelivered.id, type: Metering.CurrentNoTierBlock4SummationDelivered.type, value: clampUint(r.blocks[3], 6) },
    { attributeId: Metering.BillToDateDelivered.id, type: Metering.BillToDateDelivered.type, value: clampUint(r.billToDate, 4) },
  );
  const price: AttributeReport[] = [
    { attributeId: Price.Currency.id, type: Price.Currency.type, value: config.currency & 0xffff },
    { attributeId: Price.PriceTrailingDigit.id, type: Price.PriceTrailingDigit.type, value: config.priceTrailingDigit & 0xff },
  ];
  const prepayment: AttributeReport[] | null = isPrepayment(context)
    ? [
        { attributeId: Prepayment.CreditRemaining.id, type: Prepayment.CreditRemaining.type, value: clampInt32(pay.credit) },
        { attributeId: Prepayment.EmergencyCreditRemaining.id, type: Prepayment.EmergencyCreditRemaining.type, value: clampInt32(pay.ec) },
        { attributeId: Prepayment.CreditStatus.id, type: Prepayment.CreditStatus.type, value: creditStatus(config, pay) },
        { attributeId: Prepayment.AccumulatedDebt.id, type: Prepayment.AccumulatedDebt.type, value: clampInt32(pay.debt) },
        { attributeId: Prepayment.DebtAmount1.id, type: Prepayment.DebtAmount1.type, value: clampUint(config.debtAmounts[0], 4) },
        { attributeId: Prepayment.DebtAmount2.id, type: Prepayment.DebtAmount2.type, value: clampUint(config.debtAmounts[1], 4) },
        { attributeId: Prepayment.DebtAmount3.id, type: Prepayment.DebtAmount3.type, value: clampUint(config.debtAmounts[2], 4) },
      ]
    : null;
  return { meterTimeMs, metering, price, prepayment };
}

/** The observable summary published as `state` (JSON). */
export function gsmeSummary(context: GsmeContext): Record<string, unknown> {
  const { config, pay } = context;
  const prepay = isPrepayment(context);
  const supplyStatus = prepay ? pay.supply : SupplyStatus.on;
  const status = prepay ? creditStatus(config, pay) : null;
  return {
    device: 'gsme',
    firmware: context.firmware,
    paymentMode: config.paymentMode,
    supply: supplyStatus === SupplyStatus.on ? 'on' : supplyStatus === SupplyStatus.armed ? 'armed' : 'off',
    supplyStatus,
    creditGbp: prepay ? toPounds(config, pay.credit) : null,
    emergencyCreditGbp: prepay ? toPounds(config, pay.ec) : null,
    debtGbp: prepay ? toPounds(config, pay.debt) : null,
    creditStatus: status,
    creditStatusFlags: status === null ? [] : creditStatusNames(status),
    volumeM3: context.registers.volume / config.divisor,
    clockOffsetMs: context.clockOffsetMs,
    clockFault: config.clockFault,
    wakeCount: context.wakeCount,
    lastReport: context.lastReport,
  };
}

/** Everything gsmeSummary reads (see sameInputs). */
function summaryInputs(c: GsmeContext): unknown[] {
  return [c.firmware, c.config, c.pay, c.registers, c.clockOffsetMs, c.wakeCount, c.lastReport];
}

function fromGpf(context: GsmeContext, event: GsmeEvent): event is HanFrameEvent {
  return event.type === 'HAN_FRAME' && event.src === context.gpf;
}

function isReportAck(context: GsmeContext, event: GsmeEvent): boolean {
  return fromGpf(context, event) && event.clusterId === ClusterId.metering && isDefaultResponseTo(event.frame, context.awaitSeq, ZclGeneralCommand.reportAttributes);
}

function isTimeResponse(context: GsmeContext, event: GsmeEvent): boolean {
  return (
    fromGpf(context, event) &&
    event.clusterId === ClusterId.time &&
    event.frame.command.kind === 'readAttributesResponse' &&
    event.frame.header.sequence === context.awaitSeq
  );
}

function wantsClockSync(context: GsmeContext): boolean {
  return context.config.clockFault !== 'unsynchronised' && !context.clockSyncTried;
}

function log(level: LogEmitted['level'], message: string, data?: Record<string, unknown>): LogEmitted {
  return data === undefined ? { type: 'log', level, message } : { type: 'log', level, message, data };
}

function send(context: GsmeContext, clusterId: number, frame: ZclFrame): HanSendEmitted {
  return { type: 'han.send', dst: context.gpf, clusterId, frame };
}

/**
 * The machine's named actions, guards and delays (XState's `setup`), apart from its state
 * structure: a compact board build takes these and the precompiled table, not the machine.
 */
export const gsmeSetup = setup({
  types: {
    context: {} as GsmeContext,
    events: {} as GsmeEvent,
    input: {} as GsmeInput,
    emitted: {} as OutboxEmitted<GsmeEmitted>,
  },
  actions: {
    drawWakeDelay: assign(({ context }) => {
      const { state, jitter } = prngJitter(context.prng, context.config.wakeJitterMs);
      // Wakes are spaced from start to start: the time spent awake comes off the sleep.
      const awakeFor = Math.max(0, context.clock.now() - context.wakeStartedHwMs);
      return { prng: state, nextWakeMs: Math.max(1, context.config.wakeIntervalMs + jitter - awakeFor) };
    }),
    beginWake: assign(({ context }) => ({
      wakeCount: context.wakeCount + 1,
      wakeStartedHwMs: context.clock.now(),
      clockSyncTried: false,
    })),
    takeSnapshot: assign(({ context }) => {
      const accrued = { ...context, ...meterStep(context, 0) };
      return { ...accrued, snapshot: takeReadings(accrued), attempt: 0, changedByCommand: false };
    }),
    queueReport: assign(({ context }) => {
      const snap = context.snapshot ?? takeReadings(context);
      const frames: [number, AttributeReport[]][] = [
        [ClusterId.metering, snap.metering],
        [ClusterId.price, snap.price],
        ...(snap.prepayment ? ([[ClusterId.prepayment, snap.prepayment]] as [number, AttributeReport[]][]) : []),
      ];
      let seq = context.seq;
      const out: GsmeEmitted[] = [];
      for (const [clusterId, reports] of frames) {
        seq = nextSeq(seq);
        out.push(send(context, clusterId, reportAttributesFrame(seq, reports, true)));
      }
      seq = nextSeq(seq);
      const complete: AttributeReport = { attributeId: Metering.AttributeReportingStatus.id, type: Metering.AttributeReportingStatus.type, value: AttributeReportingStatus.complete };
      out.push(send(context, ClusterId.metering, reportAttributesFrame(seq, [complete], false)));
      return { seq, awaitSeq: seq, outbox: [...context.outbox, ...out] };
    }),
    countRetry: assign(({ context }) => ({
      attempt: context.attempt + 1,
      outbox: [...context.outbox, log('info', 'no Default Response to the report: repeating it', { attempt: context.attempt + 1 })],
    })),
    markReportAcked: assign(({ context, event }) => {
      const status = event.type === 'HAN_FRAME' && event.frame.command.kind === 'defaultResponse' ? event.frame.command.status : ZclStatus.FAILURE;
      const ok = status === ZclStatus.SUCCESS;
      return {
        awaitSeq: -1,
        lastReport: ok ? ('ok' as const) : ('rejected' as const),
        outbox: ok ? context.outbox : [...context.outbox, log('warn', 'GPF rejected the report', { status })],
      };
    }),
    markReportFailed: assign(({ context }) => ({
      awaitSeq: -1,
      lastReport: 'failed' as const,
      outbox: [...context.outbox, log('warn', 'report not acknowledged: sleeping until the next wake', { attempts: context.attempt + 1 })],
    })),
    queueTimeRead: assign(({ context }) => {
      const seq = nextSeq(context.seq);
      return {
        seq,
        awaitSeq: seq,
        clockSyncTried: true,
        outbox: [...context.outbox, send(context, ClusterId.time, readAttributesFrame(seq, [Time.Time.id, Time.TimeStatus.id]))],
      };
    }),
    applyClockSync: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME' || event.frame.command.kind !== 'readAttributesResponse') return {};
      let timeMs: number | null = null;
      let timeStatus = 0;
      for (const r of event.frame.command.records) {
        if (r.status !== 0 || !('value' in r) || typeof r.value !== 'number') continue;
        if (r.attributeId === Time.Time.id) timeMs = utcTimeToUnixMs(r.value);
        if (r.attributeId === Time.TimeStatus.id) timeStatus = r.value;
      }
      const trusted = (timeStatus & (TimeStatusBit.master | TimeStatusBit.synchronized)) !== 0;
      if (timeMs === null || !trusted) {
        return { awaitSeq: -1, outbox: [...context.outbox, log('warn', 'comms hub time not usable: clock not corrected', { timeStatus })] };
      }
      const clockOffsetMs = timeMs - context.clock.now();
      const correctionMs = clockOffsetMs - context.clockOffsetMs;
      const out = Math.abs(correctionMs) >= 1000 ? [log('info', 'clock synchronised', { correctionMs })] : [];
      return { awaitSeq: -1, clockOffsetMs, outbox: [...context.outbox, ...out] };
    }),
    logClockSyncFailed: assign(({ context }) => ({
      awaitSeq: -1,
      outbox: [...context.outbox, log('warn', 'no Time response: clock not synchronised this wake')],
    })),
    applyCommand: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME' || event.frame.command.kind !== 'other') return {};
      const frame = event.frame;
      const request = decodePrepaymentCommand(frame.header.commandId, event.frame.command.payload);
      const answer = (status: number): GsmeEmitted[] =>
        frame.header.disableDefaultResponse && status === ZclStatus.SUCCESS ? [] : [send(context, ClusterId.prepayment, defaultResponseFrame(frame, status))];
      if (request.kind === 'invalid') {
        return { outbox: [...context.outbox, log('warn', 'prepayment command refused', { reason: request.reason }), ...answer(ZclStatus.INVALID_FIELD)] };
      }
      const repeat = repeatedForwardAnswer(context, frame);
      if (repeat !== undefined) {
        // The GPF did not hear our answer: the same answer again, nothing applied twice.
        const again = repeat === null ? answer(ZclStatus.SUCCESS) : [send(context, ClusterId.prepayment, clusterCommandFrame(frame.header.sequence, 'toClient', CONSUMER_TOP_UP_RESPONSE, repeat, true))];
        return { outbox: [...context.outbox, log('info', 'repeated command: answered again, not applied', { commandId: frame.header.commandId }), ...again] };
      }
      const settled = { ...context, ...meterStep(context, 0) };
      if (request.kind === 'selectEmergencyCredit') {
        const r = selectEmergencyCredit(context.config, settled.pay);
        const notes = r.accepted ? describePrepaymentChange(context.config, settled.pay, r.state) : [log('warn', 'emergency credit not available: command ignored')];
        return {
          ...settled,
          pay: r.state,
          changedByCommand: context.changedByCommand || r.accepted,
          outbox: [...settled.outbox, log('info', 'emergency credit activation received', { accepted: r.accepted }), ...notes, ...answer(r.accepted ? ZclStatus.SUCCESS : ZclStatus.FAILURE)],
        };
      }
      // ConsumerTopUp: answered with a ConsumerTopUpResponse (same sequence number), whatever the result.
      const respond = (resultType: number, value: number, credit: number): GsmeEmitted =>
        send(context, ClusterId.prepayment, clusterCommandFrame(frame.header.sequence, 'toClient', CONSUMER_TOP_UP_RESPONSE, encodeConsumerTopUpResponse({ resultType, topUpValue: value, source: request.originatingDevice, creditRemaining: clampInt32(credit) }), true));
      if (!isPrepayment(context)) {
        return { outbox: [...settled.outbox, log('warn', 'top-up refused: meter not in prepayment mode'), respond(TopUpResult.rejectedError, 0, 0)] };
      }
      const t = checkMeterUtrn(request.code, context.config.topUpKey, context.eui, context.utrnWindow);
      if (!t.ok) {
        return { outbox: [...settled.outbox, log('warn', 'top-up refused', { reason: t.reason }), respond(resultForRefusal(t.reason), 0, settled.pay.credit)] };
      }
      const amount = t.pence * moneyPerPenny(context.config.priceTrailingDigit);
      const pay = topUp(context.config, settled.pay, amount);
      return {
        ...settled,
        pay,
        utrnWindow: t.window,
        changedByCommand: true,
        outbox: [
          ...settled.outbox,
          log('info', 'top-up applied', { amountGbp: toPounds(context.config, amount), counter: t.counter, creditGbp: toPounds(context.config, pay.credit) }),
          ...describePrepaymentChange(context.config, settled.pay, pay),
          respond(TopUpResult.accepted, amount, pay.credit),
        ],
      };
    }),
    applyFlow: assign(({ context, event }) => {
      if (event.type !== 'GAS_FLOW') return {};
      return meterStep(context, Number.isFinite(event.volumeM3) ? event.volumeM3 : 0);
    }),
    pressButton: assign(({ context, event }) => {
      if (event.type !== 'METER_BUTTON' || !isPrepayment(context)) return {};
      const settled = { ...context, ...meterStep(context, 0) };
      if (event.action === 'topUp') {
        const t = checkMeterUtrn(typeof event.utrn === 'string' ? event.utrn : '', context.config.topUpKey, context.eui, context.utrnWindow);
        if (!t.ok) return { outbox: [...settled.outbox, log('warn', 'meter top-up refused', { reason: t.reason })] };
        const amount = t.pence * moneyPerPenny(context.config.priceTrailingDigit);
        const pay = topUp(context.config, settled.pay, amount);
        return {
          ...settled,
          pay,
          utrnWindow: t.window,
          outbox: [...settled.outbox, log('info', 'top-up keyed in at the meter', { amountGbp: toPounds(context.config, amount), counter: t.counter }), ...describePrepaymentChange(context.config, settled.pay, pay)],
        };
      }
      const r = event.action === 'activateEc' ? selectEmergencyCredit(context.config, settled.pay) : enableSupply(settled.pay);
      const notes = r.accepted ? describePrepaymentChange(context.config, settled.pay, r.state) : [log('info', `meter button ${event.action}: nothing to do`)];
      return { ...settled, pay: r.state, outbox: [...settled.outbox, ...notes] };
    }),
    setClockFault: assign(({ context, event }) => {
      if (event.type !== 'CLOCK_FAULT') return {};
      const clockFault = event.unsynchronised ? ('unsynchronised' as const) : ('none' as const);
      return { config: { ...context.config, clockFault }, outbox: [...context.outbox, log('warn', `meter clock ${event.unsynchronised ? 'lost' : 'regained'} its synchronisation`)] };
    }),
    /** The summary last in the outbox, when it changed since the last one that went out (only after summaryOutdated). */
    queueState: assign(({ context }) => {
      const stateOf = summaryInputs(context);
      const state = gsmeSummary(context);
      const json = JSON.stringify(state);
      return json === context.lastStateJson ? { stateOf } : { stateOf, lastStateJson: json, outbox: [...context.outbox, { type: 'state' as const, state }] };
    }),
    persistCommand: assign(({ context, event }) => (event.type === 'HAN_FRAME' ? persistAfterCommand(context, event.frame) : {})),
    persistWake: assign(({ context }) => persistOncePerWake(context)),
    flush: raise(FLUSH),
    emitOutbox: emit(({ context }) => ({ type: 'outbox' as const, items: context.outbox })),
    clearOutbox: assign(() => ({ outbox: [] })),
  },
  guards: {
    hasOutbox: ({ context }) => context.outbox.length > 0,
    // A field the summary reads was replaced: queueState then tells whether the summary itself
    // changed (rarely not; the batch may then go out empty).
    summaryOutdated: ({ context }) => !sameInputs(context.stateOf, summaryInputs(context)),
    canRetry: ({ context }) => context.attempt < context.config.retries,
    changedByCommand: ({ context }) => context.changedByCommand,
    isReportAckNeedingSync: ({ context, event }) => isReportAck(context, event) && wantsClockSync(context),
    isReportAckWithChanges: ({ context, event }) => isReportAck(context, event) && context.changedByCommand,
    isReportAck: ({ context, event }) => isReportAck(context, event),
    isTimeResponseWithChanges: ({ context, event }) => isTimeResponse(context, event) && context.changedByCommand,
    isTimeResponse: ({ context, event }) => isTimeResponse(context, event),
    isCommandFromGpf: ({ context, event }) =>
      fromGpf(context, event) && event.clusterId === ClusterId.prepayment && event.frame.header.frameType === 'cluster' && event.frame.header.direction === 'toServer',
  },
  delays: {
    wakeDelay: ({ context }) => context.nextWakeMs,
    ackTimeout: ({ context }) => context.config.ackTimeoutMs,
  },
});

/** The initial context (the machine's `context`), for either runtime. */
export const gsmeContext = ({ input }: { input: GsmeInput }): GsmeContext => initialContext(input);

// Pure: a bundle that imports only the setup and context above leaves the state structure out.
export const gsmeMachine = /* @__PURE__ */ gsmeSetup.createMachine({
  id: 'gsme',
  context: gsmeContext,
  // Power-up counts as a wake: the GPF gets the registers at once.
  initial: 'awake',
  on: {
    GAS_FLOW: { actions: ['applyFlow', 'flush'] },
    METER_BUTTON: { actions: ['pressButton', 'flush'] },
    CLOCK_FAULT: { actions: ['setClockFault', 'flush'] },
    'machine.flush': [
      { guard: 'summaryOutdated', actions: ['queueState', 'emitOutbox', 'clearOutbox'] },
      { guard: 'hasOutbox', actions: ['emitOutbox', 'clearOutbox'] },
    ],
  },
  states: {
    sleeping: {
      // The radio is off: HAN frames are not received.
      entry: ['drawWakeDelay', 'persistWake', 'flush'],
      after: { wakeDelay: { target: 'awake' } },
    },
    awake: {
      entry: ['beginWake', 'takeSnapshot'],
      initial: 'reporting',
      on: {
        // Pending commands the GPF forwards before its Default Response (any time while awake).
        HAN_FRAME: { guard: 'isCommandFromGpf', actions: ['applyCommand', 'persistCommand', 'flush'] },
      },
      states: {
        reporting: {
          entry: ['queueReport', 'flush'],
          on: {
            HAN_FRAME: [
              { guard: 'isReportAckNeedingSync', target: 'syncingClock', actions: ['markReportAcked', 'flush'] },
              { guard: 'isReportAckWithChanges', target: 'reporting', reenter: true, actions: ['markReportAcked', 'takeSnapshot'] },
              { guard: 'isReportAck', target: '#gsme.sleeping', actions: ['markReportAcked'] },
            ],
          },
          after: {
            ackTimeout: [
              { guard: 'canRetry', target: 'reporting', reenter: true, actions: ['countRetry'] },
              { target: '#gsme.sleeping', actions: ['markReportFailed'] },
            ],
          },
        },
        syncingClock: {
          entry: ['queueTimeRead', 'flush'],
          on: {
            HAN_FRAME: [
              { guard: 'isTimeResponseWithChanges', target: 'reporting', actions: ['applyClockSync', 'takeSnapshot'] },
              { guard: 'isTimeResponse', target: '#gsme.sleeping', actions: ['applyClockSync'] },
            ],
          },
          after: {
            ackTimeout: [
              { guard: 'changedByCommand', target: 'reporting', actions: ['logClockSyncFailed', 'takeSnapshot'] },
              { target: '#gsme.sleeping', actions: ['logClockSyncFailed'] },
            ],
          },
        },
      },
    },
  },
});

export type GsmeMachine = typeof gsmeMachine;
