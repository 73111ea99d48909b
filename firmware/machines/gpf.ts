import { assign, emit, raise, setup } from 'xstate';
import { GBCS_USE_CASES } from '../gbcs/use-cases.ts';
import type { DeviceClock, Eui64 } from '../platform/index.ts';
import {
  ClusterId,
  Metering,
  Prepayment,
  PrepaymentCommand,
  Price,
  Time,
  TimeStatusBit,
  UTC_TIME_INVALID,
  ZclDataType,
  ZclStatus,
  priceDecimalPlaces,
  utcTimeFromUnixMs,
} from '../zcl/index.ts';
import type { ReadAttributeRecord, ZclFrame } from '../zcl/index.ts';
import { FLUSH, sameInputs, clusterCommandFrame, defaultResponseFrame, nextSeq, readAttributesResponseFrame } from './han-events.ts';
import type { FlushEvent, HanFrameEvent, HanSendEmitted, LogEmitted, OutboxEmitted, StateEmitted } from './han-events.ts';
import type { Firmware } from './gsme-config.ts';
import { commitStaged, emptyMirror, missingClusters, mirrorNumber, readFromMirror, snapshotTimeMs, stageReports } from './gpf-mirror.ts';
import type { GpfMirror, UnpopulatedSnapshotTime } from './gpf-mirror.ts';
import { buildWanResponse, gsmeTimeReliability, servesUseCase } from './gpf-wan.ts';
import type { UnreliableGsmeTimeStatus, WanRequestEvent, WanRespondEmitted } from './gpf-wan.ts';
import { isQueuedPrepaymentCommand } from './prepayment-commands.ts';
import { deviceLogOf, expectsResponse, isJoined, isJoinedPpmid, isTopUpCommand, isTopUpResponseFromGsme } from './gpf-device-log.ts';
import type { DeviceLog } from './gpf-device-log.ts';
import { prngSeed } from './prng.ts';
import { HANLAB_MANUFACTURER_CODE, HELD_COMMANDS, heldCommandsValue } from './held-commands.ts';
import { persistGpf, restoreGpf } from './gpf-persist.ts';
import type { PersistEmitted } from './persist-record.ts';

export type { GpfMirror, MirrorEntry, UnpopulatedSnapshotTime } from './gpf-mirror.ts';
export type { UnreliableGsmeTimeStatus, WanClusterRead, WanDateTime, WanRequestEvent, WanRespondEmitted, WanUseCase } from './gpf-wan.ts';

export interface GpfConfig {
  /** New GPF's answer to a read of 0x0007 before the GSME sent one: 0xFFFFFFFF (hanlab decision) or 0x86 (FIA). */
  unpopulatedSnapshotTime: UnpopulatedSnapshotTime;
  /** A report burst not completed (AttributeReportingStatus) this long after its last frame is discarded. */
  reportAssemblyTimeoutMs: number;
  /**
   * The GSME's time counts as RELIABLE when its snapshot was taken within this of its arrival by
   * the CH clock (a report may legitimately arrive (retries + 1) × ackTimeout = 30 s late).
   */
  gsmeClockToleranceMs: number;
  /** Commands waiting for the GSME; more are refused with FAILURE. */
  maxPendingCommands: number;
  /**
   * Time cluster TimeStatus served to HAN devices; also the reliability of the GPF's own clock in
   * remote responses (master or synchronised: RELIABLE, else UNRELIABLE).
   */
  timeStatus: number;
  /** Time status byte for a GSME time judged UNRELIABLE: 0x06 (bits as SECMP0015 defines them) or 0x02 (RTDS's byte). */
  unreliableGsmeTimeStatus: UnreliableGsmeTimeStatus;
}

export const GPF_DEFAULT_CONFIG: Readonly<GpfConfig> = {
  unpopulatedSnapshotTime: 'invalid',
  reportAssemblyTimeoutMs: 30_000,
  gsmeClockToleranceMs: 120_000,
  maxPendingCommands: 8,
  timeStatus: TimeStatusBit.synchronized,
  unreliableGsmeTimeStatus: 0x06,
};

export interface GpfInput {
  eui: Eui64;
  peers: { gsme: Eui64; ppmid?: Eui64; ihd?: Eui64 };
  firmware: Firmware;
  /** Merged over GPF_DEFAULT_CONFIG. */
  config?: Partial<GpfConfig>;
  /** The comms hub clock (DCC-synchronised). */
  clock: DeviceClock;
  seed: number;
  /** The record the GPF last wrote to storage (gpf-persist.ts), read back by the runtime at start. */
  restored?: string | null;
}

