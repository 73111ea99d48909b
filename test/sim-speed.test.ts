/**
 * Issue 17, a live run you can watch: `speed` paces virtual time against a wall clock (here a fake
 * one, so the test waits for nothing), and comparison homes are named after their firmware.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../sim/run/run.ts';
import type { WallClock } from '../sim/run/run.ts';
import { homeVariants } from '../sim/run/variants.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { resolveScenario } from '../sim/scenario/load.ts';
import { isTopicLevel } from '../han/topics.ts';

/** A wall clock that only moves when the run waits on it: each wait is recorded and taken at once. */
function fakeWallClock() {
  const waits: number[] = [];
  let t = 1_000; // not 0: the pacing must count from where the wall clock was at the start
  const clock: WallClock = {
    now: () => t,
    sleep: (ms) => {
      waits.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
  return { clock, waits, now: () => t };
}

describe('runSimulation({ speed }): virtual time paced at speed × the wall clock', () => {
  it('each event waits for its wall time, and the run ends at duration / speed', async () => {
    const scenario = resolveScenario({ name: 'paced', duration: '2h' });
    const wall = fakeWallClock();
    const late: string[] = [];
    let events = 0;
    await runSimulation(scenario, {
      speed: 60,
      wallClock: wall.clock,
      onEvent: (e) => {
        events++;
        // An event at virtual offset v is not shown before wall start + v / speed.
        const due = 1_000 + (e.t - scenario.start) / 60;
        if (wall.now() < due - 1e-6) late.push(`${e.kind} at +${e.t - scenario.start} ms shown at wall ${wall.now()}, due ${due}`);
      },
    });
    expect(events).toBeGreaterThan(50);
    expect(late).toEqual([]);
    // Two hours at 60×: two wall minutes, no more (the fake sleeps are exact).
    expect(wall.now() - 1_000).toBeCloseTo(120_000, 3);
    expect(wall.waits.length).toBeGreaterThan(10);
    expect(wall.waits.every((w) => w > 0)).toBe(true);
  });

  it('a fractional speed slows it down: 0.5× takes twice the virtual time', async () => {
    const scenario = resolveScenario({ name: 'slow', duration: '90s' });
    const wall = fakeWallClock();
    await runSimulation(scenario, { speed: 0.5, wallClock: wall.clock });
    expect(wall.now() - 1_000).toBeCloseTo(180_000, 3);
  });

  it('refuses a speed that is not a positive number', async () => {
    const scenario = resolveScenario({ name: 'bad', duration: '1m' });
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(runSimulation(scenario, { speed }), String(speed)).rejects.toThrow(/speed must be a positive number/);
    }
  });
});

describe('comparison homes are named by their firmware', () => {
  const scenario = resolveScenario({ name: 'named', duration: '1h', premises: 'home-1', compare: true });
  const variants = homeVariants(scenario);

  it('one premises per combination: its legacy devices, and no-fallback for a SECMP0015 PPMID without it', () => {
    expect(variants.map((v) => v.premises)).toEqual([
      'home-1',
      'home-1-secmp0015',
      'home-1-no-fallback',
      'home-1-legacy-ppmid',
      'home-1-legacy-gpf',
      'home-1-legacy-gpf-no-fallback',
      'home-1-legacy-gpf-legacy-ppmid',
      'home-1-legacy-gsme',
      'home-1-legacy-gsme-no-fallback',
      'home-1-legacy-gsme-legacy-ppmid',
      'home-1-legacy-gsme-legacy-gpf',
      'home-1-legacy-gsme-legacy-gpf-no-fallback',
      'home-1-legacy-gsme-legacy-gpf-legacy-ppmid',
    ]);
  });

  it('each name says what its home runs, matches the premises rule, and takes a topic level and broker accounts', () => {
    for (const v of variants.slice(1)) {
      const d = v.scenario.devices;
      for (const role of ['gsme', 'gpf', 'ppmid'] as const) expect(v.premises.includes(`legacy-${role}`), `${v.premises} ${role}`).toBe(d[role].firmware === 'legacy');
      expect(v.premises.endsWith('-no-fallback')).toBe(d.ppmid.firmware === 'secmp0015' && !d.ppmid.changeTimeFallback);
      expect(v.premises).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(isTopicLevel(v.premises)).toBe(true);
    }
    // Accounts of one username are merged: 5 per home (3 devices, the hub's WAN side, the supplier) and the observer means none was.
    expect(simulationIdentities(scenario).size).toBe(1 + 5 * variants.length);
  });

  it('the same for the same firmware, whatever the scenario runs itself', () => {
    const legacy = resolveScenario({ name: 'named', duration: '1h', premises: 'home-1', compare: true, devices: { gsme: { firmware: 'legacy' } } });
    expect(homeVariants(legacy).slice(1).map((v) => v.premises)).toEqual(variants.slice(1).map((v) => v.premises));
  });
});
