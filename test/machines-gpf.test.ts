import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { gpfMachine } from '../firmware/machines/gpf.ts';
import type { GpfConfig, GpfEmitted, WanRespondEmitted } from '../firmware/machines/gpf.ts';
import { gsmeTimeReliability } from '../firmware/machines/gpf-wan.ts';
import type { Firmware } from '../firmware/machines/gsme-config.ts';
import type { HanSendEmitted, LogEmitted } from '../firmware/machines/han-events.ts';
import { encodeConsumerTopUp, encodeSelectEmergencyCredit } from '../firmware/machines/prepayment-commands.ts';
import { UTC_TIME_INVALID, ZclDataType, ZclGeneralCommand, ZclStatus, utcTimeFromUnixMs } from '../firmware/zcl/index.ts';
import type { AttributeReport, ZclFrame } from '../firmware/zcl/index.ts';
import { EPOCH, GPF_EUI, GSME_EUI, PPMID_EUI, readRecord } from './machines-harness.ts';
import { testUtrn } from './support/utrn.ts';
import { encodeConsumerTopUpResponse, TopUpResult } from '../firmware/machines/gsme-topup.ts';
import { HANLAB_MANUFACTURER_CODE, HELD_COMMANDS } from '../firmware/machines/held-commands.ts';
import { onEmitted } from './support/emitted.ts';

const IHD_EUI = '00124B0000000004';
const STRANGER_EUI = '00124B00000000EE';

function lone(firmware: Firmware = 'secmp0015', config: Partial<GpfConfig> = {}) {
  const clock = new SimulatedClock();
  const hw = { now: () => EPOCH + clock.now() };
  const actor = createActor(gpfMachine, { clock, input: { eui: GPF_EUI, peers: { gsme: GSME_EUI, ppmid: PPMID_EUI, ihd: IHD_EUI }, firmware, config, clock: hw, seed: 3 } });
  const sent: HanSendEmitted[] = [];
  const wan: WanRespondEmitted[] = [];
  const logs: LogEmitted[] = [];
  const states: Record<string, unknown>[] = [];
  const all: GpfEmitted[] = [];
  onEmitted(actor, 'han.send', (e) => sent.push(e));
  onEmitted(actor, 'wan.respond', (e) => wan.push(e));
  onEmitted(actor, 'log', (e) => logs.push(e));
  onEmitted(actor, 'state', (e) => states.push(e.state));
  onEmitted(actor, '*', (e) => all.push(e));
  actor.start();
  let seq = 0;
  const frame = (src: string, clusterId: number, f: ZclFrame) => actor.send({ type: 'HAN_FRAME', src, clusterId, frame: f });
  const report = (clusterId: number, reports: AttributeReport[], last = false) =>
    frame(GSME_EUI, clusterId, {
      header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: !last, sequence: ++seq, commandId: ZclGeneralCommand.reportAttributes },
      command: { kind: 'reportAttributes', reports },
    });
  const complete = () => report(0x0702, [{ attributeId: 0xfffe, type: ZclDataType.enum8, value: 1 }], true);
  const read = (src: string, clusterId: number, attributeIds: number[]) => {
    const s = ++seq;
    frame(src, clusterId, {
      header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: s, commandId: ZclGeneralCommand.readAttributes },
      command: { kind: 'readAttributes', attributeIds },
    });
    return sent.filter((x) => x.dst === src && x.frame.header.sequence === s).at(-1)?.frame;
  };
  const command = (commandId: number, payload: Uint8Array, src: string = PPMID_EUI) => {
    const s = ++seq;
    frame(src, 0x0705, {
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence: s, commandId },
      command: { kind: 'other', payload },
    });
    return sent.filter((x) => x.dst === src && x.frame.header.sequence === s).at(-1)?.frame;
  };
  const wanRequest = (useCase: WanRespondEmitted['useCase']) => {
    actor.send({ type: 'WAN_REQUEST', requestId: `q${wan.length}`, useCase });
    return wan.at(-1)!;
  };
  return { actor, clock, sent, wan, logs, states, all, report, complete, read, command, wanRequest, frame };
}

