import { beforeAll, describe, expect, it } from 'vitest';
import type { ScreenModel } from '../firmware/display/index.ts';
import { planScreen } from '../firmware/display/render/plan.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { RunResult } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';

/**
 * Issue 13, items 4 and 5, on whole simulated homes: what the PPMID's screen says at the key
 * moments of a wrong meter clock (both ways, with a real HAN outage inside) and of emergency
 * credit used up during an outage.
 */
const MIN = 60_000;
const H = 60 * MIN;
type Screen = Extract<TimelineEvent, { kind: 'screen' }>;

async function run(name: string): Promise<{ events: TimelineEvent[]; result: RunResult; start: number }> {
  const scenario = builtinScenario(name);
  const events: TimelineEvent[] = [];
  const result = await runSimulation(scenario, { onEvent: (e) => events.push(e) });
  return { events, result, start: scenario.start };
}

const screens = (events: TimelineEvent[]) => events.filter((e): e is Screen => e.kind === 'screen' && e.home === 'scenario');
/** The screen shown at time t. */
const at = (events: TimelineEvent[], t: number): ScreenModel => screens(events).filter((e) => e.t <= t).at(-1)!.screen;
const between = (events: TimelineEvent[], from: number, to: number) => screens(events).filter((e) => e.t >= from && e.t < to);
const codes = (s: ScreenModel) => s.warnings.map((w) => w.code);
/** An age of hundreds of hours, as a clock 26 years or a day off would give. */
const HUGE_AGE = /\d{2,} h \d+ min/;

describe('meter-clock-year-2000: a GSME clock 26 years behind, a real outage 13:00–16:00', () => {
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run('meter-clock-year-2000');
  }, 120_000);

  it('from the first timed arrival on, a clock problem with the receive time, never "228264 h ago"', () => {
    const s = between(r.events, r.start + H, r.start + 13 * H);
    expect(s.length).toBeGreaterThan(20);
    for (const e of s) {
      expect(e.screen.freshness, new Date(e.t).toISOString()).toBe('clockProblem');
      expect(codes(e.screen)).toEqual(['clockProblem']);
      expect(e.screen.lastUpdate!.source).toBe('received');
      // Received at most a poll before it was shown, aged by the display's clock.
      expect(e.t - Date.parse(e.screen.lastUpdate!.at)).toBeLessThanOrEqual(35 * MIN);
      expect(e.screen.lines[1]).toMatch(/^Received \d\d:\d\d — clock problem/);
      expect(e.screen.warnings[0]!.text).toBe('Clock problem — the meter’s clock is behind; the time shown is when this display received the reading');
      expect(e.screen.lines.join('\n')).not.toMatch(HUGE_AGE);
    }
    expect(planScreen(at(r.events, r.start + 12 * H)).banners.map((b) => b.title)).toEqual(['CLOCK PROBLEM']);
  });

  it('the outage: stale 2T + g after the last arrival, with the caveat; a clock problem again after it', () => {
    const lastBefore = at(r.events, r.start + 13 * H);
    const received = Date.parse(lastBefore.lastUpdate!.at);
    const firstStale = between(r.events, r.start + 13 * H, r.start + 16 * H).find((e) => e.screen.freshness === 'stale')!;
    expect(firstStale).toBeDefined();
    expect(firstStale.t).toBeGreaterThan(received + 65 * MIN);
    expect(firstStale.t).toBeLessThanOrEqual(received + 66 * MIN);
    expect(codes(firstStale.screen)).toEqual(['stale', 'clockProblem']);
    expect(firstStale.screen.warnings[0]!.text).toMatch(/^Balance last confirmed at \d\d:\d\d, 1 h [56] min ago — may be lower now$/);
    expect(at(r.events, r.start + 15 * H).freshness).toBe('stale');
    const after = at(r.events, r.start + 16 * H + 35 * MIN);
    expect(after).toMatchObject({ freshness: 'clockProblem', lastUpdate: { source: 'received' } });
    expect(r.result.homes[0]!.metrics.creditMisleadingMinutes).toBe(0);
    expect(r.result.homes[0]!.metrics.supplyMisleadingMinutes).toBe(0);
  });
});

