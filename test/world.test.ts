import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../sim/scenario/load.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { gasFlowForMinute, kwhForMinute, kwhPerHourAt, kwhToM3, m3ToKwh, profileKwhBetween } from '../sim/world/consumption.ts';
import { createFaultModel } from '../sim/world/faults.ts';
import { createPrng } from '../sim/world/prng.ts';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 0, 15);
const GSME = '00DB1234567890A3';
const GPF = '00DB1234567890A4';
const PPMID = '00DB1234567890A5';

const scenario = (extra: Partial<ScenarioInput> = {}) => resolveScenario({ name: 'w', ...extra });

function draws(n: number, next: () => number): number[] {
  return Array.from({ length: n }, next);
}

describe('prng', () => {
  it('same seed → same sequence; different seed → different', () => {
    const a = createPrng(42), b = createPrng(42), c = createPrng(43);
    const da = draws(100, () => a.next());
    expect(draws(100, () => b.next())).toEqual(da);
    expect(draws(100, () => c.next())).not.toEqual(da);
    expect(da.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
    expect(new Set(da).size).toBe(100);
  });

  it('a fork does not depend on the parent’s use or on other forks', () => {
    const stream = (r: ReturnType<typeof createPrng>) => draws(20, () => r.float());
    const fresh = stream(createPrng(7).fork('consumption'));
    const parent = createPrng(7);
    draws(1000, () => parent.next());
    parent.fork('faults').next();
    parent.fork('something-new');
    const f = parent.fork('consumption');
    expect(stream(f)).toEqual(fresh);
    expect(new Set(fresh).size).toBe(20);
    // …and differs from its sibling and from the parent.
    expect(stream(createPrng(7).fork('faults'))).not.toEqual(fresh);
    expect(stream(createPrng(7))).not.toEqual(fresh);
    expect(stream(createPrng(8).fork('consumption'))).not.toEqual(fresh);
    expect(createPrng(7).fork('a').fork('b').label).toBe('a/b');
  });

  it('float in [0,1), int in [lo,hi] inclusive and reaches both ends, chance at the edges draws nothing', () => {
    const r = createPrng(1);
    const fs = draws(10_000, () => r.float());
    expect(Math.min(...fs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fs)).toBeLessThan(1);
    expect(Math.abs(fs.reduce((s, x) => s + x, 0) / fs.length - 0.5)).toBeLessThan(0.02);
    const ints = draws(10_000, () => r.int(-3, 3));
    expect(new Set(ints)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    expect(r.int(5, 5)).toBe(5);
    expect(() => r.int(3, 2)).toThrow(RangeError);
    const a = createPrng(9), b = createPrng(9);
    expect(a.chance(0)).toBe(false);
    expect(a.chance(1)).toBe(true);
    expect(a.next()).toBe(b.next());
  });
});

describe('consumption', () => {
  it('converts kWh to m³ with the volume correction and calorific value', () => {
    expect(kwhToM3(1, 39.5)).toBeCloseTo(3.6 / (1.02264 * 39.5), 12);
    expect(kwhToM3(10, 39.5)).toBeCloseTo(0.89122, 5);
    expect(m3ToKwh(kwhToM3(7.25, 38.7), 38.7)).toBeCloseTo(7.25, 12);
  });

  it('follows the daily step profile (no noise)', () => {
    const s = scenario({ consumption: { profile: [{ from: '00:00', kwhPerHour: 0.6 }, { from: '06:30', kwhPerHour: 1.8 }], noise: 0 } });
    const rng = createPrng(1);
    expect(kwhPerHourAt(s.consumption.profile, T0 + 6.5 * H - 1)).toBe(0.6);
    expect(kwhPerHourAt(s.consumption.profile, T0 + 6.5 * H)).toBe(1.8);
    expect(kwhForMinute(s, T0 + 6 * H, rng)).toBeCloseTo(0.01, 12);
    expect(gasFlowForMinute(s, T0 + 7 * H, rng)).toBeCloseTo(kwhToM3(0.03, 39.5), 12);
    // A minute straddling a step change is split exactly.
    expect(profileKwhBetween(s.consumption.profile, T0 + 6.5 * H - 30_000, T0 + 6.5 * H + 30_000)).toBeCloseTo(0.005 + 0.015, 12);
  });

  it('a day of minutes adds up to the sum of the steps (fast-check)', () => {
    const profileArb = fc
      .uniqueArray(fc.integer({ min: 1, max: 1439 }), { maxLength: 6 })
      .chain((starts) =>
        fc.tuple(
          fc.constant([0, ...starts.sort((a, b) => a - b)]),
          fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: starts.length + 1, maxLength: starts.length + 1 }),
        ),
      );
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 0, max: 30 }), ([starts, rates], dayOffset) => {
        const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
        const s = scenario({
          duration: '40d',
          consumption: { profile: starts.map((m, i) => ({ from: hhmm(m), kwhPerHour: rates[i]! })), noise: 0 },
        });
        const expected = starts.reduce((sum, m, i) => sum + (rates[i]! * ((starts[i + 1] ?? 1440) - m)) / 60, 0);
        const rng = createPrng(3);
        const day = T0 + dayOffset * 24 * H;
        let total = 0;
        for (let t = day; t < day + 24 * H; t += M) total += kwhForMinute(s, t, rng);
        expect(total).toBeCloseTo(expected, 6);
        expect(profileKwhBetween(s.consumption.profile, day, day + 24 * H)).toBeCloseTo(expected, 6);
      }),
      { numRuns: 50 },
    );
  });

  it('noise: seeded, within ±noise, never negative, averaging out', () => {
    const s = scenario({ consumption: { profile: [{ from: '00:00', kwhPerHour: 1.2 }], noise: 0.2 } });
    const flows = (seed: number) => {
      const rng = createPrng(seed).fork('consumption');
      return Array.from({ length: 1440 }, (_, i) => gasFlowForMinute(s, T0 + i * M, rng));
    };
    const a = flows(42);
    expect(flows(42)).toEqual(a);
    expect(flows(43)).not.toEqual(a);
    const nominal = kwhToM3(0.02, 39.5);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(nominal * 0.8);
    expect(Math.max(...a)).toBeLessThanOrEqual(nominal * 1.2);
    expect(new Set(a).size).toBeGreaterThan(1000);
    expect(a.reduce((x, y) => x + y, 0) / 1440 / nominal).toBeCloseTo(1, 1);
  });

  it('a minute’s noise does not depend on the order minutes are asked for', () => {
    const s = scenario();
    const forward = createPrng(5).fork('consumption');
    const backward = createPrng(5).fork('consumption');
    const minutes = Array.from({ length: 60 }, (_, i) => T0 + i * M);
    const f = minutes.map((t) => gasFlowForMinute(s, t, forward));
    const b = [...minutes].reverse().map((t) => gasFlowForMinute(s, t, backward)).reverse();
    expect(b).toEqual(f);
  });

  it('never negative, even at full noise (fast-check)', () => {
    const s = scenario({ consumption: { profile: [{ from: '00:00', kwhPerHour: 3 }], noise: 1 } });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 1439 }), (seed, minute) => {
        expect(gasFlowForMinute(s, T0 + minute * M, createPrng(seed))).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('faults', () => {
  const frames = (src: string, dst: string, from: number, to: number, step = M) => {
    const out: { src: string; dst: string; atMs: number }[] = [];
    for (let t = from; t < to; t += step) out.push({ src, dst, atMs: t });
    return out;
  };

  it('a total outage on gsme-gpf loses GSME↔GPF frames, only within [start, end)', () => {
    const s = scenario({ outages: [{ start: '+1h', duration: '2h', link: 'gsme-gpf' }] });
    const f = createFaultModel(s, createPrng(s.seed).fork('faults'));
    const drop = (src: string, dst: string, atMs: number) => f.drop({ src, dst, atMs });
    expect(drop(GSME, GPF, T0 + H - 1)).toBe(false);
    expect(drop(GSME, GPF, T0 + H)).toBe(true);
    expect(drop(GPF, GSME, T0 + 2 * H)).toBe(true);
    expect(drop(GSME, GPF, T0 + 3 * H - 1)).toBe(true);
    expect(drop(GSME, GPF, T0 + 3 * H)).toBe(false);
    expect(drop(PPMID, GPF, T0 + 2 * H)).toBe(false);
    expect(drop(GPF, PPMID, T0 + 2 * H)).toBe(false);
    expect(drop(GSME.toLowerCase(), GPF, T0 + 2 * H)).toBe(true);
    expect(f.activeOutages(T0 + 2 * H)).toEqual(s.outages);
    expect(f.activeOutages(T0 + 3 * H)).toEqual([]);
  });

  it('direction: up is towards the GPF, down from it; link all covers both links', () => {
    const s = scenario({
      outages: [
        { start: '+1h', duration: '1h', link: 'gsme-gpf', direction: 'up' },
        { start: '+3h', duration: '1h', link: 'gpf-ppmid', direction: 'down' },
        { start: '+5h', duration: '1h', link: 'all', direction: 'up' },
      ],
    });
    const f = createFaultModel(s, createPrng(1));
    const at = (h: number) => T0 + h * H;
    expect([f.drop({ src: GSME, dst: GPF, atMs: at(1.5) }), f.drop({ src: GPF, dst: GSME, atMs: at(1.5) })]).toEqual([true, false]);
    expect([f.drop({ src: PPMID, dst: GPF, atMs: at(3.5) }), f.drop({ src: GPF, dst: PPMID, atMs: at(3.5) })]).toEqual([false, true]);
    expect([
      f.drop({ src: GSME, dst: GPF, atMs: at(5.5) }),
      f.drop({ src: PPMID, dst: GPF, atMs: at(5.5) }),
      f.drop({ src: GPF, dst: GSME, atMs: at(5.5) }),
      f.drop({ src: GPF, dst: PPMID, atMs: at(5.5) }),
    ]).toEqual([true, true, false, false]);
  });

  it('partial loss: seeded, about the given rate, unaffected by other outages', () => {
    const one = { start: '+1h', duration: '10h', link: 'gsme-gpf' as const, loss: 0.3 };
    const run = (seed: number, outages: ScenarioInput['outages']) => {
      const s = scenario({ seed, outages });
      const f = createFaultModel(s, createPrng(seed).fork('faults'));
      return frames(GSME, GPF, T0 + H, T0 + 11 * H, 10_000).map((fr) => f.drop(fr));
    };
    const a = run(42, [one]);
    expect(run(42, [one])).toEqual(a);
    expect(run(43, [one])).not.toEqual(a);
    const rate = a.filter(Boolean).length / a.length;
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeLessThan(0.35);
    // Another outage (on the other link, drawing from its own stream) changes nothing here.
    expect(run(42, [one, { start: '+2h', duration: '1h', link: 'gpf-ppmid', loss: 0.5 }])).toEqual(a);
    expect(run(42, [{ ...one, loss: 0 }]).some(Boolean)).toBe(false);
  });

  it('clock faults per device, by time', () => {
    const s = scenario({
      clockFaults: [
        { device: 'ppmid', at: '+3h', kind: 'jump', offset: '-10m' },
        { device: 'gsme', at: '+2h', kind: 'drift', driftPpm: 3000 },
        { device: 'gsme', at: '+1h', kind: 'unsynchronised' },
      ],
    });
    const f = createFaultModel(s, createPrng(1));
    expect(f.clockFaultsFor('gsme')).toEqual([
      { device: 'gsme', at: T0 + H, kind: 'unsynchronised' },
      { device: 'gsme', at: T0 + 2 * H, kind: 'drift', driftPpm: 3000 },
    ]);
    expect(f.clockFaultsFor('ppmid')).toEqual([{ device: 'ppmid', at: T0 + 3 * H, kind: 'jump', offset: -10 * M }]);
  });
});