const credit = (v: number): AttributeReport => ({ attributeId: 0x0001, type: ZclDataType.int32, value: v });
const snapshot = (ms: number): AttributeReport => ({ attributeId: 0x0007, type: ZclDataType.utcTime, value: utcTimeFromUnixMs(ms)! });
const volume = (v: number): AttributeReport => ({ attributeId: 0x0000, type: ZclDataType.uint48, value: v });

describe('GPF mirror and HAN reads', () => {
  it('new GPF: ReadingSnapshotTime reads 0xFFFFFFFF until the GSME sends one, then the stored value', () => {
    const g = lone('secmp0015');
    expect(readRecord(g.read(PPMID_EUI, 0x0702, [0x0007]), 0x0007)).toEqual({ status: 0, value: UTC_TIME_INVALID });
    g.report(0x0702, [volume(5), snapshot(EPOCH - 5000)]);
    g.complete();
    expect(readRecord(g.read(PPMID_EUI, 0x0702, [0x0007]), 0x0007)).toEqual({ status: 0, value: utcTimeFromUnixMs(EPOCH - 5000) });
  });

  it("new GPF with unpopulatedSnapshotTime 'unsupported' (FIA alternative) answers 0x86 until populated", () => {
    const g = lone('secmp0015', { unpopulatedSnapshotTime: 'unsupported' });
    expect(readRecord(g.read(PPMID_EUI, 0x0702, [0x0007]), 0x0007)).toEqual({ status: ZclStatus.UNSUPPORTED_ATTRIBUTE });
    g.report(0x0702, [snapshot(EPOCH)]);
    g.complete();
    expect(readRecord(g.read(PPMID_EUI, 0x0702, [0x0007]), 0x0007).status).toBe(0);
  });

  it('legacy GPF drops a reported 0x0007 and answers its read with UNSUPPORTED_ATTRIBUTE; other values are mirrored', () => {
    const g = lone('legacy');
    g.report(0x0702, [volume(77), snapshot(EPOCH)]);
    g.complete();
    const r = g.read(PPMID_EUI, 0x0702, [0x0000, 0x0007]);
    expect(readRecord(r, 0x0000)).toEqual({ status: 0, value: 77 });
    expect(readRecord(r, 0x0007)).toEqual({ status: ZclStatus.UNSUPPORTED_ATTRIBUTE });
  });

  it('never-reported attributes are UNSUPPORTED_ATTRIBUTE; the response echoes the sequence number, direction server→client', () => {
    const g = lone();
    const r = g.read(PPMID_EUI, 0x0705, [0x0001, 0x0002]);
    expect(r!.header).toMatchObject({ frameType: 'global', direction: 'toClient', commandId: ZclGeneralCommand.readAttributesResponse });
    expect(readRecord(r, 0x0001)).toEqual({ status: ZclStatus.UNSUPPORTED_ATTRIBUTE });
  });

  it('stages a burst and commits it only on AttributeReportingStatus complete; an unfinished burst is discarded after the assembly timeout', () => {
    const g = lone('secmp0015', { reportAssemblyTimeoutMs: 30_000 });
    g.report(0x0705, [credit(900)]);
    expect(g.actor.getSnapshot().value).toBe('receiving');
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001).status).toBe(ZclStatus.UNSUPPORTED_ATTRIBUTE);
    g.clock.increment(30_000);
    expect(g.actor.getSnapshot().value).toBe('idle');
    expect(g.logs.some((l) => l.message.startsWith('incomplete GSME report discarded'))).toBe(true);
    g.complete(); // the end marker alone: no Metering report, so nothing to apply and no answer
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001).status).toBe(ZclStatus.UNSUPPORTED_ATTRIBUTE);
    g.report(0x0702, [volume(1)]);
    g.report(0x0705, [credit(800)]);
    g.complete();
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001)).toEqual({ status: 0, value: 800 });
    // The Default Response to the complete frame, same sequence number, client→server.
    const dr = g.sent.filter((s) => s.dst === GSME_EUI && s.frame.command.kind === 'defaultResponse');
    expect(dr).toHaveLength(1);
    expect(dr[0]!.frame.header.direction).toBe('toServer');
  });

  const price = (): AttributeReport => ({ attributeId: 0x0617, type: ZclDataType.bitmap8, value: 0x50 });
  const acks = (g: ReturnType<typeof lone>) => g.sent.filter((s) => s.dst === GSME_EUI && s.frame.command.kind === 'defaultResponse').length;

  it('issue 13: Metering and Prepayment lost, Price + complete arrive: not applied, not acknowledged, 0x0007 and the values kept; the repeat completes it', () => {
    const g = lone();
    g.report(0x0702, [volume(10), snapshot(EPOCH)]);
    g.report(0x0700, [price()]);
    g.report(0x0705, [credit(900)]);
    g.complete();
    expect(acks(g)).toBe(1);
    g.clock.increment(30 * 60_000);
    // The next wake: only Price and the end marker get through.
    g.report(0x0700, [price()]);
    g.complete();
    expect(acks(g)).toBe(1);
    expect(g.logs.at(-1)).toMatchObject({ level: 'warn', message: 'GSME report burst incomplete: not applied, not acknowledged', data: { missingClusters: [0x0702, 0x0705] } });
    const r = g.read(PPMID_EUI, 0x0702, [0x0000, 0x0007]);
    expect(readRecord(r, 0x0007)).toEqual({ status: 0, value: utcTimeFromUnixMs(EPOCH) });
    expect(readRecord(r, 0x0000)).toEqual({ status: 0, value: 10 });
    // The GSME repeats the same snapshot; this time Price is lost. What arrived before is kept.
    g.clock.increment(10_000);
    g.report(0x0702, [volume(20), snapshot(EPOCH + 30 * 60_000)]);
    g.report(0x0705, [credit(800)]);
    g.complete();
    expect(acks(g)).toBe(2);
    const after = g.read(PPMID_EUI, 0x0702, [0x0000, 0x0007]);
    expect(readRecord(after, 0x0007)).toEqual({ status: 0, value: utcTimeFromUnixMs(EPOCH + 30 * 60_000) });
    expect(readRecord(after, 0x0000)).toEqual({ status: 0, value: 20 });
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001)).toEqual({ status: 0, value: 800 });
  });

  it('an unfinished burst is still dropped after the assembly timeout, the mirror untouched', () => {
    const g = lone('secmp0015', { reportAssemblyTimeoutMs: 30_000 });
    g.report(0x0702, [volume(10), snapshot(EPOCH)]);
    g.report(0x0705, [credit(900)]);
    g.complete();
    g.report(0x0702, [volume(20), snapshot(EPOCH + 1000)]);
    g.complete(); // Prepayment missing
    g.clock.increment(30_000);
    expect(g.actor.getSnapshot().value).toBe('idle');
    g.report(0x0705, [credit(1)]);
    g.complete(); // Metering of the dropped burst is gone too
    expect(acks(g)).toBe(1);
    expect(readRecord(g.read(PPMID_EUI, 0x0702, [0x0000]), 0x0000)).toEqual({ status: 0, value: 10 });
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001)).toEqual({ status: 0, value: 900 });
  });

  it('legacy GPF keeps its legacy behaviour: it applies and acknowledges whatever arrived before the end marker', () => {
    const g = lone('legacy');
    g.report(0x0702, [volume(10)]);
    g.report(0x0705, [credit(900)]);
    g.complete();
    g.report(0x0700, [price()]);
    g.complete();
    expect(acks(g)).toBe(2);
    expect(readRecord(g.read(PPMID_EUI, 0x0700, [0x0617]), 0x0617)).toEqual({ status: 0, value: 0x50 });
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001)).toEqual({ status: 0, value: 900 });
  });

  it('reports from a device other than the GSME do not touch the mirror', () => {
    const g = lone();
    g.frame(PPMID_EUI, 0x0705, {
      header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: false, sequence: 1, commandId: ZclGeneralCommand.reportAttributes },
      command: { kind: 'reportAttributes', reports: [credit(1), { attributeId: 0xfffe, type: ZclDataType.enum8, value: 1 }] },
    });
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001).status).toBe(ZclStatus.UNSUPPORTED_ATTRIBUTE);
  });

  it('a complete burst without 0x0007 resets a new mirror to 0xFFFFFFFF (values never paired with an older time)', () => {
    const g = lone();
    g.report(0x0702, [volume(1), snapshot(EPOCH)]);
    g.complete();
    g.report(0x0702, [volume(2)]);
    g.complete();
    expect(readRecord(g.read(PPMID_EUI, 0x0702, [0x0007]), 0x0007).value).toBe(UTC_TIME_INVALID);
  });

  it('serves the Time cluster from the CH clock with TimeStatus synchronised', () => {
    const g = lone();
    g.clock.increment(123_456);
    const r = g.read(GSME_EUI, 0x000a, [0x0000, 0x0001, 0x0002]);
    expect(readRecord(r, 0x0000)).toEqual({ status: 0, value: utcTimeFromUnixMs(EPOCH + 123_456) });
    expect(readRecord(r, 0x0001)).toEqual({ status: 0, value: 0x02 });
    expect(readRecord(r, 0x0002).status).toBe(ZclStatus.UNSUPPORTED_ATTRIBUTE);
  });
});

