/**
 * `hanlab sim --runtime compact|xstate`: the device machines on the compact interpreter (the
 * default) or on XState's own actors give the same timeline, byte for byte, in process: built-in
 * scenarios with outages, top-ups, EC, clock faults and every firmware combination, and power cuts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_RUNTIME } from '../sim/run/home.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { RunOptions } from '../sim/run/run.ts';
import { builtinScenario, resolveScenario } from '../sim/scenario/load.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { formatTime } from '../sim/scenario/schema.ts';

const HOUR = 3_600_000;

/** The run's --json lines and summary, as `hanlab sim --json` prints them. */
async function timeline(scenario: Scenario, runtime: RunOptions['runtime'], until?: number): Promise<string> {
  const lines: string[] = [];
  const r = await runSimulation(scenario, { ...(runtime !== undefined ? { runtime } : {}), ...(until !== undefined ? { until } : {}), onEvent: (e) => lines.push(JSON.stringify({ ...e, t: formatTime(e.t) })) });
  lines.push(JSON.stringify(r.homes));
  return lines.join('\n');
}

const CASES: [string, () => Scenario, number?][] = [
  // Every firmware combination (13 homes), the outage, the supplier's reads, the top-up, until after it.
  ['han-outage-prepay (to 22:00)', () => builtinScenario('han-outage-prepay'), 22 * HOUR],
  ['ec-used-up-during-outage', () => builtinScenario('ec-used-up-during-outage')],
  ['top-up-lost-ppmid-link', () => builtinScenario('top-up-lost-ppmid-link')],
  ['meter-clock-day-off', () => builtinScenario('meter-clock-day-off')],
  ['uk-clocks-back', () => builtinScenario('uk-clocks-back')],
  [
    'power cuts of each device around a top-up',
    () =>
      resolveScenario({
        name: 'power-cuts',
        duration: '6h',
        topUps: [{ at: '+1h5m', amount: 5 }],
        power: [
          { device: 'gpf', at: '+1h6m', for: '10m' },
          { device: 'gsme', at: '+3h10m', for: '20m' },
          { device: 'ppmid', at: '+4h', for: '40m' },
        ],
      }),
  ],
];

describe('the same timeline on the compact runtime and on XState', () => {
  for (const [name, scenario, untilAfter] of CASES) {
    it(name, async () => {
      const s = scenario();
      const until = untilAfter === undefined ? undefined : s.start + untilAfter;
      const [compact, xstate] = [await timeline(s, 'compact', until), await timeline(s, 'xstate', until)];
      expect(compact.split('\n').length).toBeGreaterThan(1000);
      expect(compact === xstate).toBe(true);
    }, 300_000);
  }

  it('compact is the default', () => {
    expect(DEFAULT_SIM_RUNTIME).toBe('compact');
  });
});
