/**
 * Golden PNGs of the PPMID screen: each state below, drawn for both display profiles into the
 * framebuffer and encoded as `hanlab sim --screenshots` does (png.ts scale), must match
 * test/golden/display/<profile>/<state>.png pixel for pixel.
 *
 * After an intended change to the layout or the fonts, look at the new pictures and rewrite them:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/display-golden
 *
 * The screen models come from the real assessFreshness + buildScreen, as the PPMID builds them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FRESHNESS_CONFIG, assessFreshness } from '../firmware/display/freshness.ts';
import type { FreshnessInput } from '../firmware/display/freshness.ts';
import { buildScreen } from '../firmware/display/screen-model.ts';
import type { ScreenInput, ScreenModel, ScreenValues } from '../firmware/display/screen-model.ts';
import { createFrameBuffer } from '../firmware/display/render/framebuffer.ts';
import type { FrameBuffer } from '../firmware/display/render/framebuffer.ts';
import { DISPLAY_PROFILES, drawScreen } from '../firmware/display/render/layout.ts';
import type { DisplayProfile } from '../firmware/display/render/layout.ts';
import { BANNERS, planScreen } from '../firmware/display/render/plan.ts';
import { PNG_SCALE, framebufferToImage, framebufferToPng } from '../sim/report/png.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const goldenDir = new URL('./golden/display/', import.meta.url);

const okValues: ScreenValues = { credit: 12.34, emergencyCredit: 5, debt: 0, ec: 'none', supply: 'on', lowCredit: false };

function screen(f: Partial<FreshnessInput>, values: Partial<ScreenValues> = {}, extra: Partial<ScreenInput> = {}): ScreenModel {
  const v = { ...okValues, ...values };
  const a = assessFreshness(
    {
      nowMs: NOW,
      clockSynced: true,
      snapshotMs: NOW - 10 * MIN,
      lastChangeSeenMs: NOW - 10 * MIN,
      sinceChangeSeenMs: 10 * MIN,
      observedForMs: 300 * MIN,
      hasBalance: v.credit !== null,
      hanLost: false,
      consumptionExpected: v.supply === 'on' || v.supply === 'unknown',
      ...f,
    },
    DEFAULT_FRESHNESS_CONFIG,
  );
  return buildScreen({ values: v, assessment: a, nowMs: NOW, lastContactMs: NOW - 2 * MIN, pending: { activateEc: false, topUpPounds: null }, ...extra });
}

/** The states of the boards issue's "Done when", as the PPMID would build them. */
export const STATES: Record<string, ScreenModel> = {
  fresh: screen({}),
  late: screen({ snapshotMs: NOW - 40 * MIN }),
  'stale-low-credit': screen({ snapshotMs: NOW - 80 * MIN, lastChangeSeenMs: NOW - 80 * MIN, sinceChangeSeenMs: 80 * MIN }, { credit: 1.5, lowCredit: true }),
  'unknown-time': screen({ snapshotMs: null, lastChangeSeenMs: NOW - 20 * MIN, sinceChangeSeenMs: 20 * MIN }),
  'clock-problem': screen({ clockSynced: false }),
  'han-lost': screen({ hanLost: true, snapshotMs: NOW - 50 * MIN }, {}, { lastContactMs: NOW - 45 * MIN }),
  'ec-in-use': screen({}, { credit: 0, emergencyCredit: 3.2, ec: 'inUse', lowCredit: true }),
  'supply-off': screen({}, { credit: 0, emergencyCredit: 0, ec: 'none', supply: 'off', lowCredit: true, debt: 4.5 }, { pending: { activateEc: false, topUpPounds: 10 } }),
  // The meter refused the last top-up code (ConsumerTopUpResponse): the balance is unchanged.
  'top-up-refused': screen({}, {}, { topUpRefused: 'Code too old' }),
  // A reading from yesterday (26 h old): its day and its age, not just "Updated 10:00".
  yesterday: screen({ snapshotMs: NOW - 26 * 60 * MIN, lastChangeSeenMs: NOW - 26 * 60 * MIN, sinceChangeSeenMs: 26 * 60 * MIN }),
  // Eight days old: the date.
  'last-week': screen({ snapshotMs: NOW - 8 * 24 * 60 * MIN, lastChangeSeenMs: NOW - 8 * 24 * 60 * MIN, sinceChangeSeenMs: 8 * 24 * 60 * MIN }),
  // Nothing read yet: the one no-data wording, as in the text.
  'no-data': screen({ snapshotMs: null, lastChangeSeenMs: null, sinceChangeSeenMs: null, observedForMs: null }, { credit: null, emergencyCredit: null, debt: null, supply: 'unknown' }),
  // Emergency credit used up (CreditStatus 0x54: EC selected + exhausted, no in-use bit), gas off, a penny of debt.
  'ec-exhausted': screen({}, { credit: 0, emergencyCredit: 0, ec: 'exhausted', creditUsedUp: true, supply: 'off', lowCredit: true, debt: 0.01 }),
  // £0.00 with emergency credit not taken: the gas is off; GAS OFF first, with what to do.
  'gas-off': screen({}, { credit: 0, emergencyCredit: 5, ec: 'available', creditUsedUp: true, supply: 'off', lowCredit: true }),
  // Topped up: the meter waits for its button.
  'gas-off-armed': screen({}, { credit: 9.5, supply: 'armed' }),
  // The GSME's clock in the year 2000, the hub fine: the time the display received the reading.
  'clock-problem-behind': screen({ snapshotMs: Date.UTC(2000, 0, 1, 11, 58), receivedMs: NOW - 2 * MIN, sinceReceivedMs: 2 * MIN, gsmeSkewMs: Date.UTC(2000, 0, 1, 11, 58) - NOW }),
  // The same, and no new snapshot for 70 min (a real outage): stale, the caveat kept.
  'clock-problem-stale': screen(
    { snapshotMs: Date.UTC(2000, 0, 1, 11, 0), receivedMs: NOW - 70 * MIN, sinceReceivedMs: 70 * MIN, gsmeSkewMs: Date.UTC(2000, 0, 1, 11, 0) - NOW + 70 * MIN },
    { credit: 1.2, lowCredit: true, debt: 0.01 },
  ),
  // The GPF acknowledged a £10 top-up and holds it for the meter (the meter has not woken since).
  'top-up-at-hub': screen({ snapshotMs: NOW - 40 * MIN }, {}, { topUp: { status: 'atHub', amount: 10, reason: '' } }),
  // A £5 top-up keyed while the hub did not answer (PPMID–GPF link down): it never got there.
  'top-up-failed': screen({ hanLost: true, snapshotMs: NOW - 50 * MIN }, {}, { lastContactMs: NOW - 45 * MIN, topUp: { status: 'failed', amount: 5, reason: 'no answer from the hub' } }),
};