describe('GPF commands for the sleepy GSME', () => {
  it('queues SelectAvailableEmergencyCredit and ConsumerTopUp with an immediate Default Response SUCCESS; forwards them oldest first after the complete report, then acknowledges the report', () => {
    const g = lone();
    const ec = encodeSelectEmergencyCredit(utcTimeFromUnixMs(EPOCH)!, 2);
    const top = encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 10));
    expect(g.command(0x00, ec)!.command).toEqual({ kind: 'defaultResponse', commandId: 0x00, status: ZclStatus.SUCCESS });
    expect(g.command(0x04, top)!.command).toEqual({ kind: 'defaultResponse', commandId: 0x04, status: ZclStatus.SUCCESS });
    expect(g.states.at(-1)!.pendingCommands).toEqual(['selectEmergencyCredit', 'topUp']);
    expect(g.sent.filter((s) => s.dst === GSME_EUI)).toHaveLength(0);
    g.report(0x0702, [volume(1)]);
    g.report(0x0705, [credit(5)]);
    expect(g.sent.filter((s) => s.dst === GSME_EUI)).toHaveLength(0); // not before the complete frame
    g.complete();
    const toGsme = g.sent.filter((s) => s.dst === GSME_EUI);
    expect(toGsme.map((s) => [s.clusterId, s.frame.header.frameType, s.frame.header.commandId])).toEqual([
      [0x0705, 'cluster', 0x00],
      [0x0705, 'cluster', 0x04],
      [0x0702, 'global', ZclGeneralCommand.defaultResponse],
    ]);
    expect(toGsme[1]!.frame.command).toEqual({ kind: 'other', payload: top });
    expect(toGsme[0]!.frame.header.direction).toBe('toServer');
    expect(toGsme[0]!.frame.header.disableDefaultResponse).toBe(false); // the GSME answers: that ends the command
    // Kept until the GSME's Default Response: the top-up's was lost, so it goes again, same number.
    expect(g.states.at(-1)!.pendingCommands).toEqual(['selectEmergencyCredit', 'topUp']);
    const answer = (f: ZclFrame, status: number) =>
      g.frame(GSME_EUI, 0x0705, { header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: true, sequence: f.header.sequence, commandId: ZclGeneralCommand.defaultResponse }, command: { kind: 'defaultResponse', commandId: f.header.commandId, status } });
    answer(toGsme[0]!.frame, ZclStatus.SUCCESS);
    expect(g.states.at(-1)!.pendingCommands).toEqual(['topUp']);
    g.report(0x0702, [volume(1)]);
    g.report(0x0705, [credit(6)]);
    g.complete();
    const again = g.sent.filter((s) => s.dst === GSME_EUI && s.clusterId === 0x0705);
    expect(again).toHaveLength(3);
    expect(again[2]!.frame.header.sequence).toBe(toGsme[1]!.frame.header.sequence);
    answer(again[2]!.frame, ZclStatus.SUCCESS);
    expect(g.states.at(-1)!.pendingCommands).toEqual([]);
    g.report(0x0702, [volume(1)]);
    g.report(0x0705, [credit(7)]);
    g.complete();
    expect(g.sent.filter((s) => s.dst === GSME_EUI && s.clusterId === 0x0705)).toHaveLength(3); // delivered: not again
  });

  it('refuses commands beyond maxPendingCommands with FAILURE, and other cluster commands with UNSUP_CLUSTER_COMMAND', () => {
    const g = lone('secmp0015', { maxPendingCommands: 1 });
    expect(g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 1)))!.command).toMatchObject({ status: ZclStatus.SUCCESS });
    expect(g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 2, 1)))!.command).toMatchObject({ status: ZclStatus.FAILURE });
    expect(g.command(0x07, new Uint8Array())!.command).toMatchObject({ status: ZclStatus.UNSUP_CLUSTER_COMMAND });
  });
});

