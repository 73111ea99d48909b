/**
 * The `power` scenario fault: a device off for a while, then a cold start from its storage. A top-up
 * the GPF acknowledged just before its own cut reaches the meter once; the GSME's credit survives
 * its cut; a restarted PPMID shows the last balance with its age at once; same seed, same timeline.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { resolveScenario } from '../sim/scenario/load.ts';

const MIN = 60_000;
const scenario = resolveScenario({
  name: 'power-cuts',
  duration: '6h',
  consumption: { profile: [{ from: '00:00', kwhPerHour: 0 }] },
  tariff: { standingCharge: 0 },
  prepayment: { credit: 10 },
  topUps: [{ at: '+1h5m', amount: 5 }],
  power: [
    { device: 'gpf', at: '+1h6m', for: '10m' }, // after acknowledging the top-up, before the GSME's next wake
    { device: 'gsme', at: '+3h10m', for: '20m' },
    { device: 'ppmid', at: '+4h', for: '40m' },
  ],
});

type Screen = Extract<TimelineEvent, { kind: 'screen' }>;

describe('power fault', () => {
  const events: TimelineEvent[] = [];
  beforeAll(async () => {
    await runSimulation(scenario, { onEvent: (e) => events.push(e) });
  }, 120_000);

  it('shows each cut as power off and on in the timeline', () => {
    const cuts = events.filter((e) => e.kind === 'fault' && e.fault === 'power').map((e) => [(e.t - scenario.start) / MIN, (e as unknown as { phase: string }).phase, (e as unknown as { device: string }).device]);
    expect(cuts).toEqual([
      [66, 'off', 'gpf'],
      [76, 'on', 'gpf'],
      [190, 'off', 'gsme'],
      [210, 'on', 'gsme'],
      [240, 'off', 'ppmid'],
      [280, 'on', 'ppmid'],
    ]);
    // Off means off: nothing to or from the device in between.
    for (const [device, from, to] of [['gpf', 66, 76], ['gsme', 190, 210], ['ppmid', 240, 280]] as const) {
      const during = events.filter((e) => e.kind === 'han' && (e.from === device || e.to === device) && e.t > scenario.start + from * MIN && e.t < scenario.start + to * MIN && !e.lost);
      expect(during.filter((e) => (e as unknown as { from: string }).from === device), device).toEqual([]);
    }
  });

  it('the top-up the GPF acknowledged before its cut is applied once; the GSME keeps its credit through its own cut', () => {
    const logs = events.filter((e): e is Extract<TimelineEvent, { kind: 'log' }> => e.kind === 'log');
    expect(logs.filter((l) => l.device === 'gsme' && l.message === 'top-up applied')).toHaveLength(1);
    expect(logs.filter((l) => l.message === 'state restored from storage').map((l) => l.device)).toEqual(['gpf', 'gsme', 'ppmid']);
    const last = events.filter((e): e is Screen => e.kind === 'screen').at(-1)!;
    expect(last.trueCredit).toBe(15);
    expect(last.screen.credit).toBe(15);
  });

  it('a restarted PPMID shows the last balance with its true age at once', () => {
    const on = scenario.start + 280 * MIN;
    const before = events.filter((e): e is Screen => e.kind === 'screen' && e.t < scenario.start + 240 * MIN).at(-1)!;
    const first = events.find((e): e is Screen => e.kind === 'screen' && e.t >= on)!;
    expect(first.t).toBe(on);
    expect(first.screen.credit).toBe(before.screen.credit);
    // The age counts from the GSME's reading, not from the restart.
    expect(first.screen.ageMinutes).toBeGreaterThanOrEqual(Math.floor((on - Date.parse(before.screen.lastUpdate!.at)) / MIN) - 1);
    expect(first.screen.ageMinutes).toBeGreaterThan(5);
  });

  it('same scenario and seed, same timeline', async () => {
    const again: TimelineEvent[] = [];
    await runSimulation(scenario, { onEvent: (e) => again.push(e) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(events));
  }, 120_000);
});
