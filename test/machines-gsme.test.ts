import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { GSME_DEFAULT_CONFIG, gsmeMachine, meterNow } from '../firmware/machines/gsme.ts';
import type { GsmeConfig, GsmeEmitted } from '../firmware/machines/gsme.ts';
import { addFlow, initialRegisters, kwhFromM3, tierIndexAt } from '../firmware/machines/gsme-registers.ts';
import { encodeConsumerTopUp } from '../firmware/machines/prepayment-commands.ts';
import { prngJitter, prngSeed } from '../firmware/machines/prng.ts';
import type { HanSendEmitted, LogEmitted } from '../firmware/machines/han-events.ts';
import { CreditStatusBit, ZclGeneralCommand, ZclStatus, utcTimeFromUnixMs } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { EPOCH, GPF_EUI, GSME_EUI, Home, reportedValue } from './machines-harness.ts';
import { TEST_TOP_UP_KEY, testUtrn } from './support/utrn.ts';
import { decodeConsumerTopUpResponse, TopUpResult } from '../firmware/machines/gsme-topup.ts';
import { onEmitted } from './support/emitted.ts';

const MONEY = 100_000; // £1 at PriceTrailingDigit 0x50

/** A GSME alone (nobody answers), its emitted events collected. */
function lone(config: Partial<GsmeConfig> = {}, firmware: 'secmp0015' | 'legacy' = 'secmp0015', seed = 7) {
  const clock = new SimulatedClock();
  const hw = { now: () => EPOCH + clock.now() };
  const actor = createActor(gsmeMachine, { clock, input: { eui: GSME_EUI, peers: { gpf: GPF_EUI }, firmware, config: { topUpKey: TEST_TOP_UP_KEY, ...config }, clock: hw, seed } });
  const sent: (HanSendEmitted & { at: number })[] = [];
  const logs: LogEmitted[] = [];
  const all: GsmeEmitted[] = [];
  onEmitted(actor, 'han.send', (e) => sent.push({ ...e, at: clock.now() }));
  onEmitted(actor, 'log', (e) => logs.push(e));
  onEmitted(actor, '*', (e) => all.push(e));
  actor.start();
  const advance = (ms: number, flow = 0) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.increment(1000);
      if (flow > 0 && clock.now() % 60_000 === 0) actor.send({ type: 'GAS_FLOW', volumeM3: flow });
    }
  };
  return { actor, clock, sent, logs, all, advance };
}

function isComplete(f: ZclFrame): boolean {
  return reportedValue(f, 0xfffe) === 1;
}

