/**
 * A PPMID actor under a SimulatedClock with a tiny fake GPF that answers its Read Attributes from
 * a table (so a test sets 0x0007 to a time, 0xFFFFFFFF or UNSUPPORTED_ATTRIBUTE, and drops answers
 * for HAN-lost), and acknowledges its Prepayment commands.
 */
import { createActor, SimulatedClock } from 'xstate';
import { ppmidMachine } from '../../firmware/machines/ppmid.ts';
import type { PpmidConfig, PpmidEmitted, PpmidFirmware } from '../../firmware/machines/ppmid.ts';
import type { ScreenModel } from '../../firmware/display/screen-model.ts';
import type { LogEmitted } from '../../firmware/machines/han-events.ts';
import { ZclDataType, ZclGeneralCommand, ZclStatus, utcTimeFromUnixMs, UTC_TIME_INVALID } from '../../firmware/zcl/index.ts';
import type { ReadAttributeRecord, ZclDataTypeId, ZclFrame } from '../../firmware/zcl/index.ts';
import { HANLAB_MANUFACTURER_CODE, HELD_COMMANDS } from '../../firmware/machines/held-commands.ts';
import { onEmitted } from './emitted.ts';

/** True time at simulated 0: 2025-01-15T12:00:00Z. */
export const BASE = Date.UTC(2025, 0, 15, 12, 0, 0);
export const GPF = '00124B00000000F1';
export const PPMID = '00124B00000000C3';
export const OTHER = '00124B00000000EE';
export const MIN = 60_000;
/** Money unit: PriceTrailingDigit 0x50 → 5 decimal places. */
export const POUND = 100_000;

export type Cell = { type: ZclDataTypeId; value: number } | { status: number };

export const CS = { creditOk: 0x01, lowCredit: 0x02, ecAvailable: 0x08, ecSelected: 0x10, ecInUse: 0x20, exhausted: 0x40 } as const;

export interface Sent {
  at: number;
  clusterId: number;
  frame: ZclFrame;
}

export interface StartOptions {
  firmware?: PpmidFirmware;
  config?: Partial<PpmidConfig>;
  /** Hardware clock = BASE + hwSkewMs + simulated time (the Time cluster corrects it). */
  hwSkewMs?: number;
  seed?: number;
  /** Set up the table before the actor starts (its first poll is at once). */
  setup?: (gpf: FakeGpf) => void;
}

export class FakeGpf {
  /** cluster → attribute → cell; an attribute not in the table is UNSUPPORTED_ATTRIBUTE. */
  readonly table = new Map<number, Map<number, Cell>>();
  answering = true;
  /** Return false to drop one request (no answer). */
  answerFilter: (clusterId: number, frame: ZclFrame) => boolean = () => true;
  commandStatus: number = ZclStatus.SUCCESS;
  readonly reads: { at: number; clusterId: number; attributeIds: number[] }[] = [];
  readonly commands: Sent[] = [];
  /** Offset of the GPF clock from the true time. */
  clockErrorMs = 0;
  timeStatus = 0x02;
  /**
   * The top-ups (the PPMID's sequence numbers) this GPF says it holds for the GSME, in hanlab's
   * HeldCommands (held-commands.ts); null: a GPF without it (UNSUPPORTED_ATTRIBUTE).
   */
  held: number[] | null = null;

  constructor(private readonly now: () => number) {
    this.setPrice(826, 0x50);
  }

  set(clusterId: number, attributeId: number, cell: Cell | undefined): void {
    let c = this.table.get(clusterId);
    if (!c) this.table.set(clusterId, (c = new Map()));
    if (cell === undefined) c.delete(attributeId);
    else c.set(attributeId, cell);
  }

  setPrice(currency: number, trailingDigit: number): void {
    this.set(0x0700, 0x0616, { type: ZclDataType.uint16, value: currency });
    this.set(0x0700, 0x0617, { type: ZclDataType.bitmap8, value: trailingDigit });
  }

  /** 0x0007: a Unix-ms time, 'invalid' (0xFFFFFFFF) or 'unsupported' (0x86). */
  setSnapshot(s: number | 'invalid' | 'unsupported'): void {
    if (s === 'unsupported') this.set(0x0702, 0x0007, { status: ZclStatus.UNSUPPORTED_ATTRIBUTE });
    else this.set(0x0702, 0x0007, { type: ZclDataType.utcTime, value: s === 'invalid' ? UTC_TIME_INVALID : utcTimeFromUnixMs(s)! });
  }

  setMetering(m: { summation?: number; supply?: number }): void {
    if (m.summation !== undefined) this.set(0x0702, 0x0000, { type: ZclDataType.uint48, value: m.summation });
    if (m.supply !== undefined) this.set(0x0702, 0x0014, { type: ZclDataType.enum8, value: m.supply });
  }

  /** Money in £. */
  setPrepay(p: { credit?: number; ec?: number; status?: number; debt?: number }): void {
    if (p.credit !== undefined) this.set(0x0705, 0x0001, { type: ZclDataType.int32, value: Math.round(p.credit * POUND) });
    if (p.ec !== undefined) this.set(0x0705, 0x0002, { type: ZclDataType.int32, value: Math.round(p.ec * POUND) });
    if (p.status !== undefined) this.set(0x0705, 0x0003, { type: ZclDataType.bitmap8, value: p.status });
    if (p.debt !== undefined) this.set(0x0705, 0x0005, { type: ZclDataType.int32, value: Math.round(p.debt * POUND) });
  }

