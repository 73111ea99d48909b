/**
 * Test harness: a GSME and a GPF actor under one SimulatedClock, HAN frames delivered between them
 * through a queue (optionally dropped to simulate an outage), plus a stand-in PPMID that can send
 * frames to the GPF and collects its answers.
 */
import { createActor, SimulatedClock } from 'xstate';
import type { Actor } from 'xstate';
import { gpfMachine } from '../firmware/machines/gpf.ts';
import type { GpfConfig, GpfEmitted, WanRespondEmitted, WanUseCase } from '../firmware/machines/gpf.ts';
import { gsmeMachine } from '../firmware/machines/gsme.ts';
import type { Firmware, GsmeConfig, GsmeEmitted } from '../firmware/machines/gsme.ts';
import type { HanSendEmitted, LogEmitted, OutboxEmitted } from '../firmware/machines/han-events.ts';
import { ZclGeneralCommand } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { TEST_TOP_UP_KEY } from './support/utrn.ts';
import { onEmitted } from './support/emitted.ts';

/** Hardware clocks read EPOCH + simulated time. 2025-01-15T00:00:00Z. */
export const EPOCH = Date.UTC(2025, 0, 15, 0, 0, 0);
export const GSME_EUI = '00124B0000000001';
export const GPF_EUI = '00124B0000000002';
export const PPMID_EUI = '00124B0000000003';

export interface SentFrame {
  at: number;
  src: string;
  dst: string;
  clusterId: number;
  frame: ZclFrame;
  dropped: boolean;
}

export interface HomeOptions {
  gsmeFirmware?: Firmware;
  gpfFirmware?: Firmware;
  gsmeConfig?: Partial<GsmeConfig>;
  gpfConfig?: Partial<GpfConfig>;
  seed?: number;
  /** Start the GSME (default true); false to drive it by hand. */
  start?: boolean;
}

export class Home {
  readonly clock = new SimulatedClock();
  readonly hw = { now: (): number => EPOCH + this.clock.now() };
  readonly gsme;
  readonly gpf;
  readonly frames: SentFrame[] = [];
  readonly gsmeLogs: LogEmitted[] = [];
  readonly gpfLogs: LogEmitted[] = [];
  readonly gsmeStates: Record<string, unknown>[] = [];
  readonly gpfStates: Record<string, unknown>[] = [];
  readonly wan: WanRespondEmitted[] = [];
  readonly ppmidInbox: SentFrame[] = [];
  /** Return true to lose the frame (outage). */
  drop: (f: Omit<SentFrame, 'dropped'>) => boolean = () => false;
  private queue: Omit<SentFrame, 'dropped'>[] = [];
  private pumping = false;
  private ppmidSeq = 0x40;

  constructor(readonly options: HomeOptions = {}) {
    this.gpf = createActor(gpfMachine, {
      clock: this.clock,
      input: { eui: GPF_EUI, peers: { gsme: GSME_EUI, ppmid: PPMID_EUI }, firmware: options.gpfFirmware ?? 'secmp0015', config: options.gpfConfig ?? {}, clock: this.hw, seed: 1 },
    });
    this.gsme = createActor(gsmeMachine, {
      clock: this.clock,
      input: { eui: GSME_EUI, peers: { gpf: GPF_EUI }, firmware: options.gsmeFirmware ?? 'secmp0015', config: { topUpKey: TEST_TOP_UP_KEY, ...(options.gsmeConfig ?? {}) }, clock: this.hw, seed: options.seed ?? 42 },
    });
    this.wire(this.gpf, GPF_EUI, this.gpfLogs, this.gpfStates);
    this.wire(this.gsme, GSME_EUI, this.gsmeLogs, this.gsmeStates);
    onEmitted(this.gpf, 'wan.respond', (e) => this.wan.push(e));
    this.gpf.start();
    if (options.start !== false) this.gsme.start();
  }