describe('GSME wake cycle', () => {
  it('reports one frame per cluster, 0x0007 only on new firmware, AttributeReportingStatus complete last with default response enabled', () => {
    for (const firmware of ['secmp0015', 'legacy'] as const) {
      const { sent } = lone({}, firmware);
      expect(sent.map((s) => s.clusterId)).toEqual([0x0702, 0x0700, 0x0705, 0x0702]);
      expect(sent.every((s) => s.dst === GPF_EUI && s.frame.header.commandId === ZclGeneralCommand.reportAttributes && s.frame.header.direction === 'toClient')).toBe(true);
      expect(sent.map((s) => s.frame.header.disableDefaultResponse)).toEqual([true, true, true, false]);
      const seqs = sent.map((s) => s.frame.header.sequence);
      expect(new Set(seqs).size).toBe(4);
      const metering = sent[0]!.frame;
      const snapshot = reportedValue(metering, 0x0007);
      if (firmware === 'secmp0015') expect(snapshot).toBe(utcTimeFromUnixMs(EPOCH));
      else expect(snapshot).toBeUndefined();
      expect(reportedValue(metering, 0x0300)).toBe(1); // m³
      expect(reportedValue(metering, 0x0302)).toBe(1000);
      expect(reportedValue(sent[1]!.frame, 0x0617)).toBe(0x50);
      expect(reportedValue(sent[2]!.frame, 0x0001)).toBe(10 * MONEY);
      expect(isComplete(sent[3]!.frame)).toBe(true);
      expect(sent[3]!.frame.command.kind === 'reportAttributes' && sent[3]!.frame.command.reports.length).toBe(1);
    }
  });

  it('credit mode sends no Prepayment cluster', () => {
    const { sent } = lone({ paymentMode: 'credit' });
    expect(sent.map((s) => s.clusterId)).toEqual([0x0702, 0x0700, 0x0702]);
  });

  it('without a Default Response repeats the whole report `retries` times ackTimeout apart, then sleeps until the next wake', () => {
    const { sent, advance, actor, logs } = lone({ retries: 2, ackTimeoutMs: 10_000 });
    advance(29_000);
    expect(sent.filter((s) => isComplete(s.frame)).map((s) => s.at)).toEqual([0, 10_000, 20_000]);
    expect(actor.getSnapshot().matches({ awake: 'reporting' })).toBe(true);
    advance(2_000);
    expect(actor.getSnapshot().value).toBe('sleeping');
    expect(actor.getSnapshot().context.lastReport).toBe('failed');
    expect(logs.some((l) => l.level === 'warn' && l.message.startsWith('report not acknowledged'))).toBe(true);
    // Retries resend the snapshot taken at the start of the wake, under new sequence numbers.
    const metering = sent.filter((s) => s.clusterId === 0x0702 && !isComplete(s.frame));
    expect(new Set(metering.map((m) => reportedValue(m.frame, 0x0007))).size).toBe(1);
    expect(new Set(sent.map((s) => s.frame.header.sequence)).size).toBe(sent.length);
    const count = sent.length;
    advance(25 * 60_000);
    expect(sent.length).toBe(count);
    advance(10 * 60_000);
    expect(sent.length).toBeGreaterThan(count);
  });

  it('a late Default Response (wrong sequence number) is not taken as the acknowledgement', () => {
    const { sent, actor } = lone();
    const last = sent[3]!.frame;
    const wrong: ZclFrame = {
      header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: true, sequence: (last.header.sequence + 7) & 0xff, commandId: ZclGeneralCommand.defaultResponse },
      command: { kind: 'defaultResponse', commandId: ZclGeneralCommand.reportAttributes, status: 0 },
    };
    actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0702, frame: wrong });
    expect(actor.getSnapshot().matches({ awake: 'reporting' })).toBe(true);
    // The right one, but from a stranger: ignored too.
    actor.send({ type: 'HAN_FRAME', src: '00124B00000000FF', clusterId: 0x0702, frame: { ...wrong, header: { ...wrong.header, sequence: last.header.sequence } } });
    expect(actor.getSnapshot().matches({ awake: 'reporting' })).toBe(true);
    actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0702, frame: { ...wrong, header: { ...wrong.header, sequence: last.header.sequence } } });
    expect(actor.getSnapshot().matches({ awake: 'syncingClock' })).toBe(true);
  });

  it('wake jitter is deterministic per seed and stays within the configured spread', () => {
    const wakes = (seed: number) => {
      const h = new Home({ seed });
      h.advance(12 * 3600_000);
      h.stop();
      return h.completeReportTimes();
    };
    const a = wakes(1);
    const b = wakes(1);
    const c = wakes(2);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.length).toBeGreaterThanOrEqual(23);
    for (let i = 1; i < a.length; i++) {
      const gap = a[i]! - a[i - 1]!;
      // 1 s harness steps: a wake fires up to 1 s after it is due.
      expect(gap).toBeGreaterThanOrEqual(30 * 60_000 - 60_000 - 1000);
      expect(gap).toBeLessThanOrEqual(30 * 60_000 + 60_000 + 1000);
    }
    expect(new Set(a.slice(1).map((t, i) => t - a[i]!)).size).toBeGreaterThan(5);
  });

  it('prng: xorshift32 from a seed, values in [0, 1), jitter in [-spread, spread]', () => {
    let s = prngSeed(0);
    expect(s).not.toBe(0);
    for (let i = 0; i < 1000; i++) {
      const j = prngJitter(s, 60_000);
      expect(j.jitter).toBeGreaterThanOrEqual(-60_000);
      expect(j.jitter).toBeLessThanOrEqual(60_000);
      expect(j.state).not.toBe(s);
      s = j.state;
    }
    expect(prngSeed(1)).not.toBe(prngSeed(2));
  });
});