const PROFILES = Object.keys(DISPLAY_PROFILES) as DisplayProfile[];

function render(model: ScreenModel, profile: DisplayProfile): FrameBuffer {
  const p = DISPLAY_PROFILES[profile];
  const fb = createFrameBuffer(p.width, p.height, p.bpp);
  drawScreen(fb, model, profile);
  return fb;
}

describe('golden PNGs of the PPMID screen', () => {
  for (const profile of PROFILES) {
    for (const [state, model] of Object.entries(STATES)) {
      it(`${profile} / ${state}`, () => {
        const fb = render(model, profile);
        expect(fb.flips()).toBe(1);
        const file = new URL(`${profile}/${state}.png`, goldenDir);
        if (UPDATE) {
          mkdirSync(new URL(`${profile}/`, goldenDir), { recursive: true });
          writeFileSync(file, framebufferToPng(fb, PNG_SCALE[profile]));
          return;
        }
        expect(existsSync(file), `missing ${file.pathname}: run UPDATE_GOLDEN=1 npx vitest run test/display-golden`).toBe(true);
        const golden = PNG.sync.read(readFileSync(file));
        const actual = framebufferToImage(fb, PNG_SCALE[profile]);
        expect([golden.width, golden.height]).toEqual([actual.width, actual.height]);
        const diff = countDiff(golden.data, actual.data);
        expect(diff, `${diff} pixels differ from ${file.pathname}`).toBe(0);
      });
    }
  }
});

function countDiff(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
}