/** A HAN device's command waiting for the GSME's next wake. */
export interface PendingCommand {
  src: Eui64;
  commandId: number;
  payload: Uint8Array;
  /** The sender's ZCL sequence number (a ConsumerTopUpResponse goes back with it). */
  sequence: number;
  /** CH clock, Unix ms. */
  receivedAtMs: number;
  /**
   * Sequence number it was forwarded with (-1: not yet). Kept until the GSME's Default Response to
   * it arrives and resent with the same number at the next wake otherwise.
   */
  fwdSeq: number;
}

export type GpfEvent = HanFrameEvent | WanRequestEvent | FlushEvent;
export type GpfEmitted = HanSendEmitted | WanRespondEmitted | StateEmitted | LogEmitted | PersistEmitted;

export interface GpfContext {
  eui: Eui64;
  gsme: Eui64;
  /** The devices joined to this GPF (gpf-device-log.ts): only they are served. */
  deviceLog: DeviceLog;
  firmware: Firmware;
  config: GpfConfig;
  clock: DeviceClock;
  /** xorshift32 state (the GPF draws nothing yet; kept for the shared input contract). */
  prng: number;
  mirror: GpfMirror;
  /** The report burst being assembled, committed on AttributeReportingStatus = complete. */
  staged: GpfMirror;
  /** CH clock at commit minus the snapshot time, for the mirror's current snapshot. */
  skewAtReceiptMs: number | null;
  lastReportAtMs: number | null;
  reportsReceived: number;
  pending: PendingCommand[];
  seq: number;
  outbox: GpfEmitted[];
  lastStateJson: string;
  /** What the last summary was worked out from (summaryInputs), or null before the first. */
  stateOf: unknown[] | null;
}