describe('GPF HeldCommands (hanlab manufacturer-specific, held-commands.ts)', () => {
  const heldRead = (g: ReturnType<typeof lone>, src: string, manufacturerCode = HANLAB_MANUFACTURER_CODE, clusterId = 0x0705) => {
    const seq = 200 + g.sent.length;
    g.frame(src, clusterId, {
      header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: seq, commandId: ZclGeneralCommand.readAttributes, manufacturerCode },
      command: { kind: 'readAttributes', attributeIds: [HELD_COMMANDS, 0x0001] },
    });
    return g.sent.filter((x) => x.dst === src && x.frame.header.sequence === seq).at(-1)!.frame;
  };

  it("lists the reader's own commands held for the GSME (command id, the reader's sequence number) until the GSME answers each; the answer carries the manufacturer code", () => {
    const g = lone();
    const empty = heldRead(g, PPMID_EUI);
    expect(empty.header).toMatchObject({ direction: 'toClient', manufacturerCode: 0xfff1, commandId: ZclGeneralCommand.readAttributesResponse });
    expect(empty.command).toEqual({
      kind: 'readAttributesResponse',
      records: [
        { attributeId: HELD_COMMANDS, status: 0, type: ZclDataType.octetString, value: new Uint8Array([]) },
        { attributeId: 0x0001, status: ZclStatus.UNSUPPORTED_ATTRIBUTE },
      ],
    });
    const top = g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 10)))!;
    const ec = g.command(0x00, encodeSelectEmergencyCredit(utcTimeFromUnixMs(EPOCH)!, 2))!;
    const value = () => (heldRead(g, PPMID_EUI).command as { records: { value?: unknown }[] }).records[0]!.value;
    expect(value()).toEqual(new Uint8Array([0x04, top.header.sequence, 0x00, ec.header.sequence]));
    // Another joined device sees none of the PPMID's.
    expect((heldRead(g, IHD_EUI).command as { records: { value?: unknown }[] }).records[0]!.value).toEqual(new Uint8Array([]));
    // Forwarded at the GSME's wake (a complete burst): still held until the GSME answers.
    g.report(0x0702, [volume(5), snapshot(EPOCH)]);
    g.report(0x0705, [credit(5)]);
    g.complete();
    expect(value()).toEqual(new Uint8Array([0x04, top.header.sequence, 0x00, ec.header.sequence]));
    const fwdTop = g.sent.filter((x) => x.dst === GSME_EUI && x.frame.header.commandId === 0x04).at(-1)!;
    const response = encodeConsumerTopUpResponse({ resultType: TopUpResult.accepted, topUpValue: 1_000_000, source: 2, creditRemaining: 1_500_000 });
    g.frame(GSME_EUI, 0x0705, { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence: fwdTop.frame.header.sequence, commandId: 0x03 }, command: { kind: 'other', payload: response } });
    expect(value()).toEqual(new Uint8Array([0x00, ec.header.sequence]));
  });

  it('another manufacturer code, or hanlab’s on another cluster: UNSUPPORTED_ATTRIBUTE (never the mirror)', () => {
    const g = lone();
    g.report(0x0705, [credit(5)]);
    g.complete();
    for (const f of [heldRead(g, PPMID_EUI, 0x1234), heldRead(g, PPMID_EUI, HANLAB_MANUFACTURER_CODE, 0x0702)]) {
      expect((f.command as { records: { status: number }[] }).records.map((r) => r.status)).toEqual([ZclStatus.UNSUPPORTED_ATTRIBUTE, ZclStatus.UNSUPPORTED_ATTRIBUTE]);
    }
  });
});