describe('what each state shows', () => {
  const plan = (s: string) => planScreen(STATES[s]!);
  it('the states are the ones named', () => {
    expect(Object.fromEntries(Object.entries(STATES).map(([k, s]) => [k, s.freshness]))).toEqual({
      fresh: 'fresh',
      late: 'late',
      'stale-low-credit': 'stale',
      'unknown-time': 'unknown',
      'clock-problem': 'clockProblem',
      'han-lost': 'hanLost',
      'ec-in-use': 'fresh',
      'supply-off': 'fresh',
      'top-up-refused': 'fresh',
      yesterday: 'stale',
      'last-week': 'stale',
      'no-data': 'noData',
      'ec-exhausted': 'fresh',
      'gas-off': 'fresh',
      'gas-off-armed': 'fresh',
      'clock-problem-behind': 'clockProblem',
      'clock-problem-stale': 'stale',
      'top-up-at-hub': 'late',
      'top-up-failed': 'hanLost',
    });
  });

  it('balance, time line with its source, banners by priority, badges', () => {
    expect(plan('fresh')).toMatchObject({ balance: '£12.34', time: { main: 'Updated 11:50', age: '', source: 'GSME' }, banners: [], badges: [] });
    // Not fresh: the age; not today: the day (NOW is Thursday 15 January 2026, GMT), or the date a week on.
    expect(plan('late').time).toMatchObject({ main: 'Updated 11:20', age: '40 min ago' });
    expect(plan('yesterday').time).toEqual({ main: 'Updated Wed 10:00', at: 'Wed 10:00', age: '26 h 0 min ago', source: 'GSME' });
    expect(plan('last-week').time).toMatchObject({ main: 'Updated 7 Jan 12:00', age: '192 h 0 min ago' });
    expect(plan('late').banners.map((b) => b.title)).toEqual(['UPDATE OVERDUE']);
    expect(plan('stale-low-credit').banners.map((b) => b.code)).toEqual(['stale', 'supplyMayBeOff', 'lowCredit']);
    // The legacy caption is the "est." on the time line, never a banner.
    expect(STATES['unknown-time']!.warnings.map((w) => w.code)).toEqual(['timeUnknown']);
    expect(plan('unknown-time')).toMatchObject({ time: { main: 'Updated 11:40', age: '20 min ago', source: 'est.' }, banners: [] });
    expect(plan('clock-problem')).toMatchObject({ time: { source: 'GSME?' }, banners: [{ code: 'clockProblem' }] });
    expect(plan('han-lost').banners[0]!.title).toBe('NO METER LINK');
    expect(plan('ec-in-use')).toMatchObject({ balance: '£0.00', badges: [{ text: 'EC £3.20', tone: 'caution' }], banners: [{ code: 'lowCredit' }] });
    expect(plan('supply-off').banners.map((b) => b.title)).toEqual(['GAS OFF', 'LOW CREDIT']);
    expect(plan('supply-off').badges.map((b) => b.text)).toEqual(['TOP-UP SENT', 'DEBT £4.50']);
    // Gas off is the top banner, red, with what to do; credit used up said as such.
    expect(plan('gas-off').banners.map((b) => [b.title, b.detail, b.tone])).toEqual([
      ['GAS OFF', 'Top up, press meter button', 'alert'],
      ['CREDIT USED UP', 'Top up now', 'alert'],
    ]);
    expect(plan('gas-off-armed').banners.map((b) => [b.title, b.detail])).toEqual([['GAS OFF', 'Press the meter button']]);
    expect(plan('ec-exhausted')).toMatchObject({ balance: '£0.00', badges: [{ text: 'DEBT £0.01' }] });
    expect(STATES['ec-exhausted']!.lines).toContain('Emergency credit used up');
    expect(STATES['ec-exhausted']!.lines.join('\n')).not.toContain('in use');
    expect(plan('clock-problem-behind')).toMatchObject({ time: { main: 'Received 11:58', source: 'clock?' }, banners: [{ code: 'clockProblem', detail: 'Time shown: when received' }] });
    expect(plan('clock-problem-stale').banners.map((b) => b.code)).toEqual(['stale', 'supplyMayBeOff', 'lowCredit', 'clockProblem']);
    // No data: one wording, text and pixels.
    const none = screen({}, { credit: null });
    expect([none.lines[0], planScreen(none).time.main]).toEqual(['Balance not available', 'Balance not available']);
    expect(plan('top-up-refused')).toMatchObject({ balance: '£12.34', badges: [{ text: 'TOP-UP: CODE TOO OLD', tone: 'alert' }] });
    expect(STATES['top-up-refused']!.lines.at(-1)).toBe('Top-up refused: Code too old');
    expect(plan('top-up-at-hub')).toMatchObject({ banners: [{ code: 'late' }], badges: [{ text: 'TOP-UP AT HUB', tone: 'info' }] });
    expect(STATES['top-up-at-hub']!.lines.at(-1)).toBe('Top-up £10.00 at the hub — waiting for the meter');
    expect(plan('top-up-failed')).toMatchObject({ banners: [{ code: 'hanLost' }], badges: [{ text: 'TOP-UP: NO HUB REPLY', tone: 'alert' }] });
    expect(STATES['top-up-failed']!.lines.at(-1)).toBe('Top-up £5.00 failed: no answer from the hub');
    const lifecycle = (status: 'sent' | 'atHub' | 'applied' | 'failed', reason = '') => planScreen({ ...STATES['fresh']!, topUp: { status, amount: 5, reason } }).badges.map((b) => b.text);
    expect([lifecycle('sent'), lifecycle('atHub'), lifecycle('applied')]).toEqual([['TOP-UP SENT'], ['TOP-UP AT HUB'], ['TOP-UP APPLIED']]);
    expect(['no answer from the hub', 'refused by the hub', 'no longer held by the hub, no answer from the meter', 'not confirmed by the meter'].map((r) => lifecycle('failed', r))).toEqual([
      ['TOP-UP: NO HUB REPLY'],
      ['TOP-UP: HUB REFUSED'],
      ['TOP-UP: LOST AT HUB'],
      ['TOP-UP: UNCONFIRMED'],
    ]);
    const badge = (reason: string) => planScreen({ ...STATES['fresh']!, topUpRefused: reason }).badges.map((b) => b.text);
    expect(['Code already used', 'Code not for this meter', 'Code not valid', 'Code not accepted'].map(badge)).toEqual([
      ['TOP-UP: CODE USED'],
      ['TOP-UP: WRONG METER'],
      ['TOP-UP: BAD CODE'],
      ['TOP-UP: BAD CODE'],
    ]);
  });

  it('banner texts fit without cutting: titles on the 128-px bar, details on the colour bar', () => {
    for (const b of BANNERS) {
      expect(b.title.length, b.title).toBeLessThanOrEqual(19);
      expect(b.detail.length, b.detail).toBeLessThanOrEqual(26);
    }
  });
});