describe('GSME clock', () => {
  it('a clock sync from the GPF Time cluster corrects the initial error; the snapshot time then follows the CH clock', () => {
    const h = new Home({ gsmeConfig: { clockOffsetMs: -7 * 60_000 } });
    const first = h.gsmeFrames()[0]!.frame;
    expect(reportedValue(first, 0x0007)).toBe(utcTimeFromUnixMs(EPOCH - 7 * 60_000));
    expect(h.gsmeFrames().some((f) => f.clusterId === 0x000a)).toBe(true);
    const ctx = h.gsme.getSnapshot().context;
    expect(Math.abs(meterNow(ctx) - h.hw.now())).toBeLessThan(1000);
    expect(h.gsmeLogs.some((l) => l.message === 'clock synchronised')).toBe(true);
    h.advance(31 * 60_000);
    const t2 = h.completeReportTimes()[1]!;
    const metering2 = h.gsmeFrames().find((f) => f.at === t2 && f.clusterId === 0x0702 && !isComplete(f.frame))!.frame;
    expect(Math.abs((reportedValue(metering2, 0x0007) as number) - utcTimeFromUnixMs(EPOCH + t2)!)).toBeLessThanOrEqual(1);
  });

  it("with the 'unsynchronised' fault it never reads the Time cluster and keeps its error", () => {
    const h = new Home({ gsmeConfig: { clockOffsetMs: -7 * 60_000, clockFault: 'unsynchronised' } });
    h.advance(2 * 3600_000);
    expect(h.gsmeFrames().some((f) => f.clusterId === 0x000a)).toBe(false);
    expect(h.gsme.getSnapshot().context.clockOffsetMs).toBe(-7 * 60_000);
    expect(h.completeReportTimes().length).toBeGreaterThanOrEqual(4);
    expect(h.gsmeStates.at(-1)).toMatchObject({ lastReport: 'ok', clockOffsetMs: -420_000 });
  });

  it('ignores a Time response whose TimeStatus is neither master nor synchronised', () => {
    const h = new Home({ gsmeConfig: { clockOffsetMs: -60_000 }, gpfConfig: { timeStatus: 0 } });
    expect(h.gsme.getSnapshot().context.clockOffsetMs).toBe(-60_000);
    expect(h.gsmeLogs.some((l) => l.message.startsWith('comms hub time not usable'))).toBe(true);
  });
});

describe('GSME registers', () => {
  const config = { ...GSME_DEFAULT_CONFIG };
  it('converts m³ to kWh with volume correction and calorific value', () => {
    expect(kwhFromM3(config, 1)).toBeCloseTo((1.02264 * 39.5) / 3.6, 10);
  });

  it('counts whole 1/1000 m³ and carries the remainder', () => {
    let reg = initialRegisters(config, EPOCH);
    for (let i = 0; i < 10; i++) reg = addFlow(config, reg, 0.0004, EPOCH).registers;
    expect(reg.volume).toBe(4);
  });

  it('puts consumption in the tier of the hour and splits blocks at kWh thresholds', () => {
    expect(tierIndexAt(config, Date.UTC(2025, 0, 1, 3))).toBe(0);
    expect(tierIndexAt(config, Date.UTC(2025, 0, 1, 17))).toBe(2);
    let reg = initialRegisters(config, EPOCH);
    const m3PerKwh = 1 / kwhFromM3(config, 1);
    // 400 kWh, then 200 kWh: the second crosses the 500 kWh threshold halfway.
    reg = addFlow(config, reg, 400 * m3PerKwh, Date.UTC(2025, 0, 1, 17)).registers;
    const first = reg.volume;
    reg = addFlow(config, reg, 200 * m3PerKwh, Date.UTC(2025, 0, 1, 17)).registers;
    expect(reg.tiers[2]).toBe(reg.volume);
    expect(reg.blocks[0] + reg.blocks[1]).toBe(reg.volume);
    expect(reg.blocks[1]).toBeCloseTo(first / 4, -1);
    expect(reg.periodKwh).toBeCloseTo(600, 1);
  });
});

