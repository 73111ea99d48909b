import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  builtinScenario,
  DEFAULT_SCENARIO,
  listBuiltinScenarios,
  parseScenario,
  resolveScenario,
} from '../sim/scenario/load.ts';
import {
  compareVariants,
  DEFAULT_EUIS,
  formatDuration,
  formatTime,
  parseDuration,
  parseIsoTime,
  type Scenario,
} from '../sim/scenario/schema.ts';
import { kwhForMinute } from '../sim/world/consumption.ts';
import { createPrng } from '../sim/world/prng.ts';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 0, 15);

describe('built-in scenarios', () => {
  it('lists every built-in, and each loads with its file name as its name', () => {
    const names = listBuiltinScenarios();
    expect(names).toEqual([
      'clock-drift',
      'ec-used-up-during-outage',
      'frame-loss-week',
      'han-outage-prepay',
      'matrix-legacy-gpf',
      'matrix-legacy-gsme',
      'matrix-legacy-legacy',
      'matrix-new-new',
      'meter-clock-day-off',
      'meter-clock-year-2000',
      'new-build-wan-coverage',
      'top-up-during-outage',
      'top-up-lost-ppmid-link',
      'uk-clocks-back',
      'uk-clocks-forward',
      'uk-summer-time',
    ]);
    expect(names).toContain(DEFAULT_SCENARIO);
    for (const name of names) expect(builtinScenario(name).name).toBe(name);
  });

  it('an unknown built-in names the known ones', () => {
    expect(() => builtinScenario('nope')).toThrow(`unknown built-in scenario 'nope'; expected one of: ${listBuiltinScenarios().join(', ')}`);
  });

  describe('han-outage-prepay: the numbers its comments promise', () => {
    const s = builtinScenario('han-outage-prepay');
    const outage = s.outages[0]!;

    /** Credit at each minute from the start: consumption (seeded, as the world will simulate it) + standing charge. */
    function creditCurve(sc: Scenario): Map<number, number> {
      const rng = createPrng(sc.seed).fork('consumption');
      const curve = new Map<number, number>();
      let credit = sc.prepayment.credit;
      for (let t = sc.start; t <= sc.end; t += M) {
        curve.set(t, credit);
        credit -= (kwhForMinute(sc, t, rng) * sc.tariff.unitPrice) / 100 + sc.tariff.standingCharge / 1440 / 100;
      }
      return curve;
    }
    const curve = creditCurve(s);
    const credit = (t: number) => curve.get(t) ?? NaN;

    it('is the SECMP0015-everywhere compare run, with the GSME↔GPF link down 17:30–20:30', () => {
      expect(s.compare).toBe(true);
      expect([s.devices.gsme.firmware, s.devices.gpf.firmware, s.devices.ppmid.firmware]).toEqual(['secmp0015', 'secmp0015', 'secmp0015']);
      expect(s.outages).toHaveLength(1);
      expect(outage).toMatchObject({ start: T0 + 17.5 * H, end: T0 + 20.5 * H, link: 'gsme-gpf', direction: 'both', loss: 1 });
      expect(s.duration).toBeGreaterThanOrEqual(24 * H);
      expect(s.duration).toBeLessThanOrEqual(48 * H);
      expect(s.autoCustomer.activateEcWhenAvailable).toBe(false);
      expect(s.customer).toEqual([]);
    });

    it('evening heating is realistic: 1–3 kWh/h around the outage', () => {
      for (const step of s.consumption.profile) {
        if (step.from >= 16 * H && step.from < 22 * H) {
          expect(step.kwhPerHour).toBeGreaterThanOrEqual(1);
          expect(step.kwhPerHour).toBeLessThanOrEqual(3);
        }
      }
    });

    it('credit is low, and above the tolerance when the link fails', () => {
      expect(s.prepayment.credit).toBeLessThanOrEqual(3.5);
      expect(credit(outage.start)).toBeGreaterThan(s.metric.tolerance);
      expect(credit(outage.start)).toBeCloseTo(0.555, 2);
    });

    it('drops by less than the tolerance in the 65 min before a SECMP0015 stale warning', () => {
      const staleAfter = 2 * s.devices.ppmid.expectedUpdateInterval + s.devices.ppmid.grace;
      expect(staleAfter).toBe(65 * M);
      // The last good update is at most one wake interval (plus jitter) before the outage.
      const lastUpdate = outage.start - s.devices.gsme.wakeInterval - s.devices.gsme.wakeJitter;
      for (const from of [lastUpdate, outage.start]) {
        expect(credit(from) - credit(from + staleAfter)).toBeLessThan(s.metric.tolerance);
      }
      expect(credit(outage.start) - credit(outage.start + staleAfter)).toBeCloseTo(0.223, 2);
    });

    it('runs out during the outage, then a top-up after it', () => {
      let zeroAt: number | undefined;
      for (const [t, c] of curve) if (zeroAt === undefined && c <= 0) zeroAt = t;
      expect(zeroAt).toBeGreaterThan(outage.start);
      expect(zeroAt).toBeLessThan(outage.end);
      expect(formatTime(zeroAt!)).toBe('2026-01-15T20:10:00Z');
      expect(s.topUps).toEqual([{ at: T0 + 21 * H, amount: 10, via: 'ppmid' }]);
      expect(s.topUps[0]!.at).toBeGreaterThan(outage.end);
    });
  });

  it('each matrix row is the default story with its firmware, compare off', () => {
    const base = builtinScenario('han-outage-prepay');
    const rows: [string, string, string][] = [
      ['matrix-new-new', 'secmp0015', 'secmp0015'],
      ['matrix-legacy-gsme', 'legacy', 'secmp0015'],
      ['matrix-legacy-gpf', 'secmp0015', 'legacy'],
      ['matrix-legacy-legacy', 'legacy', 'legacy'],
    ];
    for (const [name, gsme, gpf] of rows) {
      const s = builtinScenario(name);
      expect(s.devices.gsme.firmware, name).toBe(gsme);
      expect(s.devices.gpf.firmware, name).toBe(gpf);
      expect(s.devices.ppmid.firmware, name).toBe('secmp0015');
      expect(s.compare, name).toBe(false);
      const strip = (x: Scenario) => ({ ...x, name: '', description: '', compare: false, devices: { ...x.devices, gsme: { ...x.devices.gsme, firmware: '' }, gpf: { ...x.devices.gpf, firmware: '' } } });
      expect(strip(s), name).toEqual(strip(base));
    }
  });

  it('top-up-during-outage: a PPMID top-up while the GSME↔GPF link is down, before the credit runs out', () => {
    const s = builtinScenario('top-up-during-outage');
    const [o] = s.outages;
    const [u] = s.topUps;
    expect(o?.link).toBe('gsme-gpf');
    expect(u?.via).toBe('ppmid');
    expect(u!.at).toBeGreaterThan(o!.start);
    expect(u!.at).toBeLessThan(o!.end);
    // Without the top-up, credit lasts past the first wake after the link returns (+ a wake interval + jitter).
    const rng = createPrng(s.seed).fork('consumption');
    let credit = s.prepayment.credit;
    const lastWake = o!.end + s.devices.gsme.wakeInterval + s.devices.gsme.wakeJitter;
    for (let t = s.start; t < lastWake; t += M) credit -= (kwhForMinute(s, t, rng) * s.tariff.unitPrice) / 100 + s.tariff.standingCharge / 144000;
    expect(credit).toBeGreaterThan(0.1);
  });

  it('clock-drift: the GSME loses sync, drifts and jumps ahead; the PPMID has a fault too', () => {
    const s = builtinScenario('clock-drift');
    expect(s.outages).toEqual([]);
    expect(s.clockFaults.map((f) => `${f.device}:${f.kind}`)).toEqual(['gsme:unsynchronised', 'gsme:drift', 'gsme:jump', 'gsme:jump', 'ppmid:jump']);
    expect(s.clockFaults[2]).toEqual({ device: 'gsme', at: T0 + 12 * H, kind: 'jump', offset: 45 * M });
    expect(s.clockFaults[3]).toMatchObject({ kind: 'jump', offset: -2 * H });
  });
});

