/**
 * UK civil time end to end (issue 13): the built-in scenarios uk-summer-time, uk-clocks-forward
 * and uk-clocks-back run in-process, and what the PPMID's screen, the text timeline and the
 * screenshot names say at their key moments. Expected local times are worked out here from the
 * UTC instant and the known offset of that night (not with uk-time.ts), so this checks the
 * firmware's rule, not itself.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScreenModel } from '../firmware/display/index.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';
import { createTextTimeline, formatSummary } from '../sim/report/text.ts';
import { createScreenshotWriter } from '../sim/report/screenshots.ts';
import type { RunResult } from '../sim/run/run.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

type ScreenEvent = Extract<TimelineEvent, { kind: 'screen' }>;

interface Run {
  events: TimelineEvent[];
  screens: ScreenEvent[];
  result: RunResult;
  /** The screen the PPMID showed at `iso` (its last one at or before). */
  at(iso: string): ScreenModel;
  text: string[];
}

async function run(name: string): Promise<Run> {
  const events: TimelineEvent[] = [];
  const text: string[] = [];
  const timeline = createTextTimeline('scenario', (l) => text.push(l));
  const result = await runSimulation(builtinScenario(name), {
    onEvent: (e) => {
      events.push(e);
      timeline(e);
    },
  });
  const screens = events.filter((e): e is ScreenEvent => e.kind === 'screen' && e.home === 'scenario');
  return {
    events,
    screens,
    result,
    text,
    at(iso) {
      const t = Date.parse(iso);
      const s = screens.filter((e) => e.t <= t).at(-1);
      if (s === undefined) throw new Error(`no screen by ${iso}`);
      return s.screen;
    },
  };
}

/** "HH:MM" of a UTC instant shifted by `offsetHours` (the night's known UK offset). */
const hhmmAt = (atIso: string, offsetHours: number) => new Date(Date.parse(atIso) + offsetHours * HOUR).toISOString().slice(11, 16);