  private wire(actor: Actor<typeof gpfMachine> | Actor<typeof gsmeMachine>, src: string, logs: LogEmitted[], states: Record<string, unknown>[]): void {
    const a = actor as unknown as { on(type: 'outbox', fn: (e: OutboxEmitted<GsmeEmitted | GpfEmitted>) => void): void };
    onEmitted(a, 'han.send', (s) => {
      this.queue.push({ at: this.clock.now(), src, dst: s.dst, clusterId: s.clusterId, frame: s.frame });
      this.pump();
    });
    onEmitted(a, 'log', (e) => logs.push(e));
    onEmitted(a, 'state', (e) => states.push(e.state));
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const f = this.queue.shift()!;
        const dropped = this.drop(f);
        this.frames.push({ ...f, dropped });
        if (dropped) continue;
        const event = { type: 'HAN_FRAME' as const, src: f.src, clusterId: f.clusterId, frame: f.frame };
        if (f.dst === GPF_EUI) this.gpf.send(event);
        else if (f.dst === GSME_EUI) this.gsme.send(event);
        else if (f.dst === PPMID_EUI) this.ppmidInbox.push({ ...f, dropped });
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Advances simulated time in 1 s steps, with a GAS_FLOW every whole minute when flowing. */
  advance(ms: number, flowM3PerMinute = 0): void {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      const step = Math.min(1000, end - this.clock.now());
      this.clock.increment(step);
      if (flowM3PerMinute > 0 && this.clock.now() % 60_000 === 0) this.gsme.send({ type: 'GAS_FLOW', volumeM3: flowM3PerMinute });
    }
  }

  /** Advances until `pred` holds (checked each second), at most `maxMs`. */
  advanceUntil(pred: () => boolean, maxMs: number, flowM3PerMinute = 0): boolean {
    const end = this.clock.now() + maxMs;
    while (this.clock.now() < end) {
      if (pred()) return true;
      this.advance(1000, flowM3PerMinute);
    }
    return pred();
  }

  /** The stand-in PPMID sends a frame to the GPF; returns the frames the GPF sent back to it. */
  ppmidSend(clusterId: number, frame: ZclFrame): SentFrame[] {
    const before = this.ppmidInbox.length;
    this.queue.push({ at: this.clock.now(), src: PPMID_EUI, dst: GPF_EUI, clusterId, frame });
    this.pump();
    return this.ppmidInbox.slice(before);
  }

  ppmidRead(clusterId: number, attributeIds: number[]): ZclFrame | undefined {
    this.ppmidSeq = (this.ppmidSeq + 1) & 0xff;
    const replies = this.ppmidSend(clusterId, {
      header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: this.ppmidSeq, commandId: ZclGeneralCommand.readAttributes },
      command: { kind: 'readAttributes', attributeIds },
    });
    return replies.find((r) => r.frame.header.sequence === this.ppmidSeq)?.frame;
  }

  ppmidCommand(commandId: number, payload: Uint8Array): ZclFrame | undefined {
    this.ppmidSeq = (this.ppmidSeq + 1) & 0xff;
    const replies = this.ppmidSend(0x0705, {
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence: this.ppmidSeq, commandId },
      command: { kind: 'other', payload },
    });
    return replies.find((r) => r.frame.header.sequence === this.ppmidSeq)?.frame;
  }

  wanRequest(useCase: WanUseCase, requestId = `r${this.wan.length + 1}`): WanRespondEmitted {
    this.gpf.send({ type: 'WAN_REQUEST', requestId, useCase });
    const r = this.wan.find((w) => w.requestId === requestId);
    if (!r) throw new Error(`no wan.respond for ${requestId}`);
    return r;
  }

  /** Frames the GSME sent, not dropped. */
  gsmeFrames(): SentFrame[] {
    return this.frames.filter((f) => f.src === GSME_EUI);
  }

  /** Simulated times at which the GSME sent a complete report (AttributeReportingStatus = 1). */
  completeReportTimes(): number[] {
    return this.gsmeFrames()
      .filter((f) => f.frame.command.kind === 'reportAttributes' && f.frame.command.reports.some((r) => r.attributeId === 0xfffe))
      .map((f) => f.at);
  }

  stop(): void {
    this.gsme.stop();
    this.gpf.stop();
  }
}

/** The value of an attribute in a Read Attributes Response, or its failure status. */
export function readRecord(frame: ZclFrame | undefined, attributeId: number): { status: number; value?: unknown } {
  if (!frame || frame.command.kind !== 'readAttributesResponse') throw new Error('not a Read Attributes Response');
  const r = frame.command.records.find((x) => x.attributeId === attributeId);
  if (!r) throw new Error(`no record for ${attributeId}`);
  return 'value' in r ? { status: r.status, value: r.value } : { status: r.status };
}

export function reportedValue(frame: ZclFrame, attributeId: number): unknown {
  if (frame.command.kind !== 'reportAttributes') return undefined;
  return frame.command.reports.find((r) => r.attributeId === attributeId)?.value;
}
