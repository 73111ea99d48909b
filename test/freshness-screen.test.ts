import { describe, expect, it } from 'vitest';
import { DEFAULT_FRESHNESS_CONFIG, assessFreshness } from '../firmware/display/freshness.ts';
import type { FreshnessInput } from '../firmware/display/freshness.ts';
import { buildScreen } from '../firmware/display/screen-model.ts';
import type { ScreenInput, ScreenModel, ScreenValues } from '../firmware/display/screen-model.ts';
import { classifyMinute, warnsDataMayBeOld } from '../firmware/display/metric.ts';
import { formatDuration, formatHhmm, formatIsoUtc, formatPounds } from '../firmware/display/format.ts';

const MIN = 60_000;
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

const okValues: ScreenValues = { credit: 12.34, emergencyCredit: 0, debt: 0, ec: 'none', supply: 'on', lowCredit: false };

function screen(f: Partial<FreshnessInput>, values: Partial<ScreenValues> = {}, extra: Partial<ScreenInput> = {}): ScreenModel {
  const v = { ...okValues, ...values };
  const a = assessFreshness(
    {
      nowMs: NOW,
      clockSynced: true,
      snapshotMs: NOW - 10 * MIN,
      lastChangeSeenMs: null,
      sinceChangeSeenMs: null,
      observedForMs: 0,
      hasBalance: v.credit !== null,
      hanLost: false,
      consumptionExpected: true,
      ...f,
    },
    DEFAULT_FRESHNESS_CONFIG,
  );
  return buildScreen({ values: v, assessment: a, nowMs: NOW, lastContactMs: NOW - 3 * MIN, pending: { activateEc: false, topUpPounds: null }, ...extra });
}

const codes = (s: ScreenModel) => s.warnings.map((w) => w.code);

describe('format', () => {
  it('HH:MM and ISO in UTC, durations, money rounded down to the penny', () => {
    expect(formatHhmm(Date.UTC(2025, 6, 1, 23, 59, 59))).toBe('23:59');
    expect(formatHhmm(Date.UTC(2025, 6, 1, 0, 5))).toBe('00:05');
    expect(formatIsoUtc(NOW)).toBe('2025-01-15T12:00:00.000Z');
    expect(formatIsoUtc(Number.NaN)).toBe('invalid');
    expect(formatDuration(80 * MIN + 59_999)).toBe('1 h 20 min');
    expect(formatDuration(5 * MIN)).toBe('5 min');
    expect(formatPounds(12.349)).toBe('£12.34');
    expect(formatPounds(0.29)).toBe('£0.29');
    expect(formatPounds(-1.2)).toBe('-£1.20');
    expect(formatPounds(25)).toBe('£25.00');
  });
});