describe('GPF device log', () => {
  it('refuses every request from a device not joined to it with NOT_AUTHORIZED, logs the source, queues nothing', () => {
    const g = lone();
    g.report(0x0702, [volume(1)]);
    g.report(0x0705, [credit(5)]);
    g.complete();
    expect(g.read(STRANGER_EUI, 0x0705, [0x0001])!.command).toEqual({ kind: 'defaultResponse', commandId: 0x00, status: ZclStatus.NOT_AUTHORIZED });
    const refused = g.sent.filter((s) => s.dst === STRANGER_EUI);
    expect(refused.map((s) => s.frame.command)).toEqual([{ kind: 'defaultResponse', commandId: 0x00, status: ZclStatus.NOT_AUTHORIZED }]);
    expect(g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 50)), STRANGER_EUI)!.command).toEqual({ kind: 'defaultResponse', commandId: 0x04, status: ZclStatus.NOT_AUTHORIZED });
    expect(g.command(0x00, encodeSelectEmergencyCredit(0, 2), STRANGER_EUI)!.command).toMatchObject({ status: ZclStatus.NOT_AUTHORIZED });
    expect(g.states.at(-1)!.pendingCommands).toEqual([]);
    expect(g.logs.filter((l) => l.level === 'warn' && l.message.includes('not in the device log')).map((l) => l.data!.from)).toEqual([STRANGER_EUI, STRANGER_EUI, STRANGER_EUI]);
    // A stranger's "report" is not mirrored and gets no answer.
    const before = g.sent.length;
    g.frame(STRANGER_EUI, 0x0705, {
      header: { frameType: 'global', direction: 'toClient', disableDefaultResponse: false, sequence: 9, commandId: ZclGeneralCommand.reportAttributes },
      command: { kind: 'reportAttributes', reports: [credit(99_900_000)] },
    });
    expect(g.sent.length).toBe(before);
    expect(readRecord(g.read(PPMID_EUI, 0x0705, [0x0001]), 0x0001)).toEqual({ status: 0, value: 5 });
  });

  it('takes prepayment commands only from its PPMID: a joined IHD may read but not top up', () => {
    const g = lone();
    expect(g.read(IHD_EUI, 0x0702, [0x0000])!.command.kind).toBe('readAttributesResponse');
    expect(g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 5)), IHD_EUI)!.command).toMatchObject({ status: ZclStatus.NOT_AUTHORIZED });
    expect(g.command(0x00, encodeSelectEmergencyCredit(0, 2), IHD_EUI)!.command).toMatchObject({ status: ZclStatus.NOT_AUTHORIZED });
    expect(g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 5)), GSME_EUI)!.command).toMatchObject({ status: ZclStatus.NOT_AUTHORIZED });
    expect(g.states.at(-1)!.pendingCommands).toEqual([]);
  });

  it("forwards the GSME's ConsumerTopUpResponse to the device that sent the top-up, with that device's sequence number", () => {
    const g = lone();
    g.command(0x04, encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 5)));
    const ppmidSeq = g.sent.at(-1)!.frame.header.sequence;
    g.report(0x0702, [volume(1)]);
    g.complete();
    const fwd = g.sent.find((s) => s.dst === GSME_EUI && s.frame.header.commandId === 0x04)!;
    const payload = encodeConsumerTopUpResponse({ resultType: TopUpResult.rejectedDuplicate, topUpValue: 0, source: 2, creditRemaining: 5 });
    const answer = (sequence: number) =>
      g.frame(GSME_EUI, 0x0705, { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence, commandId: 0x03 }, command: { kind: 'other', payload } });
    answer(fwd.frame.header.sequence);
    const back = g.sent.at(-1)!;
    expect(back).toMatchObject({ dst: PPMID_EUI, clusterId: 0x0705 });
    expect(back.frame.header).toMatchObject({ frameType: 'cluster', direction: 'toClient', commandId: 0x03, sequence: ppmidSeq });
    expect(back.frame.command).toEqual({ kind: 'other', payload });
    // Once only; an unknown one is dropped with a warning.
    const n = g.sent.length;
    answer(fwd.frame.header.sequence);
    expect(g.sent.length).toBe(n);
    expect(g.logs.at(-1)!.message).toContain('for no forwarded top-up');
    // The same response from anyone but the GSME is refused as from a stranger, or ignored.
    g.frame(STRANGER_EUI, 0x0705, { header: { frameType: 'cluster', direction: 'toClient', disableDefaultResponse: true, sequence: 1, commandId: 0x03 }, command: { kind: 'other', payload } });
    expect(g.sent.length).toBe(n);
  });
});