  /** A typical new-GSME/new-GPF mirror: snapshot at `snapshotMs`, £12.34 credit, supply on. */
  standard(snapshotMs: number): void {
    this.setSnapshot(snapshotMs);
    this.setMetering({ summation: 123_456, supply: 2 });
    this.setPrepay({ credit: 12.34, ec: 0, status: CS.creditOk, debt: 0 });
  }

  /** The answer to a frame the PPMID sent, or null (dropped / not for us). */
  answer(clusterId: number, frame: ZclFrame): ZclFrame | null {
    const at = this.now();
    if (frame.command.kind === 'readAttributes') this.reads.push({ at, clusterId, attributeIds: frame.command.attributeIds });
    else if (frame.header.frameType === 'cluster') this.commands.push({ at, clusterId, frame });
    if (!this.answering || !this.answerFilter(clusterId, frame)) return null;
    const seq = frame.header.sequence;
    if (frame.command.kind === 'readAttributes' && frame.header.manufacturerCode !== undefined) {
      const held = this.held;
      const records: ReadAttributeRecord[] = frame.command.attributeIds.map((id) =>
        held !== null && clusterId === 0x0705 && id === HELD_COMMANDS && frame.header.manufacturerCode === HANLAB_MANUFACTURER_CODE
          ? { attributeId: id, status: 0, type: ZclDataType.octetString, value: new Uint8Array(held.flatMap((s) => [0x04, s])) }
          : { attributeId: id, status: ZclStatus.UNSUPPORTED_ATTRIBUTE },
      );
      return {
        header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.readAttributesResponse, manufacturerCode: frame.header.manufacturerCode },
        command: { kind: 'readAttributesResponse', records },
      };
    }
    if (frame.command.kind === 'readAttributes') {
      const records: ReadAttributeRecord[] = frame.command.attributeIds.map((id) => {
        const cell = clusterId === 0x000a ? this.timeCell(id) : this.table.get(clusterId)?.get(id);
        if (!cell) return { attributeId: id, status: ZclStatus.UNSUPPORTED_ATTRIBUTE };
        return 'status' in cell ? { attributeId: id, status: cell.status } : { attributeId: id, status: 0, type: cell.type, value: cell.value };
      });
      return {
        header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.readAttributesResponse },
        command: { kind: 'readAttributesResponse', records },
      };
    }
    if (frame.header.frameType === 'cluster') {
      return {
        header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: seq, commandId: ZclGeneralCommand.defaultResponse },
        command: { kind: 'defaultResponse', commandId: frame.header.commandId, status: this.commandStatus },
      };
    }
    return null;
  }

  private timeCell(id: number): Cell | undefined {
    if (id === 0x0000) return { type: ZclDataType.utcTime, value: utcTimeFromUnixMs(this.now() + this.clockErrorMs)! };
    if (id === 0x0001) return { type: ZclDataType.bitmap8, value: this.timeStatus };
    return undefined;
  }
}

export function startPpmid(opts: StartOptions = {}) {
  const clock = new SimulatedClock();
  const trueNow = (): number => BASE + clock.now();
  const hw = { now: (): number => BASE + (opts.hwSkewMs ?? 0) + clock.now() };
  const gpf = new FakeGpf(trueNow);
  opts.setup?.(gpf);
  const actor = createActor(ppmidMachine, {
    clock,
    input: { eui: PPMID, peers: { gpf: GPF }, firmware: opts.firmware ?? 'secmp0015', config: opts.config ?? {}, clock: hw, ...(opts.seed !== undefined && { seed: opts.seed }) },
  });
  const screens: { at: number; screen: ScreenModel }[] = [];
  const states: { at: number; state: Record<string, unknown> }[] = [];
  const logs: (LogEmitted & { at: number })[] = [];
  const sent: Sent[] = [];
  const emitted: PpmidEmitted[] = [];
  onEmitted(actor, '*', (e) => emitted.push(e));
  onEmitted(actor, 'screen', (e) => screens.push({ at: clock.now(), screen: e.screen }));
  onEmitted(actor, 'state', (e) => states.push({ at: clock.now(), state: e.state }));
  onEmitted(actor, 'log', (e) => logs.push({ ...e, at: clock.now() }));
  onEmitted(actor, 'han.send', (e) => {
    sent.push({ at: clock.now(), clusterId: e.clusterId, frame: e.frame });
    if (e.dst !== GPF) return;
    const reply = gpf.answer(e.clusterId, e.frame);
    // Queued in the actor's mailbox: processed after the step that sent the request.
    if (reply) actor.send({ type: 'HAN_FRAME', src: GPF, clusterId: e.clusterId, frame: reply });
  });
  actor.start();

  /** Moves simulated time forward, firing every timer at its own due time. */
  function advance(ms: number): void {
    const target = clock.now() + ms;
    const timers = (clock as unknown as { timeouts: Map<number, { start: number; timeout: number }> }).timeouts;
    for (let guard = 0; guard < 1_000_000; guard++) {
      let next = Infinity;
      for (const t of timers.values()) next = Math.min(next, t.start + t.timeout);
      if (next > target) break;
      clock.set(Math.max(next, clock.now()));
    }
    clock.set(target);
  }

  const screen = (): ScreenModel => {
    const s = screens.at(-1);
    if (!s) throw new Error('no screen emitted');
    return s.screen;
  };

  return { actor, clock, gpf, screens, states, logs, sent, emitted, advance, screen, trueNow, hw };
}

export type Harness = ReturnType<typeof startPpmid>;