function initialContext(input: GpfInput): GpfContext {
  const restored = restoreGpf(input.restored, input.eui);
  const base: GpfContext = {
    eui: input.eui,
    gsme: input.peers.gsme,
    deviceLog: deviceLogOf(input.peers),
    firmware: input.firmware,
    config: { ...GPF_DEFAULT_CONFIG, ...(input.config ?? {}) },
    clock: input.clock,
    prng: prngSeed(input.seed),
    mirror: emptyMirror(input.firmware),
    staged: {},
    skewAtReceiptMs: null,
    lastReportAtMs: null,
    reportsReceived: 0,
    pending: [],
    seq: 0,
    outbox: [],
    lastStateJson: '',
    stateOf: null,
  };
  return { ...base, ...restored.fields, outbox: restored.notes };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function commandName(commandId: number): string {
  if (commandId === PrepaymentCommand.SelectAvailableEmergencyCredit) return 'selectEmergencyCredit';
  if (commandId === PrepaymentCommand.ConsumerTopUp) return 'topUp';
  return `command${commandId}`;
}

/** The observable summary published as `state` (JSON). */
export function gpfSummary(context: GpfContext): Record<string, unknown> {
  const m = context.mirror;
  const places = priceDecimalPlaces(mirrorNumber(m, ClusterId.price, Price.PriceTrailingDigit.id) ?? 0x50);
  const money = (v: number | null): number | null => (v === null ? null : v / 10 ** places);
  const snap = snapshotTimeMs(m);
  return {
    device: 'gpf',
    firmware: context.firmware,
    snapshotTime: iso(snap),
    snapshotReliable: snap === null ? null : gsmeTimeReliability(snap, context.skewAtReceiptMs, context.lastReportAtMs ?? snap, context.config.gsmeClockToleranceMs) === 'RELIABLE',
    creditGbp: money(mirrorNumber(m, ClusterId.prepayment, Prepayment.CreditRemaining.id)),
    emergencyCreditGbp: money(mirrorNumber(m, ClusterId.prepayment, Prepayment.EmergencyCreditRemaining.id)),
    creditStatus: mirrorNumber(m, ClusterId.prepayment, Prepayment.CreditStatus.id),
    supplyStatus: mirrorNumber(m, ClusterId.metering, Metering.SupplyStatus.id),
    lastReportAt: iso(context.lastReportAtMs),
    reportsReceived: context.reportsReceived,
    pendingCommands: context.pending.map((p) => commandName(p.commandId)),
  };
}

/** Everything gpfSummary reads (see sameInputs). */
function summaryInputs(c: GpfContext): unknown[] {
  return [c.firmware, c.config, c.mirror, c.skewAtReceiptMs, c.lastReportAtMs, c.reportsReceived, c.pending];
}

function isReportFromGsme(context: GpfContext, event: GpfEvent): event is HanFrameEvent {
  return event.type === 'HAN_FRAME' && event.src === context.gsme && event.frame.command.kind === 'reportAttributes';
}

function isCompleteReport(frame: ZclFrame): boolean {
  return (
    frame.command.kind === 'reportAttributes' &&
    frame.command.reports.some((r) => r.attributeId === Metering.AttributeReportingStatus.id && r.value === 1)
  );
}

/**
 * The clusters a burst ending with this frame would still miss (docs/decisions.md "Atomic mirror
 * updates"). A new GPF applies and acknowledges a burst only when none is missing; a legacy GPF
 * applies whatever arrived before the end marker (none missing, as it always did).
 */
function burstMissing(context: GpfContext, event: HanFrameEvent): number[] {
  if (context.firmware !== 'secmp0015' || event.frame.command.kind !== 'reportAttributes') return [];
  return missingClusters(context.mirror, stageReports(context.staged, event.clusterId, event.frame.command.reports, context.firmware));
}

function isPrepaymentCommandForGsme(context: GpfContext, event: GpfEvent): event is HanFrameEvent {
  return (
    event.type === 'HAN_FRAME' &&
    event.clusterId === ClusterId.prepayment &&
    event.frame.header.frameType === 'cluster' &&
    event.frame.header.direction === 'toServer' &&
    event.frame.header.manufacturerCode === undefined &&
    isQueuedPrepaymentCommand(event.frame.header.commandId)
  );
}

/** The pending command a GSME Default Response answers (same sequence number and command), if any. */
function forwardAnswered(context: GpfContext, frame: ZclFrame): PendingCommand | undefined {
  const c = frame.command;
  if (c.kind !== 'defaultResponse') return undefined;
  for (const p of context.pending) if (p.fwdSeq === frame.header.sequence && p.commandId === c.commandId) return p;
  return undefined;
}

function log(level: LogEmitted['level'], message: string, data?: Record<string, unknown>): LogEmitted {
  return data === undefined ? { type: 'log', level, message } : { type: 'log', level, message, data };
}

/**
 * A manufacturer-specific read: hanlab's HeldCommands on the Prepayment cluster (held-commands.ts),
 * the reader's own commands waiting for the GSME; any other attribute, or another manufacturer's,
 * UNSUPPORTED_ATTRIBUTE.
 */
function manufacturerRecords(context: GpfContext, event: HanFrameEvent, attributeIds: readonly number[]): ReadAttributeRecord[] {
  const ours = event.frame.header.manufacturerCode === HANLAB_MANUFACTURER_CODE && event.clusterId === ClusterId.prepayment;
  return attributeIds.map((attributeId): ReadAttributeRecord =>
    ours && attributeId === HELD_COMMANDS
      ? { attributeId, status: 0, type: ZclDataType.octetString, value: heldCommandsValue(context.pending, event.src) }
      : { attributeId, status: ZclStatus.UNSUPPORTED_ATTRIBUTE },
  );
}

function timeRecords(context: GpfContext, attributeIds: readonly number[]): ReadAttributeRecord[] {
  return attributeIds.map((attributeId): ReadAttributeRecord => {
    if (attributeId === Time.Time.id) return { attributeId, status: 0, type: Time.Time.type, value: utcTimeFromUnixMs(context.clock.now()) ?? UTC_TIME_INVALID };
    if (attributeId === Time.TimeStatus.id) return { attributeId, status: 0, type: Time.TimeStatus.type, value: context.config.timeStatus & 0xff };
    return { attributeId, status: ZclStatus.UNSUPPORTED_ATTRIBUTE };
  });
}

/**
 * The machine's named actions, guards and delays (XState's `setup`), apart from its state
 * structure: a compact board build takes these and the precompiled table, not the machine.
 */
export const gpfSetup = setup({
  types: {
    context: {} as GpfContext,
    events: {} as GpfEvent,
    input: {} as GpfInput,
    emitted: {} as OutboxEmitted<GpfEmitted>,
  },
  actions: {
    stageReport: assign(({ context, event }) => {
      if (!isReportFromGsme(context, event) || event.frame.command.kind !== 'reportAttributes') return {};
      const staged = stageReports(context.staged, event.clusterId, event.frame.command.reports, context.firmware);
      // An end marker that does not complete the burst: kept, not acknowledged, so the GSME repeats it.
      const missing = isCompleteReport(event.frame) ? burstMissing(context, event) : [];
      if (missing.length === 0) return { staged };
      return { staged, outbox: [...context.outbox, log('warn', 'GSME report burst incomplete: not applied, not acknowledged', { missingClusters: missing })] };
    }),
    /** Commits the burst, forwards pending commands oldest first, then the Default Response. */
    commitReport: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME') return {};
      const now = context.clock.now();
      const mirror = commitStaged(context.mirror, context.staged, context.firmware);
      const snap = snapshotTimeMs(mirror);
      let seq = context.seq;
      const out: GpfEmitted[] = [];
      // Each keeps the number of its first forwarding, so the GSME knows a repeat. A top-up is
      // answered by the GSME's ConsumerTopUpResponse (no Default Response), anything else by a
      // Default Response; the command stays pending until that answer arrives.
      const pending = context.pending.map((p) => {
        if (p.fwdSeq < 0) seq = nextSeq(seq);
        const fwdSeq = p.fwdSeq < 0 ? seq : p.fwdSeq;
        out.push({ type: 'han.send', dst: context.gsme, clusterId: ClusterId.prepayment, frame: clusterCommandFrame(fwdSeq, 'toServer', p.commandId, p.payload, isTopUpCommand(p.commandId)) });
        return { ...p, fwdSeq };
      });
      if (context.pending.length > 0) out.unshift(log('info', 'forwarding pending commands to the GSME', { commands: context.pending.map((p) => commandName(p.commandId)) }));
      if (!event.frame.header.disableDefaultResponse) {
        out.push({ type: 'han.send', dst: context.gsme, clusterId: event.clusterId, frame: defaultResponseFrame(event.frame, ZclStatus.SUCCESS) });
      }
      return {
        mirror,
        staged: {},
        skewAtReceiptMs: snap === null ? null : now - snap,
        lastReportAtMs: now,
        reportsReceived: context.reportsReceived + 1,
        pending,
        seq,
        outbox: [...context.outbox, ...out],
      };
    }),
    discardStaged: assign(({ context }) => ({
      staged: {},
      outbox: [...context.outbox, log('warn', 'incomplete GSME report discarded: mirror not updated')],
    })),
    answerRead: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME' || event.frame.command.kind !== 'readAttributes') return {};
      const ids = event.frame.command.attributeIds;
      const manufacturer = event.frame.header.manufacturerCode;
      const records =
        manufacturer !== undefined
          ? manufacturerRecords(context, event, ids)
          : event.clusterId === ClusterId.time
            ? timeRecords(context, ids)
            : readFromMirror(context.mirror, event.clusterId, ids, context.config.unpopulatedSnapshotTime);
      const frame = readAttributesResponseFrame(event.frame.header.sequence, records);
      // The answer to a manufacturer-specific request carries the same manufacturer code (ZCL 2.4.1.1).
      if (manufacturer !== undefined) frame.header.manufacturerCode = manufacturer;
      const reply: HanSendEmitted = { type: 'han.send', dst: event.src, clusterId: event.clusterId, frame };
      return { outbox: [...context.outbox, reply] };
    }),
    queueCommand: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME' || event.frame.command.kind !== 'other') return {};
      const pending: PendingCommand = {
        src: event.src,
        commandId: event.frame.header.commandId,
        payload: event.frame.command.payload,
        sequence: event.frame.header.sequence,
        receivedAtMs: context.clock.now(),
        fwdSeq: -1,
      };
      const ack: GpfEmitted[] = event.frame.header.disableDefaultResponse
        ? []
        : [{ type: 'han.send', dst: event.src, clusterId: event.clusterId, frame: defaultResponseFrame(event.frame, ZclStatus.SUCCESS) }];
      return {
        pending: [...context.pending, pending],
        outbox: [...context.outbox, log('info', 'command queued for the GSME', { command: commandName(pending.commandId), from: event.src }), ...ack],
      };
    }),
    refuseRequest: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME') return {};
      const { header } = event.frame;
      const status = isPrepaymentCommandForGsme(context, event)
        ? isJoinedPpmid(context.deviceLog, event.src)
          ? ZclStatus.FAILURE // queue full
          : ZclStatus.NOT_AUTHORIZED // prepayment commands only from the PPMID
        : header.frameType === 'cluster'
          ? ZclStatus.UNSUP_CLUSTER_COMMAND
          : ZclStatus.UNSUP_GENERAL_COMMAND;
      const out: GpfEmitted[] = [
        log('warn', 'HAN request refused', { from: event.src, clusterId: event.clusterId, commandId: header.commandId, status }),
        { type: 'han.send', dst: event.src, clusterId: event.clusterId, frame: defaultResponseFrame(event.frame, status) },
      ];
      return { outbox: [...context.outbox, ...out] };
    }),
    /** A frame from a device not in the device log: refused (NOT_AUTHORIZED where an answer is due) and logged. */
    refuseStranger: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME') return {};
      const { header } = event.frame;
      const out: GpfEmitted[] = [log('warn', 'HAN frame from a device not in the device log: refused', { from: event.src, clusterId: event.clusterId, commandId: header.commandId })];
      if (expectsResponse(event)) out.push({ type: 'han.send', dst: event.src, clusterId: event.clusterId, frame: defaultResponseFrame(event.frame, ZclStatus.NOT_AUTHORIZED) });
      return { outbox: [...context.outbox, ...out] };
    }),
    /** The GSME's ConsumerTopUpResponse: back to the device whose top-up it answers, with its sequence number. */
    /** The GSME's answer to a forwarded top-up goes back to its sender, under the sender's sequence number. */
    forwardTopUpResponse: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME' || event.frame.command.kind !== 'other') return {};
      const seq = event.frame.header.sequence;
      const p = context.pending.filter((x) => x.fwdSeq === seq && isTopUpCommand(x.commandId))[0];
      if (!p) return { outbox: [...context.outbox, log('warn', 'ConsumerTopUpResponse for no forwarded top-up: dropped', { sequence: seq })] };
      const frame = clusterCommandFrame(p.sequence, 'toClient', event.frame.header.commandId, event.frame.command.payload, true);
      return {
        pending: context.pending.filter((x) => x !== p),
        outbox: [...context.outbox, log('info', 'top-up response forwarded', { to: p.src, result: event.frame.command.payload[0] ?? null }), { type: 'han.send' as const, dst: p.src, clusterId: event.clusterId, frame }],
      };
    }),
    answerWan: assign(({ context, event }) => {
      if (event.type !== 'WAN_REQUEST') return {};
      if (!GBCS_USE_CASES.some((u) => u.name === event.useCase)) {
        return { outbox: [...context.outbox, log('warn', 'unknown use case: no response', { requestId: event.requestId, useCase: event.useCase })] };
      }
      if (!servesUseCase(context.firmware, event.useCase)) {
        return { outbox: [...context.outbox, log('warn', 'use case not served by this firmware: no response', { requestId: event.requestId, useCase: event.useCase })] };
      }
      const { gsmeClockToleranceMs, timeStatus, unreliableGsmeTimeStatus } = context.config;
      const response = buildWanResponse(event, context.mirror, { skewAtReceiptMs: context.skewAtReceiptMs }, context.clock.now(), { toleranceMs: gsmeClockToleranceMs, timeStatus, unreliableGsmeTimeStatus });
      return { outbox: [...context.outbox, response] };
    }),
    /** The summary last in the outbox, when it changed since the last one that went out (only after summaryOutdated). */
    queueState: assign(({ context }) => {
      const stateOf = summaryInputs(context);
      const state = gpfSummary(context);
      const json = JSON.stringify(state);
      return json === context.lastStateJson ? { stateOf } : { stateOf, lastStateJson: json, outbox: [...context.outbox, { type: 'state' as const, state }] };
    }),
    dropDelivered: assign(({ context, event }) => {
      if (event.type !== 'HAN_FRAME' || event.frame.command.kind !== 'defaultResponse') return {};
      const done = forwardAnswered(context, event.frame);
      return {
        pending: context.pending.filter((p) => p !== done),
        outbox: [...context.outbox, log('info', 'command delivered to the GSME', { command: done ? commandName(done.commandId) : null, status: event.frame.command.status })],
      };
    }),
    persist: assign(({ context }) => persistGpf(context)),
    flush: raise(FLUSH),
    emitOutbox: emit(({ context }) => ({ type: 'outbox' as const, items: context.outbox })),
    clearOutbox: assign(() => ({ outbox: [] })),
  },
  guards: {
    hasOutbox: ({ context }) => context.outbox.length > 0,
    // A field the summary reads was replaced: queueState then tells whether the summary itself
    // changed (rarely not; the batch may then go out empty).
    summaryOutdated: ({ context }) => !sameInputs(context.stateOf, summaryInputs(context)),
    isForwardAnswer: ({ context, event }) => event.type === 'HAN_FRAME' && event.src === context.gsme && event.clusterId === ClusterId.prepayment && forwardAnswered(context, event.frame) !== undefined,
    isCompleteGsmeReport: ({ context, event }) => isReportFromGsme(context, event) && isCompleteReport(event.frame) && burstMissing(context, event).length === 0,
    isGsmeReport: ({ context, event }) => isReportFromGsme(context, event),
    isReadRequest: ({ event }) => event.type === 'HAN_FRAME' && event.frame.command.kind === 'readAttributes' && event.frame.header.direction === 'toServer',
    isQueueableCommand: ({ context, event }) =>
      isPrepaymentCommandForGsme(context, event) && isJoinedPpmid(context.deviceLog, event.src) && context.pending.length < context.config.maxPendingCommands,
    isFromStranger: ({ context, event }) => event.type === 'HAN_FRAME' && !isJoined(context.deviceLog, event.src),
    isTopUpResponse: ({ context, event }) => event.type === 'HAN_FRAME' && isTopUpResponseFromGsme(context.deviceLog, event),
    /** Requests the GPF does not serve (Default Responses, responses and reports are never answered). */
    isUnansweredRequest: ({ event }) => event.type === 'HAN_FRAME' && event.frame.header.direction === 'toServer' && event.frame.command.kind === 'other',
  },
  delays: {
    reportAssemblyTimeout: ({ context }) => context.config.reportAssemblyTimeoutMs,
  },
});

