import { beforeAll, describe, expect, it } from 'vitest';
import type { ScreenModel } from '../firmware/display/index.ts';
import { classifyMinute } from '../firmware/display/index.ts';
import type { MinuteClass } from '../firmware/display/index.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { RunResult } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';

const MIN = 60_000;

/**
 * The default scenario, every firmware combination: the core promise (no misleading minutes with
 * SECMP0015 everywhere), the stale warning's timing, and the summary agreeing with the timeline.
 */
describe('han-outage-prepay', () => {
  const scenario = builtinScenario('han-outage-prepay');
  const events: TimelineEvent[] = [];
  let result: RunResult;

  beforeAll(async () => {
    result = await runSimulation(scenario, { onEvent: (e) => events.push(e) });
  }, 240_000);

  const home = (label: string) => events.filter((e) => e.home === label);
  const rowOf = (gsme: string, gpf: string, ppmid: string, fallback: boolean) =>
    result.homes.find((h) => h.label !== 'scenario' && h.firmware.gsme === gsme && h.firmware.gpf === gpf && h.firmware.ppmid === ppmid && (ppmid === 'legacy' || h.firmware.changeTimeFallback === fallback))!;

  it('SECMP0015 everywhere: 0 misleading-display minutes, though the credit ran out during the outage', () => {
    const main = result.homes.find((h) => h.label === 'scenario')!;
    expect(main.firmware).toEqual({ gsme: 'secmp0015', gpf: 'secmp0015', ppmid: 'secmp0015', changeTimeFallback: true });
    expect(main.metrics.creditMisleadingMinutes).toBe(0);
    expect(main.metrics.minutes).toBe(scenario.duration / MIN);
    // The scenario must really test something: the truth went to zero while the screen could not know.
    const outage = scenario.outages[0]!;
    const truthAtOutageEnd = home('scenario').filter((e) => e.kind === 'screen' && e.t <= outage.end).at(-1) as Extract<TimelineEvent, { kind: 'screen' }>;
    expect(truthAtOutageEnd.trueCredit).toBe(0);
    expect(truthAtOutageEnd.screen.credit).toBeGreaterThan(0.5);
  });

  it('shows the stale warning within one poll after the last update passes 2T + g, and not before', () => {
    const ppmid = scenario.devices.ppmid;
    const staleAfter = 2 * ppmid.expectedUpdateInterval + ppmid.grace;
    const outage = scenario.outages[0]!;
    const screens = home('scenario').filter((e): e is Extract<TimelineEvent, { kind: 'screen' }> => e.kind === 'screen' && e.t >= outage.start && e.t < outage.end);
    const firstStale = screens.find((e) => e.screen.freshness === 'stale')!;
    expect(firstStale, 'a stale screen during the outage').toBeDefined();
    const lastUpdate = Date.parse(firstStale.screen.lastUpdate!.at);
    expect(firstStale.screen.lastUpdate!.source).toBe('gsme');
    expect(firstStale.t).toBeGreaterThan(lastUpdate + staleAfter);
    expect(firstStale.t).toBeLessThanOrEqual(lastUpdate + staleAfter + ppmid.pollInterval);
    expect(firstStale.screen.warnings.map((w) => w.code)).toContain('stale');
    // Low credit, so it also tells the customer the gas may already be off.
    expect(firstStale.screen.warnings.map((w) => w.code)).toContain('supplyMayBeOff');
    for (const e of screens.filter((x) => x.t < firstStale.t)) expect(e.screen.freshness).not.toBe('stale');
  });

  it('with a legacy GPF or GSME, the change-time fallback removes the misleading minutes that remain without it', () => {
    for (const [gsme, gpf] of [
      ['secmp0015', 'legacy'],
      ['legacy', 'secmp0015'],
      ['legacy', 'legacy'],
    ] as const) {
      const without = rowOf(gsme, gpf, 'secmp0015', false).metrics.creditMisleadingMinutes;
      const withFallback = rowOf(gsme, gpf, 'secmp0015', true).metrics.creditMisleadingMinutes;
      expect(without, `${gsme}/${gpf} without fallback`).toBeGreaterThan(30);
      expect(withFallback, `${gsme}/${gpf} with fallback`).toBeLessThan(without);
    }
    // A legacy PPMID never reads 0x0007: no fallback, misleading like the fallback-less display.
    expect(rowOf('secmp0015', 'secmp0015', 'legacy', false).metrics.creditMisleadingMinutes).toBeGreaterThan(30);
  });

  it('supply-misleading: the gas went off during the outage; only displays that cannot tell the reading is old say nothing', () => {
    const main = result.homes.find((h) => h.label === 'scenario')!;
    expect(main.metrics.supplyMisleadingMinutes).toBe(0);
    // The valve really closed while the link was down (seen where the judgement changed), so the scenario tests something.
    const closed = events.find((e) => e.kind === 'metric' && e.trueSupply !== 'on');
    expect(closed, 'the gas goes off in the run').toBeDefined();
    const outage = scenario.outages[0]!;
    expect(closed!.t).toBeGreaterThan(outage.start);
    expect(closed!.t).toBeLessThan(outage.end);
    // Without the GSME's time and without hanlab's change-time fallback, the display keeps saying
    // "supply on" while the gas is off: more supply-misleading minutes than the SECMP0015 display.
    const blind = result.homes.filter((h) => h.label !== 'scenario' && (h.firmware.ppmid === 'legacy' || (!h.firmware.changeTimeFallback && (h.firmware.gsme === 'legacy' || h.firmware.gpf === 'legacy'))));
    expect(blind.length).toBe(7);
    for (const h of blind) expect(h.metrics.supplyMisleadingMinutes, h.label).toBeGreaterThan(main.metrics.supplyMisleadingMinutes + 30);
  });

  it('a correct warning is never a false alarm: every false-alarm minute has the gas on, no emergency credit, the credit within tolerance', () => {
    let alarms = 0;
    for (const e of events) {
      if (e.kind !== 'metric' || e.minute !== 'falseAlarm') continue;
      alarms++;
      expect(e.trueSupply).toBe('on');
      expect(e.trueOnEmergencyCredit).toBe(false);
      expect(Math.abs(e.shownCredit! - e.trueCredit)).toBeLessThanOrEqual(scenario.metric.tolerance);
    }
    expect(alarms).toBeGreaterThan(0);
  });

  it('the summary figures are what the timeline shows, minute by minute', () => {
    for (const h of result.homes) {
      const evs = home(h.label);
      let screen: ScreenModel | null = null;
      let current: MinuteClass | null = null;
      let since = 0;
      const minutes: Record<MinuteClass, number> = { creditMisleading: 0, supplyMisleading: 0, creditAndSupplyMisleading: 0, falseAlarm: 0, ok: 0 };
      for (const e of evs) {
        if (e.kind === 'screen') screen = e.screen;
        if (e.kind !== 'metric') continue;
        // Each judgement the timeline records is the metric's own rule applied to what it shows.
        const truth = { credit: e.trueCredit, supply: e.trueSupply, onEmergencyCredit: e.trueOnEmergencyCredit };
        expect(classifyMinute(screen!, truth, scenario.metric.tolerance)).toBe(e.minute);
        expect(e.shownSupply).toBe(screen!.supply);
        expect(e.shownCredit).toBe(screen!.credit);
        if (current !== null) minutes[current] += (e.t - since) / MIN;
        current = e.minute;
        since = e.t;
      }
      if (current !== null) minutes[current] += (result.end - since) / MIN;
      expect(minutes.creditMisleading + minutes.creditAndSupplyMisleading, h.label).toBe(h.metrics.creditMisleadingMinutes);
      expect(minutes.supplyMisleading + minutes.creditAndSupplyMisleading, h.label).toBe(h.metrics.supplyMisleadingMinutes);
      expect(Object.values(h.metrics.shownMinutes).reduce((a, b) => a + b, 0), h.label).toBe(h.metrics.minutes);
      expect(minutes.falseAlarm, h.label).toBe(h.metrics.falseAlarmMinutes);
    }
  });
});