describe('defaults', () => {
  it('a scenario with only a name gets every default', () => {
    const s = resolveScenario({ name: 'x' });
    expect(s).toEqual({
      name: 'x',
      seed: 42,
      start: T0,
      duration: 24 * H,
      end: T0 + 24 * H,
      premises: 'home-1',
      devices: {
        gsme: {
          firmware: 'secmp0015',
          eui: '00DB1234567890A3',
          wakeInterval: 30 * M,
          wakeJitter: 60_000,
          retries: 2,
          ackTimeout: 10_000,
          clock: { offset: 0, driftPpm: 0, unsynchronised: false },
        },
        gpf: { firmware: 'secmp0015', eui: '00DB1234567890A4', unpopulatedSnapshotTime: 'invalid' },
        ppmid: {
          firmware: 'secmp0015',
          eui: '00DB1234567890A5',
          pollInterval: 60_000,
          changeTimeFallback: true,
          staleDetection: true,
          expectedUpdateInterval: 30 * M,
          grace: 5 * M,
        },
      },
      tariff: { unitPrice: 6.5, standingCharge: 30, calorificValue: 39.5, tiers: [{ from: 0, tier: 1 }], blocks: [] },
      prepayment: { credit: 5, emergencyCreditLimit: 5, lowCreditThreshold: 1, debt: 0 },
      consumption: {
        profile: [
          { from: 0, kwhPerHour: 0.3 },
          { from: 6.5 * H, kwhPerHour: 2.5 },
          { from: 9 * H, kwhPerHour: 0.6 },
          { from: 16.5 * H, kwhPerHour: 2.2 },
          { from: 22.5 * H, kwhPerHour: 0.3 },
        ],
        noise: 0.2,
      },
      topUps: [],
      customer: [],
      serviceRequests: [],
      autoCustomer: { activateEcWhenAvailable: false, enableSupplyWhenArmed: true, reactionDelay: 5 * M },
      outages: [],
      clockFaults: [],
      power: [],
      metric: { tolerance: 0.5 },
      compare: false,
      mprn: '1234567890',
      smi: [],
    } satisfies Scenario);
    expect(new Set(Object.values(DEFAULT_EUIS)).size).toBe(3);
  });

  it('a partly given section keeps the defaults of the rest, at every depth', () => {
    const s = resolveScenario({
      name: 'x',
      devices: { gsme: { firmware: 'legacy', clock: { driftPpm: 20 } }, ppmid: { grace: '2m' } },
      tariff: { unitPrice: 7 },
      outages: [{ start: '+1h', duration: '30m' }],
      topUps: [{ at: '+2h', amount: 5 }],
      customer: [{ at: '+3h', action: 'activateEc' }, { at: '+4h', action: 'enableSupply' }],
    });
    expect(s.devices.gsme).toMatchObject({ firmware: 'legacy', eui: DEFAULT_EUIS.gsme, wakeInterval: 30 * M, clock: { offset: 0, driftPpm: 20, unsynchronised: false } });
    expect(s.devices.ppmid).toMatchObject({ grace: 2 * M, pollInterval: 60_000 });
    expect(s.tariff).toMatchObject({ unitPrice: 7, standingCharge: 30, calorificValue: 39.5 });
    expect(s.outages).toEqual([{ start: T0 + H, end: T0 + 1.5 * H, duration: 30 * M, link: 'all', direction: 'both', loss: 1 }]);
    expect(s.topUps).toEqual([{ at: T0 + 2 * H, amount: 5, via: 'ppmid' }]);
    expect(s.customer).toEqual([
      { at: T0 + 3 * H, action: 'activateEc', via: 'ppmid' },
      { at: T0 + 4 * H, action: 'enableSupply', via: 'meter' },
    ]);
  });

  it('YAML keys left empty mean the default', () => {
    const s = parseScenario('name: x\noutages:\ndevices:\n  gsme:\n', 'x.yaml', 'yaml');
    expect(s.outages).toEqual([]);
    expect(s.devices.gsme.wakeInterval).toBe(30 * M);
  });
});

