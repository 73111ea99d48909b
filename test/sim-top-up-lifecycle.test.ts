/**
 * top-up-lost-ppmid-link (issue 13, item 2): what the PPMID's screen and `state` say of a top-up at
 * its key moments, in the simulated home (real GSME, GPF and PPMID machines over the HAN broker).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScreenModel } from '../firmware/display/index.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';

const MIN = 60_000;
type ScreenEvent = Extract<TimelineEvent, { kind: 'screen' }>;

describe('top-up-lost-ppmid-link', () => {
  const scenario = builtinScenario('top-up-lost-ppmid-link');
  const events: TimelineEvent[] = [];
  const at = (offset: number) => scenario.start + offset;

  beforeAll(async () => {
    await runSimulation(scenario, { onEvent: (e) => events.push(e) });
  }, 120_000);

  const screens = () => events.filter((e): e is ScreenEvent => e.kind === 'screen' && e.home === 'scenario');
  /** The screen on display at time t. */
  const screenAt = (t: number): ScreenModel => screens().filter((e) => e.t <= t).at(-1)!.screen;
  const topUpLine = (s: ScreenModel) => s.lines.find((l) => l.startsWith('Top-up'));

  it('a top-up keyed while the PPMID↔GPF link is down: sent, then failed "no answer from the hub", shown until the next code', () => {
    const [first] = scenario.topUps;
    const keyed = first!.at;
    expect(scenario.outages.some((o) => o.link === 'gpf-ppmid' && o.start < keyed && o.end > keyed)).toBe(true);
    const during = screens().filter((e) => e.t >= keyed && e.t < keyed + 10_000).map((e) => topUpLine(e.screen));
    expect(during).toEqual(['Top-up £5.00 sent — waiting for the hub', 'Top-up £5.00 failed: no answer from the hub']);
    const failedAt = screens().find((e) => e.screen.topUp?.status === 'failed')!;
    expect(failedAt.t - keyed).toBeGreaterThanOrEqual(5_000); // responseTimeout
    expect(failedAt.screen.topUp).toEqual({ status: 'failed', amount: 5, reason: 'no answer from the hub' });
    // It never disappears: through the rest of the outage, after the link returns, up to the next code.
    const [, second] = scenario.topUps;
    for (const t of [keyed + 10 * MIN, keyed + 31 * MIN, keyed + 65 * MIN, second!.at - MIN]) {
      expect(topUpLine(screenAt(t)), new Date(t).toISOString()).toBe('Top-up £5.00 failed: no answer from the hub');
    }
    // The meter never had it: the true balance only falls until the next code.
    const truth = screens().filter((e) => e.t >= keyed && e.t < second!.at).map((e) => e.trueCredit!);
    for (let i = 1; i < truth.length; i++) expect(truth[i]!).toBeLessThanOrEqual(truth[i - 1]!);
  });

  it('a top-up queued at the hub for more than 85 min stays "at the hub" until the meter applies it', () => {
    const [, second] = scenario.topUps;
    const keyed = second!.at;
    const outage = scenario.outages.find((o) => o.link === 'gsme-gpf')!;
    const applied = screens().find((e) => e.t > keyed && e.screen.topUp?.status === 'applied')!;
    expect(applied, 'applied').toBeDefined();
    expect(applied.t).toBeGreaterThan(outage.end);
    expect(applied.t - keyed).toBeGreaterThan(85 * MIN);
    // From the GPF's acknowledgement to the meter's answer: "at the hub" on every screen.
    const held = screens().filter((e) => e.t > keyed + 10_000 && e.t < applied.t);
    expect(held.length).toBeGreaterThan(2);
    for (const e of held) expect(topUpLine(e.screen), new Date(e.t).toISOString()).toBe('Top-up £10.00 at the hub — waiting for the meter');
    for (const t of [keyed + 66 * MIN, keyed + 86 * MIN, outage.end]) {
      expect(screenAt(t).topUp, new Date(t).toISOString()).toEqual({ status: 'atHub', amount: 10, reason: '' });
      expect(screenAt(t).pending).toContain('topUp');
    }
    expect(topUpLine(applied.screen)).toBe('Top-up £10.00 applied by the meter');
    // The balance follows with the next reading, and the notice goes after pendingTimeout.
    expect(screenAt(applied.t + 2 * MIN).credit).toBeGreaterThan(15);
    expect(screenAt(applied.t + 66 * MIN).topUp).toBeUndefined();
  });
});