describe('buildScreen', () => {
  it('fresh: balance first, then "Updated HH:MM"; no warnings', () => {
    const s = screen({});
    expect(s).toMatchObject({ credit: 12.34, freshness: 'fresh', ageMinutes: 10, lastUpdate: { at: '2025-01-15T11:50:00.000Z', hhmm: '11:50', source: 'gsme' } });
    expect(s.lines).toEqual(['Credit £12.34', 'Updated 11:50']);
    expect(s.warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('late: the time is marked', () => {
    const s = screen({ snapshotMs: NOW - 40 * MIN });
    expect(s.freshness).toBe('late');
    expect(s.lines).toEqual(['Credit £12.34', 'Updated 11:20 — 40 min ago, update overdue']);
    expect(warnsDataMayBeOld(s)).toBe(false);
  });

  it('stale: the spec text; with low credit or EC in use also "supply may already be off"', () => {
    const s = screen({ snapshotMs: NOW - 80 * MIN });
    expect(s.warnings).toEqual([{ code: 'stale', text: 'Balance last confirmed at 10:40, 1 h 20 min ago — may be lower now' }]);
    expect(s.lines).toEqual(['Credit £12.34', 'Updated 10:40', 'Balance last confirmed at 10:40, 1 h 20 min ago — may be lower now']);
    expect(codes(screen({ snapshotMs: NOW - 80 * MIN }, { lowCredit: true, credit: 1.5 }))).toEqual(['stale', 'supplyMayBeOff', 'lowCredit']);
    const ec = screen({ snapshotMs: NOW - 80 * MIN }, { ec: 'inUse', emergencyCredit: 3.2, credit: 0 });
    expect(codes(ec)).toEqual(['stale', 'supplyMayBeOff', 'ecInUse']);
    expect(ec.lines).toContain('Supply may already be off — check the meter');
    expect(ec.lines).toContain('Emergency credit £3.20 left');
    // Low credit alone, data fresh: no "supply may be off".
    expect(codes(screen({}, { lowCredit: true }))).toEqual(['lowCredit']);
  });

  it('unknown: "Time of reading unknown — est. HH:MM", a caption that is not a data-may-be-old warning', () => {
    const s = screen({ snapshotMs: null, lastChangeSeenMs: NOW - 12 * MIN, sinceChangeSeenMs: 12 * MIN });
    expect(s.lines).toEqual(['Credit £12.34', 'Time of reading unknown — est. 11:48', 'The meter does not report when this reading was taken']);
    expect(s).toMatchObject({ freshness: 'unknown', lastUpdate: { source: 'changeEstimate', hhmm: '11:48' }, ageMinutes: 12 });
    expect(codes(s)).toEqual(['timeUnknown']);
    expect(warnsDataMayBeOld(s)).toBe(false);
    const none = screen({ snapshotMs: null });
    expect(none.lines[1]).toBe('Time of reading unknown');
    expect(none.lastUpdate).toBeNull();
  });

  it('unknown and no change for > 2T + g: the no-change warning counts as data-may-be-old', () => {
    const s = screen({ snapshotMs: null, lastChangeSeenMs: NOW - 70 * MIN, sinceChangeSeenMs: 70 * MIN }, { ec: 'inUse', credit: 0 });
    expect(codes(s)).toEqual(['noChangeSeen', 'supplyMayBeOff', 'timeUnknown', 'ecInUse']);
    expect(s.warnings[0]!.text).toBe('No change seen since 10:50 (1 h 10 min) — balance may be lower now');
    expect(warnsDataMayBeOld(s)).toBe(true);
  });

  it('clock problem and HAN lost', () => {
    const future = screen({ snapshotMs: NOW + 30 * MIN });
    expect(future.freshness).toBe('clockProblem');
    expect(future.lines[1]).toBe('Reading time 12:30 — clock problem, may be wrong');
    expect(codes(future)).toEqual(['clockProblem']);
    const lost = screen({ hanLost: true, snapshotMs: NOW - 20 * MIN });
    expect(lost.freshness).toBe('hanLost');
    expect(lost.warnings[0]).toEqual({ code: 'hanLost', text: 'No connection to the meter since 11:57 — balance may be out of date' });
    expect(warnsDataMayBeOld(lost)).toBe(true);
  });

  it('no data; supply off; pending requests', () => {
    const s = screen({}, { credit: null, supply: 'off' }, { pending: { activateEc: true, topUpPounds: 10 } });
    expect(s.freshness).toBe('noData');
    expect(s.lines).toEqual(['Balance not available', 'Gas supply is off', 'Emergency credit requested — waiting for the meter', 'Top-up £10.00 sent — waiting for the hub']);
    expect(s.pending).toEqual(['activateEc', 'topUp']);
  });
});

describe('metric', () => {
  const fresh = screen({});
  const stale = screen({ snapshotMs: NOW - 80 * MIN });
  const clock = screen({ snapshotMs: NOW + 30 * MIN });

  it('warnsDataMayBeOld: stale, noChangeSeen, hanLost only', () => {
    expect(warnsDataMayBeOld(fresh)).toBe(false);
    expect(warnsDataMayBeOld(stale)).toBe(true);
    expect(warnsDataMayBeOld(clock)).toBe(false);
  });

  it('classifyMinute per spec section 6', () => {
    expect(classifyMinute(fresh, 12.34)).toBe('ok');
    expect(classifyMinute(fresh, 12.34 - 0.5)).toBe('ok'); // exactly the tolerance: within
    expect(classifyMinute(fresh, 11.8)).toBe('misleading');
    expect(classifyMinute(fresh, 13)).toBe('misleading');
    expect(classifyMinute(stale, 11.8)).toBe('ok'); // wrong but warned
    expect(classifyMinute(stale, 12.3)).toBe('falseAlarm');
    expect(classifyMinute(clock, 5)).toBe('misleading'); // a clock caveat is not a stale warning
    expect(classifyMinute(fresh, 12.0, 0.2)).toBe('misleading');
    expect(classifyMinute(fresh, 12.2, 0.2)).toBe('ok');
    expect(classifyMinute(screen({}, { credit: null }), 50)).toBe('ok');
  });
});