describe('meter-clock-day-off: a GSME clock a day ahead, then a day behind, a real outage 14:00–17:00', () => {
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run('meter-clock-day-off');
  }, 120_000);

  it('a day ahead: a clock problem from the first reading, with the receive time', () => {
    const s = between(r.events, r.start, r.start + 9 * H).filter((e) => e.screen.credit !== null);
    expect(s.length).toBeGreaterThan(10);
    for (const e of s) {
      expect(e.screen.freshness).toBe('clockProblem');
      expect(e.screen.lastUpdate!.source).toBe('received');
      expect(e.screen.warnings.find((w) => w.code === 'clockProblem')!.text).toContain('clock is ahead');
      expect(e.screen.lines.join('\n')).not.toMatch(HUGE_AGE);
    }
  });

  it('a day behind after the jump: still a clock problem, never "Updated HH:MM … 24 h 0 min ago" or stale while reports arrive', () => {
    const s = between(r.events, r.start + 10 * H, r.start + 14 * H);
    expect(s.length).toBeGreaterThan(5);
    for (const e of s) {
      expect(e.screen.freshness).toBe('clockProblem');
      expect(e.screen.warnings.find((w) => w.code === 'clockProblem')!.text).toContain('clock is behind');
      expect(e.screen.lines.some((l) => l.startsWith('Updated'))).toBe(false);
      expect(e.screen.lines.join('\n')).not.toMatch(HUGE_AGE);
    }
  });

  it('the outage is told apart: stale with the caveat during it, a clock problem again after it', () => {
    const received = Date.parse(at(r.events, r.start + 14 * H).lastUpdate!.at);
    const firstStale = between(r.events, r.start + 14 * H, r.start + 17 * H).find((e) => e.screen.freshness === 'stale')!;
    expect(firstStale.t - received).toBeGreaterThan(65 * MIN);
    expect(firstStale.t - received).toBeLessThanOrEqual(66 * MIN);
    expect(codes(firstStale.screen)).toEqual(['stale', 'clockProblem']);
    expect(at(r.events, r.start + 17 * H).freshness).toBe('stale');
    expect(at(r.events, r.start + 17 * H + 35 * MIN)).toMatchObject({ freshness: 'clockProblem', lastUpdate: { source: 'received' } });
    expect(r.result.homes[0]!.metrics.creditMisleadingMinutes).toBe(0);
    expect(r.result.homes[0]!.metrics.supplyMisleadingMinutes).toBe(0);
  });
});

describe('ec-used-up-during-outage: emergency credit runs out while the GSME↔GPF link is down 17:00–21:00', () => {
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run('ec-used-up-during-outage');
  }, 120_000);

  it('the EC really ran out, and the gas went off, during the outage', () => {
    const gsmeLogs = r.events.filter((e): e is Extract<TimelineEvent, { kind: 'log' }> => e.kind === 'log' && e.device === 'gsme' && e.home === 'scenario');
    const exhausted = gsmeLogs.find((e) => e.message === 'emergency credit exhausted')!;
    expect(exhausted.t).toBeGreaterThan(r.start + 17 * H);
    expect(exhausted.t).toBeLessThan(r.start + 21 * H);
    expect(gsmeLogs.some((e) => e.message === 'supply disabled: credit exhausted' && e.t === exhausted.t)).toBe(true);
  });

  it('before the outage: EC in use; during it: stale and "supply may already be off"', () => {
    expect(at(r.events, r.start + 16 * H + 50 * MIN)).toMatchObject({ ec: 'inUse', supply: 'on', freshness: 'fresh' });
    const during = at(r.events, r.start + 19 * H + 45 * MIN);
    expect(during).toMatchObject({ ec: 'inUse', freshness: 'stale' });
    expect(codes(during)).toEqual(expect.arrayContaining(['stale', 'supplyMayBeOff', 'ecInUse']));
  });

  it('after it: "Credit used up", never "Emergency credit in use, £0.00 left"; GAS OFF is the top banner, red, with what to do', () => {
    const s = at(r.events, r.start + 21 * H + 20 * MIN);
    expect(s).toMatchObject({ freshness: 'fresh', credit: 0, ec: 'exhausted', supply: 'off' });
    expect(codes(s)).toEqual(['supplyOff', 'creditUsedUp']);
    expect(s.lines).toEqual(expect.arrayContaining(['Emergency credit used up', 'Gas supply is off — top up, then press the button on the meter', 'Credit used up — top up now']));
    expect(s.lines.join('\n')).not.toContain('in use');
    const plan = planScreen(s);
    expect(plan.banners[0]).toMatchObject({ title: 'GAS OFF', detail: 'Top up, press meter button', tone: 'alert' });
    expect(plan.banners.map((b) => b.title)).toEqual(['GAS OFF', 'CREDIT USED UP']);
  });

  it('the top-up arms the meter (GAS OFF: press the button), then the gas is on with no warning', () => {
    const armed = between(r.events, r.start + 21 * H + 30 * MIN, r.start + 22 * H).find((e) => e.screen.supply === 'armed')!;
    expect(armed).toBeDefined();
    expect(planScreen(armed.screen).banners[0]).toMatchObject({ title: 'GAS OFF', detail: 'Press the meter button' });
    expect(at(r.events, r.start + 22 * H + 30 * MIN)).toMatchObject({ supply: 'on', ec: 'none', warnings: [] });
    expect(r.result.homes[0]!.metrics.creditMisleadingMinutes).toBe(0);
    // The valve closed at 14:29, between two GSME reports: until the next one (14:34) no display can know.
    expect(r.result.homes[0]!.metrics.supplyMisleadingMinutes).toBeGreaterThan(0);
    expect(r.result.homes[0]!.metrics.supplyMisleadingMinutes).toBeLessThanOrEqual(6);
  });
});