describe('layout robustness', () => {
  const freshness = fc.constantFrom('fresh', 'late', 'stale', 'unknown', 'clockProblem', 'hanLost', 'noData') as fc.Arbitrary<ScreenModel['freshness']>;
  const codes = fc.constantFrom('stale', 'noChangeSeen', 'supplyMayBeOff', 'clockProblem', 'hanLost', 'lowCredit', 'ecInUse', 'supplyOff', 'timeUnknown', 'creditUsedUp') as fc.Arbitrary<ScreenModel['warnings'][number]['code']>;
  const money = fc.option(fc.double({ min: -99999, max: 999999, noNaN: true }), { nil: null });
  const model: fc.Arbitrary<ScreenModel> = fc.record({
    credit: money,
    emergencyCredit: money,
    debt: money,
    ec: fc.constantFrom('none', 'available', 'inUse', 'exhausted'),
    supply: fc.constantFrom('on', 'off', 'armed', 'unknown'),
    lastUpdate: fc.option(
      fc.record({
        at: fc.constant('2026-01-15T11:50:00.000Z'),
        hhmm: fc.constantFrom('11:50', '--:--', '00:00'),
        local: fc.constantFrom('11:50', 'Wed 11:50', '28 Dec 2025 11:50', '--:--'),
        zone: fc.constantFrom('GMT', 'BST'),
        ago: fc.option(fc.constantFrom('42 min ago', '26 h 0 min ago', '99999 h 59 min ago'), { nil: null }),
        source: fc.constantFrom('gsme', 'changeEstimate', 'received'),
      }),
      { nil: null },
    ),
    ageMinutes: fc.option(fc.integer({ min: -100, max: 100000 }), { nil: null }),
    freshness,
    warnings: fc.array(fc.record({ code: codes, text: fc.string({ maxLength: 200 }) }), { maxLength: 9 }),
    pending: fc.subarray(['activateEc', 'topUp'] as const),
    topUpRefused: fc.option(fc.constantFrom('Code already used', 'Code not for this meter'), { nil: undefined }),
    lines: fc.constant([]),
  }) as fc.Arbitrary<ScreenModel>;

  it('any screen model draws without error, and the age in minutes alone never changes a pixel (only its text does)', () => {
    fc.assert(
      fc.property(model, fc.integer({ min: 0, max: 10000 }), (m, age) => {
        for (const profile of PROFILES) {
          const a = render(m, profile);
          const b = render({ ...m, ageMinutes: age }, profile);
          expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