describe('values', () => {
  it('resolves times: ISO (any zone), offsets from start, sorted events', () => {
    const s = resolveScenario({
      name: 'x',
      start: '2026-01-15T06:00:00+01:00',
      duration: '1d12h',
      topUps: [
        { at: '+20h', amount: 10 },
        { at: '2026-01-15T07:00:00Z', amount: 1, via: 'meter' },
      ],
    });
    expect(s.start).toBe(T0 + 5 * H);
    expect(s.end).toBe(T0 + 41 * H);
    expect(s.topUps.map((u) => u.at)).toEqual([T0 + 7 * H, T0 + 25 * H]);
  });

  it('upper-cases EUIs and reads YAML from/tier bands and block thresholds', () => {
    const s = parseScenario(
      "name: x\ndevices: { gsme: { eui: '00db1234567890ff' } }\ntariff:\n  tiers: [{ from: '00:00', tier: 1 }, { from: '07:00', tier: 2 }]\n  blocks: [100, 200]\n",
      'x.yaml',
      'yaml',
    );
    expect(s.devices.gsme.eui).toBe('00DB1234567890FF');
    expect(s.tariff.tiers).toEqual([{ from: 0, tier: 1 }, { from: 7 * H, tier: 2 }]);
    expect(s.tariff.blocks).toEqual([100, 200]);
  });

  it('parses durations', () => {
    const cases: [string | number, number][] = [
      ['90s', 90_000],
      ['30m', 30 * M],
      ['3h', 3 * H],
      ['2d', 48 * H],
      ['1d12h', 36 * H],
      ['1h30m15s', H + 30 * M + 15_000],
      ['1s500ms', 1500],
      ['1.5h', 1.5 * H],
      [90, 90_000],
      ['90', 90_000],
      [0.25, 250],
    ];
    for (const [text, ms] of cases) expect(parseDuration(text), String(text)).toBe(ms);
    for (const bad of ['3 hours', '1h1h', '30m1h', '', 'h', '5x', '-5m', '+5m', -1, Infinity]) {
      expect(parseDuration(bad), String(bad)).toBeUndefined();
    }
    expect(parseDuration('-5m', { signed: true })).toBe(-5 * M);
    expect(parseDuration('+5m', { signed: true })).toBe(5 * M);
    expect(parseDuration(-90, { signed: true })).toBe(-90_000);
  });

  it('formats durations canonically', () => {
    expect([0, 90_000, 36 * H, 1500, -5 * M].map(formatDuration)).toEqual(['0s', '1m30s', '1d12h', '1s500ms', '-5m']);
  });

  it('duration format → parse round-trips (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (ms) => {
        expect(parseDuration(formatDuration(ms), { signed: true })).toBe(ms);
        if (ms >= 0) expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('duration text → ms → text is canonical and stable (fast-check)', () => {
    const component = (unit: string) => fc.option(fc.integer({ min: 0, max: 999 }).map((n) => `${n}${unit}`), { nil: '' });
    fc.assert(
      fc.property(component('d'), component('h'), component('m'), component('s'), component('ms'), (...parts) => {
        const text = parts.join('');
        fc.pre(text !== '');
        const ms = parseDuration(text);
        expect(ms).toBeDefined();
        expect(parseDuration(formatDuration(ms!))).toBe(ms);
      }),
    );
  });

  it('rejects impossible dates', () => {
    expect(parseIsoTime('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(parseIsoTime('2026-01-15T24:00:00Z')).toBeUndefined();
    expect(parseIsoTime('2026-01-15T10:00:00')).toBeUndefined(); // no zone: ambiguous
    expect(parseIsoTime('2026-01-15')).toBe(T0);
  });
});

describe('compare variants', () => {
  it('every GSME × GPF × PPMID firmware, fallback on/off for a SECMP0015 PPMID', () => {
    const s = builtinScenario('han-outage-prepay');
    const v = compareVariants(s);
    expect(v).toHaveLength(12);
    expect(new Set(v.map((x) => x.label)).size).toBe(12);
    const key = (x: Scenario) => `${x.devices.gsme.firmware}/${x.devices.gpf.firmware}/${x.devices.ppmid.firmware}/${x.devices.ppmid.changeTimeFallback}`;
    expect(new Set(v.map((x) => key(x.scenario))).size).toBe(12);
    expect(v.map((x) => key(x.scenario))).toContain(key(s));
    for (const x of v) {
      expect(x.scenario.compare).toBe(false);
      expect(x.scenario.outages).toBe(s.outages);
    }
    expect(v.filter((x) => x.scenario.devices.ppmid.firmware === 'legacy')).toHaveLength(4);
  });
});