describe('GPF remote requests', () => {
  it('answers each use case from the mirror in the RTDS attribute order; missing attributes are UNSUPPORTED_ATTRIBUTE', () => {
    const g = lone();
    g.report(0x0702, [volume(1234), { attributeId: 0x0302, type: ZclDataType.uint24, value: 1000 }, { attributeId: 0x0a00, type: ZclDataType.uint32, value: 99 }]);
    g.report(0x0705, [credit(2_500_000)]);
    g.complete();
    const a = g.wanRequest('GCS13a');
    expect(a.attributes).toHaveLength(1);
    expect(a.attributes[0]!.clusterId).toBe(0x0702);
    expect(a.attributes[0]!.records.map((r) => r.attributeId)).toEqual([0x0302, 0x0301, 0x0300, 0x0000]);
    expect(a.attributes[0]!.records[0]).toEqual({ attributeId: 0x0302, status: 0, type: ZclDataType.uint24, value: 1000 });
    expect(a.attributes[0]!.records[1]).toEqual({ attributeId: 0x0301, status: ZclStatus.UNSUPPORTED_ATTRIBUTE });
    const p = g.wanRequest('GCS14');
    expect(p.attributes.map((c) => c.clusterId)).toEqual([0x0700, 0x0705]);
    expect(p.attributes[1]!.records.map((r) => r.attributeId)).toEqual([0x0005, 0x0002, 0x0001, 0x0231, 0x0211, 0x0221]);
    const b = g.wanRequest('GCS60');
    expect(b.dateTime).toBeNull();
    expect(b.attributes.map((c) => c.records[0])).toEqual([
      { attributeId: 0x0a00, status: 0, type: ZclDataType.uint32, value: 99 },
      { attributeId: 0x0001, status: 0, type: ZclDataType.int32, value: 2_500_000 },
    ]);
    for (const uc of ['GCS13a', 'GCS13b', 'GCS13c', 'GCS14', 'GCS60a'] as const) expect(g.wanRequest(uc).dateTime).not.toBeNull();
  });

  it('date-time: GPF clock (RELIABLE, not from GSME) before any snapshot; the snapshot time (from GSME) after', () => {
    const g = lone();
    g.clock.increment(60_000);
    expect(g.wanRequest('GCS60a').dateTime).toEqual({ unixMs: EPOCH + 60_000, isFromGsme: false, clockStatus: 'RELIABLE' });
    g.report(0x0702, [snapshot(EPOCH + 55_000)]);
    g.complete();
    g.clock.increment(600_000);
    expect(g.wanRequest('GCS13a').dateTime).toEqual({ unixMs: EPOCH + 55_000, isFromGsme: true, clockStatus: 'RELIABLE' });
  });

  it('legacy GPF answers Read Meter Balance as GCS60 only: GCS60a (0x012A) exists only on new devices', () => {
    const g = lone('legacy');
    g.actor.send({ type: 'WAN_REQUEST', requestId: 'a', useCase: 'GCS60a' });
    expect(g.wan).toHaveLength(0);
    expect(g.logs.at(-1)).toMatchObject({ level: 'warn', message: 'use case not served by this firmware: no response', data: { requestId: 'a', useCase: 'GCS60a' } });
    expect(g.wanRequest('GCS60')).toMatchObject({ useCase: 'GCS60', dateTime: null });
    // A new GPF answers both.
    const n = lone('secmp0015');
    expect(n.wanRequest('GCS60a').dateTime).not.toBeNull();
    expect(n.wanRequest('GCS60').dateTime).toBeNull();
  });

  it('own clock: the reliability its TimeStatus gives (synchronised or master RELIABLE, neither UNRELIABLE), on either firmware', () => {
    for (const firmware of ['secmp0015', 'legacy'] as const) {
      expect(lone(firmware, { timeStatus: 0x02 }).wanRequest('GCS14').dateTime!.clockStatus).toBe('RELIABLE');
      expect(lone(firmware, { timeStatus: 0x01 }).wanRequest('GCS14').dateTime!.clockStatus).toBe('RELIABLE');
      expect(lone(firmware, { timeStatus: 0x00 }).wanRequest('GCS14').dateTime).toMatchObject({ isFromGsme: false, clockStatus: 'UNRELIABLE' });
      expect(lone(firmware, { timeStatus: 0x0c }).wanRequest('GCS13b').dateTime!.clockStatus).toBe('UNRELIABLE');
    }
  });

  it('legacy GPF always uses its own clock', () => {
    const g = lone('legacy');
    g.report(0x0702, [snapshot(EPOCH)]);
    g.complete();
    g.clock.increment(5_000);
    expect(g.wanRequest('GCS13c').dateTime).toEqual({ unixMs: EPOCH + 5_000, isFromGsme: false, clockStatus: 'RELIABLE' });
  });

  it('a snapshot further than the tolerance from its arrival time (either way) is UNRELIABLE', () => {
    for (const [offset, expected] of [
      [-119_000, 'RELIABLE'],
      [-121_000, 'UNRELIABLE'],
      [119_000, 'RELIABLE'],
      [121_000, 'UNRELIABLE'],
    ] as const) {
      const g = lone('secmp0015', { gsmeClockToleranceMs: 120_000 });
      g.clock.increment(3600_000);
      g.report(0x0702, [snapshot(EPOCH + 3600_000 + offset)]);
      g.complete();
      g.clock.increment(3 * 3600_000); // age alone never makes it unreliable
      const dt = g.wanRequest('GCS14').dateTime!;
      expect(dt.isFromGsme).toBe(true);
      expect(dt.clockStatus).toBe(expected);
    }
  });

  it('reliability rule', () => {
    expect(gsmeTimeReliability(1000, 0, 1000, 10)).toBe('RELIABLE');
    expect(gsmeTimeReliability(1000, null, 1000, 10)).toBe('UNRELIABLE');
    expect(gsmeTimeReliability(5000, 0, 1000, 10)).toBe('UNRELIABLE');
  });
});
