/**
 * The PPMID against the real GSME and GPF machines, all under one SimulatedClock with HAN frames
 * delivered through a queue that can lose them: the contract of docs/han-protocol.md end to end,
 * and the core metric (spec section 6) minute by minute.
 */
import { TEST_TOP_UP_KEY, testUtrn } from './support/utrn.ts';
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { gpfMachine } from '../firmware/machines/gpf.ts';
import { gsmeMachine } from '../firmware/machines/gsme.ts';
import type { Firmware, GsmeConfig } from '../firmware/machines/gsme.ts';
import { ppmidMachine } from '../firmware/machines/ppmid.ts';
import type { PpmidConfig } from '../firmware/machines/ppmid.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { classifyMinute, isCreditMisleading, warnsDataMayBeOld } from '../firmware/display/metric.ts';
import type { MeterTruth, MinuteClass } from '../firmware/display/metric.ts';
import { gsmeSummary } from '../firmware/machines/gsme.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { onEmitted } from './support/emitted.ts';
import type { HanSendEmitted, OutboxEmitted } from '../firmware/machines/han-events.ts';

const EPOCH = Date.UTC(2025, 0, 15, 6, 0, 0);
const MIN = 60_000;
const GSME = '00124B0000000001';
const GPF = '00124B0000000002';
const PPMID = '00124B0000000003';
/** Flow per minute: 0.3 m³/h (a boiler on about a third of the time), about 0.4p a minute at the GSME defaults. */
const FLOW_M3 = 0.005;

interface Frame {
  src: string;
  dst: string;
  clusterId: number;
  frame: ZclFrame;
}

function home(opts: { gsme?: Firmware; gpf?: Firmware; ppmid?: Firmware; ppmidConfig?: Partial<PpmidConfig>; gsmeConfig?: Partial<GsmeConfig> } = {}) {
  const clock = new SimulatedClock();
  const hw = { now: () => EPOCH + clock.now() };
  const gsme = createActor(gsmeMachine, { clock, input: { eui: GSME, peers: { gpf: GPF }, firmware: opts.gsme ?? 'secmp0015', config: { initialCredit: 2_000_000, topUpKey: TEST_TOP_UP_KEY, ...opts.gsmeConfig }, clock: hw, seed: 3 } });
  const gpf = createActor(gpfMachine, { clock, input: { eui: GPF, peers: { gsme: GSME, ppmid: PPMID }, firmware: opts.gpf ?? 'secmp0015', clock: hw, seed: 4 } });
  const ppmid = createActor(ppmidMachine, { clock, input: { eui: PPMID, peers: { gpf: GPF }, firmware: opts.ppmid ?? 'secmp0015', config: opts.ppmidConfig ?? {}, clock: hw, seed: 5 } });
  let screen: ScreenModel | null = null;
  onEmitted(ppmid, 'screen', (e) => (screen = e.screen));
  /** Return true to lose a frame. */
  let drop: (f: Frame) => boolean = () => false;
  const queue: Frame[] = [];
  let pumping = false;
  const pump = () => {
    if (pumping) return;
    pumping = true;
    while (queue.length) {
      const f = queue.shift()!;
      if (drop(f)) continue;
      const event = { type: 'HAN_FRAME' as const, src: f.src, clusterId: f.clusterId, frame: f.frame };
      if (f.dst === GPF) gpf.send(event);
      else if (f.dst === GSME) gsme.send(event);
      else if (f.dst === PPMID) ppmid.send(event);
    }
    pumping = false;
  };
  for (const [actor, src] of [
    [gsme, GSME],
    [gpf, GPF],
    [ppmid, PPMID],
  ] as const) {
    onEmitted(actor as unknown as { on(t: 'outbox', fn: (e: OutboxEmitted<HanSendEmitted>) => void): void }, 'han.send', (e) => {
      queue.push({ src, dst: e.dst, clusterId: e.clusterId, frame: e.frame });
      pump();
    });
  }
  gpf.start();
  gsme.start();
  ppmid.start();

  const trueCredit = () => gsme.getSnapshot().context.pay.credit / 100_000;
  const truth = (): MeterTruth => {
    const g = gsmeSummary(gsme.getSnapshot().context);
    return { credit: trueCredit(), supply: g.supply as MeterTruth['supply'], onEmergencyCredit: ((g.creditStatus as number) & 0x20) !== 0 };
  };
  const minutes: { t: number; cls: MinuteClass; screen: ScreenModel; truth: number }[] = [];
  /** Runs `n` minutes in 1 s steps, gas flowing; classifies each minute's screen against the truth. */
  const run = (n: number) => {
    for (let m = 0; m < n; m++) {
      for (let s = 0; s < 60; s++) clock.increment(1000);
      gsme.send({ type: 'GAS_FLOW', volumeM3: FLOW_M3 });
      const sc = screen as ScreenModel | null;
      if (sc) minutes.push({ t: clock.now(), cls: classifyMinute(sc, truth()), screen: sc, truth: trueCredit() });
    }
  };
  return {
    gsme,
    gpf,
    ppmid,
    clock,
    minutes,
    run,
    trueCredit,
    screen: () => screen as ScreenModel | null,
    setDrop: (fn: (f: Frame) => boolean) => (drop = fn),
  };
}