describe('GSME prepayment (machine)', () => {
  const base: Partial<GsmeConfig> = { initialCredit: 3 * MONEY, lowCreditThreshold: 2 * MONEY, emergencyCreditLimit: 5 * MONEY, standingChargePencePerDay: 0, unitPricePencePerKwh: 10 };
  // 1 m³ ≈ 11.22 kWh ≈ £1.122 at 10p/kWh.
  const ctx = (a: ReturnType<typeof lone>) => a.actor.getSnapshot().context;

  it('low credit → EC available and supply off without EC; flows while off count nothing', () => {
    const m = lone(base);
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).pay.credit).toBeLessThan(2 * MONEY);
    expect(m.logs.some((l) => l.level === 'warn' && l.message === 'low credit')).toBe(true);
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    const c = ctx(m);
    expect(c.pay.credit).toBe(0);
    expect(c.pay.supply).toBe(0);
    expect(c.pay.debt).toBeGreaterThan(0); // the overshoot of the last flow
    expect(m.logs.some((l) => l.message === 'emergency credit available')).toBe(true);
    expect(m.logs.some((l) => l.message === 'supply disabled: credit exhausted')).toBe(true);
    const volume = c.registers.volume;
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).registers.volume).toBe(volume);
    const states = m.all.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    expect(states.at(-1)!.creditStatusFlags).toEqual(['ecEnabled', 'ecAvailable', 'creditExhausted']);
  });

  it('EC activated at the meter after cut-off arms the supply; enableSupply turns it on; consumption from EC until exhausted → off', () => {
    const m = lone(base);
    for (let i = 0; i < 3; i++) m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).pay.supply).toBe(0);
    m.actor.send({ type: 'METER_BUTTON', action: 'enableSupply' });
    expect(ctx(m).pay.supply).toBe(0); // nothing to enable
    m.actor.send({ type: 'METER_BUTTON', action: 'activateEc' });
    expect(ctx(m).pay.supply).toBe(1);
    expect(ctx(m).pay.ecSelected).toBe(true);
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).pay.ec).toBe(5 * MONEY); // armed: no gas flows
    m.actor.send({ type: 'METER_BUTTON', action: 'enableSupply' });
    expect(ctx(m).pay.supply).toBe(2);
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).pay.ec).toBeLessThan(5 * MONEY);
    expect(m.logs.some((l) => l.message === 'emergency credit in use')).toBe(true);
    for (let i = 0; i < 5; i++) m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).pay.ec).toBe(0);
    expect(ctx(m).pay.supply).toBe(0);
    expect(m.logs.some((l) => l.message === 'emergency credit exhausted')).toBe(true);
  });

  it('with an EC threshold, EC selected before zero carries the supply through zero credit', () => {
    const m = lone({ ...base, emergencyCreditThreshold: 1 * MONEY });
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 2 });
    expect(ctx(m).pay.credit).toBeLessThanOrEqual(1 * MONEY);
    m.actor.send({ type: 'METER_BUTTON', action: 'activateEc' });
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    const c = ctx(m);
    expect(c.pay.credit).toBe(0);
    expect(c.pay.supply).toBe(2);
    expect(c.pay.ec).toBeLessThan(5 * MONEY);
    expect(c.pay.debt).toBe(0);
  });

  it('a top-up (forwarded by the GPF) repays EC used first, then credit; supply off → armed → enableSupply → on', () => {
    const m = lone(base);
    for (let i = 0; i < 3; i++) m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    m.actor.send({ type: 'METER_BUTTON', action: 'activateEc' });
    m.actor.send({ type: 'METER_BUTTON', action: 'enableSupply' });
    for (let i = 0; i < 6; i++) m.actor.send({ type: 'GAS_FLOW', volumeM3: 1 });
    expect(ctx(m).pay.supply).toBe(0);
    expect(ctx(m).pay.ec).toBe(0);
    // Forwarded commands only reach the meter while it is awake (it is: nobody acknowledged the report).
    const topUp: ZclFrame = {
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: true, sequence: 9, commandId: 0x04 },
      command: { kind: 'other', payload: encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 20)) },
    };
    m.actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0705, frame: topUp });
    const c = ctx(m);
    expect(c.pay.ec).toBe(5 * MONEY);
    expect(c.pay.ecSelected).toBe(false);
    expect(c.pay.credit).toBe(15 * MONEY);
    expect(c.pay.supply).toBe(1);
    expect(c.changedByCommand).toBe(true);
    m.actor.send({ type: 'METER_BUTTON', action: 'enableSupply' });
    expect(ctx(m).pay.supply).toBe(2);
  });

  it("debtRecovery 'fromTopUp' repays AccumulatedDebt after EC; standing charge accrues by clock time, to debt while exhausted", () => {
    const m = lone({ ...base, initialCredit: 0, standingChargePencePerDay: 50, debtRecovery: 'fromTopUp' });
    expect(ctx(m).pay.supply).toBe(0);
    m.advance(24 * 3600_000);
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 0 }); // the sensor tick applies the standing charge due
    expect(ctx(m).pay.debt).toBeGreaterThanOrEqual(50 * 1000 - 1);
    expect(ctx(m).pay.debt).toBeLessThanOrEqual(50 * 1000);
    const frame: ZclFrame = {
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence: 3, commandId: 0x04 },
      command: { kind: 'other', payload: encodeConsumerTopUp(2, testUtrn(GSME_EUI, 1, 10)) },
    };
    // Wake the meter (it reports; nobody answers, so it stays awake for the retries).
    m.advance(40 * 60_000);
    while (!m.actor.getSnapshot().matches('awake')) m.advance(1000);
    const debt = ctx(m).pay.debt;
    m.actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0705, frame });
    expect(ctx(m).pay.debt).toBe(0);
    expect(ctx(m).pay.credit).toBeGreaterThan(10 * MONEY - debt - 100);
    const r = m.sent.at(-1)!;
    expect(r.frame.header).toMatchObject({ frameType: 'cluster', direction: 'toClient', commandId: 0x03, sequence: 3 });
    expect(r.frame.command.kind === 'other' && decodeConsumerTopUpResponse(r.frame.command.payload)).toEqual({
      resultType: TopUpResult.accepted,
      topUpValue: 10 * MONEY,
      source: 2,
      creditRemaining: ctx(m).pay.credit,
    });
  });

  it('applies a UTRN once: replayed, forged, another meter’s, too old or keyless → ConsumerTopUpResponse with the reason, nothing credited', () => {
    const m = lone(base);
    let seq = 10;
    const send = (code: string) => {
      const frame: ZclFrame = {
        header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: true, sequence: ++seq, commandId: 0x04 },
        command: { kind: 'other', payload: encodeConsumerTopUp(2, code) },
      };
      m.actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0705, frame });
      const r = m.sent.at(-1)!;
      expect(r.frame.header).toMatchObject({ commandId: 0x03, sequence: seq });
      return r.frame.command.kind === 'other' ? decodeConsumerTopUpResponse(r.frame.command.payload)!.resultType : -1;
    };
    const credit = () => ctx(m).pay.credit;
    const c0 = credit();
    expect(send(testUtrn(GSME_EUI, 40, 5))).toBe(TopUpResult.accepted);
    expect(credit()).toBe(c0 + 5 * MONEY);
    expect(send(testUtrn(GSME_EUI, 40, 5))).toBe(TopUpResult.rejectedDuplicate);
    const forged = testUtrn(GSME_EUI, 41, 500, 'ff'.repeat(16));
    expect(send(forged)).toBe(TopUpResult.rejectedInvalid);
    expect(send(testUtrn('00124B00000000EE', 42, 5))).toBe(TopUpResult.rejectedNotThisMeter);
    expect(send(testUtrn(GSME_EUI, 7, 5))).toBe(TopUpResult.rejectedTooOld);
    expect(send('1234')).toBe(TopUpResult.rejectedInvalid);
    expect(send(testUtrn(GSME_EUI, 39, 1))).toBe(TopUpResult.accepted); // out of order, within the window
    expect(credit()).toBe(c0 + 6 * MONEY);
    expect(ctx(m).utrnWindow).toEqual({ highest: 40, seen: 1 });
    // Keyed in at the meter: the same rules.
    m.actor.send({ type: 'METER_BUTTON', action: 'topUp', utrn: testUtrn(GSME_EUI, 40, 5) });
    expect(m.logs.at(-1)).toMatchObject({ message: 'meter top-up refused', data: { reason: 'used' } });
    m.actor.send({ type: 'METER_BUTTON', action: 'topUp', utrn: testUtrn(GSME_EUI, 45, 2) });
    expect(credit()).toBe(c0 + 8 * MONEY);
    // No key configured: nothing is accepted.
    const k = lone({ ...base, topUpKey: '' });
    k.actor.send({ type: 'METER_BUTTON', action: 'topUp', utrn: testUtrn(GSME_EUI, 1, 5) });
    expect(k.actor.getSnapshot().context.pay.credit).toBe(3 * MONEY);
  });

  it('CreditStatus bits follow the balances', () => {
    const m = lone(base);
    const status = () => ctx(m).snapshot!.prepayment!.find((r) => r.attributeId === 3)!.value as number;
    expect(status()).toBe(CreditStatusBit.creditOk | CreditStatusBit.emergencyCreditEnabled);
  });

  it('a malformed top-up is refused (a bad code: Rejected Invalid; a bad payload: INVALID_FIELD) and changes nothing', () => {
    const m = lone(base);
    const frame = (sequence: number, payload: Uint8Array): ZclFrame => ({
      header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence, commandId: 0x04 },
      command: { kind: 'other', payload },
    });
    m.actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0705, frame: frame(5, new Uint8Array([2, 3, 0x31, 0x41, 0x32])) });
    expect(ctx(m).pay.credit).toBe(3 * MONEY);
    const r = m.sent.at(-1)!.frame.command;
    expect(r.kind === 'other' && decodeConsumerTopUpResponse(r.payload)!.resultType).toBe(TopUpResult.rejectedInvalid);
    m.actor.send({ type: 'HAN_FRAME', src: GPF_EUI, clusterId: 0x0705, frame: frame(6, new Uint8Array([2, 9, 0x31])) });
    expect(m.sent.at(-1)!.frame.command).toEqual({ kind: 'defaultResponse', commandId: 0x04, status: ZclStatus.INVALID_FIELD });
    expect(ctx(m).pay.credit).toBe(3 * MONEY);
  });

  it('publishes state only when the observable summary changes', () => {
    const m = lone({ ...base, standingChargePencePerDay: 0 });
    const count = () => m.all.filter((e) => e.type === 'state').length;
    const before = count();
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 0 });
    expect(count()).toBe(before);
    m.actor.send({ type: 'GAS_FLOW', volumeM3: 0.5 });
    expect(count()).toBe(before + 1);
  });
});