/** The initial context (the machine's `context`), for either runtime. */
export const gpfContext = ({ input }: { input: GpfInput }): GpfContext => initialContext(input);

// Pure: a bundle that imports only the setup and context above leaves the state structure out.
export const gpfMachine = /* @__PURE__ */ gpfSetup.createMachine({
  id: 'gpf',
  context: gpfContext,
  initial: 'idle',
  entry: ['flush'],
  on: {
    HAN_FRAME: [
      { guard: 'isFromStranger', actions: ['refuseStranger', 'flush'] },
      { guard: 'isTopUpResponse', actions: ['forwardTopUpResponse', 'persist', 'flush'] },
      { guard: 'isReadRequest', actions: ['answerRead', 'flush'] },
      { guard: 'isQueueableCommand', actions: ['queueCommand', 'persist', 'flush'] },
      { guard: 'isForwardAnswer', actions: ['dropDelivered', 'persist', 'flush'] },
      { guard: 'isUnansweredRequest', actions: ['refuseRequest', 'flush'] },
    ],
    WAN_REQUEST: { actions: ['answerWan', 'flush'] },
    'machine.flush': [
      { guard: 'summaryOutdated', actions: ['queueState', 'emitOutbox', 'clearOutbox'] },
      { guard: 'hasOutbox', actions: ['emitOutbox', 'clearOutbox'] },
    ],
  },
  states: {
    /** No GSME report burst in progress. */
    idle: {
      on: {
        HAN_FRAME: [
          { guard: 'isCompleteGsmeReport', actions: ['stageReport', 'commitReport', 'persist', 'flush'] },
          { guard: 'isGsmeReport', target: 'receiving', actions: ['stageReport', 'flush'] },
        ],
      },
    },
    /** Part of a burst staged; the mirror changes only when AttributeReportingStatus = complete arrives after every expected cluster. */
    receiving: {
      on: {
        HAN_FRAME: [
          { guard: 'isCompleteGsmeReport', target: 'idle', actions: ['stageReport', 'commitReport', 'persist', 'flush'] },
          { guard: 'isGsmeReport', target: 'receiving', reenter: true, actions: ['stageReport', 'flush'] },
        ],
      },
      after: {
        reportAssemblyTimeout: { target: 'idle', actions: ['discardStaged', 'flush'] },
      },
    },
  },
});

export type GpfMachine = typeof gpfMachine;