const count = (ms: { cls: MinuteClass }[], cls: MinuteClass | 'misleading') => ms.filter((m) => (cls === 'misleading' ? isCreditMisleading(m.cls) : m.cls === cls)).length;
const gsmeToGpfLost = (f: Frame) => f.src === GSME;

describe('ppmid end to end with the GSME and GPF machines', () => {
  it('new GSME + new GPF: fresh with the GSME time; a GSME→GPF outage turns stale in time; no misleading minutes', () => {
    const h = home();
    h.run(90);
    expect(h.screen()).toMatchObject({ freshness: 'fresh', lastUpdate: { source: 'gsme' } });
    expect(h.screen()!.credit).toBeCloseTo(h.trueCredit(), 0);
    const outageAt = h.minutes.length;
    h.setDrop(gsmeToGpfLost);
    h.run(180);
    const outage = h.minutes.slice(outageAt);
    expect(outage.some((m) => m.screen.freshness === 'late')).toBe(true);
    expect(h.screen()!.freshness).toBe('stale');
    expect(warnsDataMayBeOld(h.screen()!)).toBe(true);
    expect(count(h.minutes, 'misleading')).toBe(0);
    h.setDrop(() => false);
    h.run(45);
    expect(h.screen()!.freshness).toBe('fresh');
    // Recovery: the new balance comes with its new time in the same poll (no stale minute after it).
    const stale = h.minutes.findIndex((m, i) => i > outageAt && m.screen.freshness === 'stale');
    const back = h.minutes.findIndex((m, i) => i > stale && m.screen.freshness === 'fresh');
    const change = h.minutes.findIndex((m, i) => i > outageAt && m.screen.credit !== h.minutes[outageAt + 1]!.screen.credit);
    expect(back).toBe(change);
  });

  it('without stale detection the same outage gives misleading minutes (what the HIL harness must catch)', () => {
    const h = home({ ppmidConfig: { staleDetection: false } });
    h.run(90);
    h.setDrop(gsmeToGpfLost);
    h.run(360);
    expect(h.screen()!.freshness).toBe('fresh');
    expect(h.screen()!.lines.at(-1)).toMatch(/^Updated \d\d:\d\d$/);
    expect(count(h.minutes, 'misleading')).toBeGreaterThan(180);
    // The same outage with stale detection: none.
    const d = home();
    d.run(90);
    d.setDrop(gsmeToGpfLost);
    d.run(360);
    expect(count(d.minutes, 'misleading')).toBe(0);
  });

  for (const [gsmeFw, gpfFw] of [
    ['legacy', 'secmp0015'],
    ['secmp0015', 'legacy'],
    ['legacy', 'legacy'],
  ] as const) {
    it(`${gsmeFw} GSME + ${gpfFw} GPF: time unknown with a change-time estimate; the outage is caught by "no change seen"`, () => {
      const h = home({ gsme: gsmeFw, gpf: gpfFw });
      h.run(90);
      expect(h.screen()).toMatchObject({ freshness: 'unknown', lastUpdate: { source: 'changeEstimate' } });
      expect(warnsDataMayBeOld(h.screen()!)).toBe(false);
      h.setDrop(gsmeToGpfLost);
      h.run(180);
      expect(h.screen()!.warnings.map((w) => w.code)).toContain('noChangeSeen');
      expect(count(h.minutes, 'misleading')).toBe(0);
    });
  }

  it('a legacy PPMID keeps working against a new GPF (never asks for 0x0007)', () => {
    const h = home({ ppmid: 'legacy' });
    h.run(40);
    expect(h.screen()).toMatchObject({ freshness: 'unknown' });
    expect(h.screen()!.credit).toBeCloseTo(h.trueCredit(), 0);
  });

  it('EC activation travels PPMID → GPF (queued) → GSME at its next wake, and is confirmed', () => {
    const h = home({ gsmeConfig: { initialCredit: 20_000 } });
    h.run(120);
    expect(h.screen()).toMatchObject({ ec: 'available' });
    h.ppmid.send({ type: 'BUTTON', action: 'activateEc' });
    expect(h.screen()!.pending).toEqual(['activateEc']);
    h.run(40);
    expect(h.screen()).toMatchObject({ pending: [], ec: 'inUse' });
    expect(h.screen()!.warnings.map((w) => w.code)).toContain('ecInUse');
  });

  it('a top-up travels PPMID → GPF (queued) → GSME at its next wake, and is confirmed', () => {
    const h = home();
    h.run(5);
    const before = h.trueCredit();
    h.ppmid.send({ type: 'BUTTON', action: 'topUp', utrn: testUtrn(GSME, 1, 10) });
    expect(h.screen()!.pending).toEqual(['topUp']);
    h.run(40);
    expect(h.trueCredit()).toBeGreaterThan(before + 9);
    expect(h.screen()!.pending).toEqual([]);
    expect(h.screen()!.credit).toBeCloseTo(h.trueCredit(), 0);
  });
});