/** Minutes in an age text: "1 h 29 min ago" → 89. */
function agoMinutes(ago: string): number {
  const m = /^(?:(\d+) h )?(\d+) min ago$/.exec(ago);
  if (m === null) throw new Error(`not an age: ${ago}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

/**
 * Every screen of a GSME reading with an age shown: the age is the real minutes since the
 * reading (on the display's clock, which is the hub's UTC here), so it never jumps with the
 * wall clock; and from one screen to the next of the same reading it grows by the minutes passed.
 */
function expectContinuousAges(screens: ScreenEvent[]): number {
  let checked = 0;
  let prev: ScreenEvent | null = null;
  for (const e of screens) {
    const u = e.screen.lastUpdate;
    if (u === null || u.source !== 'gsme' || u.ago === null) {
      prev = null;
      continue;
    }
    const age = Math.floor((e.t - Date.parse(u.at)) / MIN);
    expect(e.screen.ageMinutes, `${new Date(e.t).toISOString()}`).toBe(age);
    expect(agoMinutes(u.ago)).toBe(age);
    if (prev !== null && prev.screen.lastUpdate!.at === u.at) {
      expect(e.screen.ageMinutes! - prev.screen.ageMinutes!).toBe(Math.floor((e.t - Date.parse(u.at)) / MIN) - Math.floor((prev.t - Date.parse(u.at)) / MIN));
      expect(e.screen.ageMinutes! - prev.screen.ageMinutes!).toBeLessThanOrEqual(1);
    }
    prev = e;
    checked++;
  }
  return checked;
}

describe('uk-summer-time: a BST afternoon', () => {
  let r: Run;
  beforeAll(async () => {
    r = await run('uk-summer-time');
  }, 120_000);

  it('the reading before the outage is shown in BST (UTC+1), with its age once it is not fresh', () => {
    // 16:59 UTC = 17:59 BST: the reading from about 15:30 UTC is late-then-stale.
    const s = r.at('2026-07-01T16:59:00Z');
    const u = s.lastUpdate!;
    expect(u.source).toBe('gsme');
    expect(u.at).toMatch(/^2026-07-01T15:(2\d|3[0-2]):\d\d\.\d{3}Z$/); // ISO UTC stays UTC
    expect(u).toMatchObject({ hhmm: hhmmAt(u.at, 1), local: hhmmAt(u.at, 1), zone: 'BST' });
    expect(u.hhmm.startsWith('16:')).toBe(true);
    expect(s.freshness).toBe('stale');
    const age = Math.floor((Date.parse('2026-07-01T16:59:00Z') - Date.parse(u.at)) / MIN);
    expect(s.ageMinutes).toBe(age);
    expect(s.lines).toContain(`Updated ${u.hhmm} — 1 h ${age - 60} min ago`);
    expect(s.warnings.find((w) => w.code === 'stale')!.text).toBe(`Balance last confirmed at ${u.hhmm}, 1 h ${age - 60} min ago — may be lower now`);
    // While it was fresh: no age.
    const fresh = r.at('2026-07-01T15:39:00Z');
    expect(fresh).toMatchObject({ freshness: 'fresh', lastUpdate: { local: hhmmAt(fresh.lastUpdate!.at, 1), ago: null } });
    expect(fresh.lines).toContain(`Updated ${fresh.lastUpdate!.hhmm}`);
  });

  it('after the link returns: "Updated 18:3x" at 18:3x BST, fresh', () => {
    const s = r.at('2026-07-01T17:45:00Z');
    expect(s.freshness).toBe('fresh');
    expect(s.lastUpdate!.at.slice(0, 14)).toBe('2026-07-01T17:');
    expect(s.lastUpdate).toMatchObject({ hhmm: hhmmAt(s.lastUpdate!.at, 1), zone: 'BST', ago: null });
    expect(s.lastUpdate!.hhmm.startsWith('18:')).toBe(true);
  });

  it('ages are real minutes on every screen', () => {
    expect(expectContinuousAges(r.screens)).toBeGreaterThan(60);
  });

  it('the text timeline and the summary read in UK time with the zone; the JSON keeps UTC', () => {
    expect(r.text[0]).toMatch(/^time \(UK\) {11} {2}PPMID shows/);
    expect(r.text[1]).toMatch(/^2026-07-01 16:00 BST {2}noData/);
    expect(r.text).toContain('2026-07-01 16:40 BST  ── HAN outage start (gsme-gpf, both, loss 1)');
    expect(r.text.some((l) => /^2026-07-01 17:3\d BST {2}stale +£\d+\.\d\d {3}updated 16:[23]\d/.test(l))).toBe(true);
    expect(r.text.join('\n')).not.toMatch(/UTC/);
    expect(formatSummary(r.result, 0.5).split('\n')[0]).toBe('Summary: uk-summer-time, seed 11, 2026-07-01 16:00 BST → 2026-07-01 19:00 BST; minutes of simulated time (the spec\'s core metric):');
    for (const e of r.screens) if (e.screen.lastUpdate) expect(e.screen.lastUpdate.at).toMatch(/Z$/);
  });
});

describe('uk-clocks-forward: 01:00 GMT becomes 02:00 BST (29 March 2026)', () => {
  let r: Run;
  beforeAll(async () => {
    r = await run('uk-clocks-forward');
  }, 120_000);

  it('after midnight the Saturday reading carries its day; across the change its age does not jump', () => {
    const before = r.at('2026-03-29T00:59:00Z'); // 00:59 GMT
    const after = r.at('2026-03-29T01:00:00Z'); // 02:00 BST, a minute later
    const u = before.lastUpdate!;
    expect(u.at.slice(0, 14)).toBe('2026-03-28T23:'); // Saturday, GMT (= UTC)
    expect(u).toMatchObject({ hhmm: hhmmAt(u.at, 0), local: 'Sat ' + hhmmAt(u.at, 0), zone: 'GMT' });
    expect(after.lastUpdate).toMatchObject({ at: u.at, local: u.local });
    // One real minute, one minute older: not 61.
    expect(after.ageMinutes! - before.ageMinutes!).toBe(1);
    expect(agoMinutes(after.lastUpdate!.ago!) - agoMinutes(u.ago!)).toBe(1);
    expect(after.lines).toContain(`Updated ${u.local} — ${after.lastUpdate!.ago}`);
    expect(after.freshness).toBe('stale');
    expect(after.warnings[0]!.text).toMatch(new RegExp(`^Balance last confirmed at ${u.local}, 1 h \\d+ min ago — may be lower now$`));
  });

  it('the first reading after the link returns is in BST: the wall clock gained an hour, the age counted real time', () => {
    const last = r.at('2026-03-29T02:50:00Z'); // 03:50 BST: still the Saturday reading
    expect(last.lastUpdate!.at.slice(0, 14)).toBe('2026-03-28T23:');
    // Wall-clock difference 23:2x GMT → 03:50 BST is 4 h 2x min; the age is an hour less.
    expect(last.ageMinutes).toBe(Math.floor((Date.parse('2026-03-29T02:50:00Z') - Date.parse(last.lastUpdate!.at)) / MIN));
    expect(last.ageMinutes!).toBeLessThan(4 * 60);
    const next = r.at('2026-03-29T03:20:00Z');
    const u = next.lastUpdate!;
    expect(u.at.slice(0, 14)).toBe('2026-03-29T03:');
    expect(next.freshness).toBe('fresh');
    expect(u).toMatchObject({ hhmm: hhmmAt(u.at, 1), local: hhmmAt(u.at, 1), zone: 'BST', ago: null });
    expect(next.lines).toContain(`Updated ${u.hhmm}`);
    expect(u.hhmm.startsWith('04:')).toBe(true);
  });

  it('ages are real minutes on every screen', () => {
    expect(expectContinuousAges(r.screens)).toBeGreaterThan(150);
  });

  it('the text timeline goes from GMT to BST; screenshots are named in UK time with the zone, one per visible change', () => {
    expect(r.text).toContain('2026-03-29 03:40 BST  ── HAN outage end (gsme-gpf, both, loss 1)');
    expect(r.text.some((l) => /^2026-03-29 00:00 GMT {2}fresh +£\d+\.\d\d {3}updated Sat 23:[23]\d/.test(l))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-uk-shots-'));
    const shots = createScreenshotWriter(dir, 'mono128x64');
    for (const e of r.events) shots.onEvent(e);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(shots.written());
    expect(names[0]).toBe('0001-20260328T2300GMT-noData.png');
    expect(names.some((n) => /^\d{4}-20260329T04\d\dBST-fresh\.png$/.test(n))).toBe(true);
    // Hundreds of screen models (the age counts up for three hours), a handful of pictures.
    expect(r.screens.length).toBeGreaterThan(150);
    expect(names.length).toBeLessThan(12);
  });
});

describe('uk-clocks-back: 02:00 BST becomes 01:00 GMT (25 October 2026)', () => {
  let r: Run;
  beforeAll(async () => {
    r = await run('uk-clocks-back');
  }, 120_000);

  it('the wall clock goes back an hour, the age of the Saturday reading goes on', () => {
    const before = r.at('2026-10-25T00:59:00Z'); // 01:59 BST
    const after = r.at('2026-10-25T01:00:00Z'); // 01:00 GMT
    const u = before.lastUpdate!;
    expect(u.at.slice(0, 14)).toBe('2026-10-24T22:'); // 23:xx BST on Saturday
    expect(u).toMatchObject({ hhmm: hhmmAt(u.at, 1), local: 'Sat ' + hhmmAt(u.at, 1), zone: 'BST' });
    expect(after.lastUpdate).toMatchObject({ at: u.at, local: u.local });
    expect(after.ageMinutes! - before.ageMinutes!).toBe(1);
    expect(agoMinutes(after.lastUpdate!.ago!)).toBe(after.ageMinutes);
    expect(after.lastUpdate!.ago).toMatch(/^2 h \d+ min ago$/);
    expect(after.freshness).toBe('stale');
  });

  it('the first reading after the link returns is in GMT', () => {
    const next = r.at('2026-10-25T02:20:00Z');
    const u = next.lastUpdate!;
    expect(u.at.slice(0, 14)).toBe('2026-10-25T02:');
    expect(next.freshness).toBe('fresh');
    expect(u).toMatchObject({ hhmm: hhmmAt(u.at, 0), local: hhmmAt(u.at, 0), zone: 'GMT', ago: null });
  });

  it('ages are real minutes on every screen', () => {
    expect(expectContinuousAges(r.screens)).toBeGreaterThan(150);
  });

  it('the text timeline shows the repeated hour with its zone', () => {
    expect(r.text).toContain('2026-10-25 01:40 GMT  ── HAN outage end (gsme-gpf, both, loss 1)');
    expect(r.text.some((l) => /^2026-10-25 00:00 BST {2}fresh +£\d+\.\d\d {3}updated Sat 23:[23]\d/.test(l))).toBe(true);
    expect(formatSummary(r.result, 0.5).split('\n')[0]).toBe('Summary: uk-clocks-back, seed 13, 2026-10-24 23:00 BST → 2026-10-25 02:30 GMT; minutes of simulated time (the spec\'s core metric):');
  });
});
