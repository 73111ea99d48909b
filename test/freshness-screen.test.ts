import { describe, expect, it } from 'vitest';
import { DEFAULT_FRESHNESS_CONFIG, assessFreshness } from '../firmware/display/freshness.ts';
import type { FreshnessInput } from '../firmware/display/freshness.ts';
import { buildScreen } from '../firmware/display/screen-model.ts';
import type { ScreenInput, ScreenModel, ScreenValues } from '../firmware/display/screen-model.ts';
import { classifyMinute, warnsDataMayBeOld } from '../firmware/display/metric.ts';
import type { MeterTruth } from '../firmware/display/metric.ts';
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
  it('HH:MM in UK time (BST in July), ISO in UTC, durations, money rounded down to the penny', () => {
    expect(formatHhmm(Date.UTC(2025, 6, 1, 23, 59, 59))).toBe('00:59');
    expect(formatHhmm(Date.UTC(2025, 6, 1, 0, 5))).toBe('01:05');
    expect(formatHhmm(Date.UTC(2025, 0, 1, 23, 59, 59))).toBe('23:59');
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
    expect(s.lines).toEqual(['Credit £12.34', 'Updated 10:40 — 1 h 20 min ago', 'Balance last confirmed at 10:40, 1 h 20 min ago — may be lower now']);
    expect(s.lastUpdate).toMatchObject({ hhmm: '10:40', local: '10:40', zone: 'GMT', ago: '1 h 20 min ago' });
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
    expect(s.lines).toEqual(['Credit £12.34', 'Time of reading unknown — est. 11:48, 12 min ago', 'The meter does not report when this reading was taken']);
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

  it('a reading from yesterday: the day and the age on the time line and in the warning', () => {
    const s = screen({ snapshotMs: NOW - 26 * 60 * MIN });
    expect(s.lastUpdate).toMatchObject({ at: '2025-01-14T10:00:00.000Z', hhmm: '10:00', local: 'Tue 10:00', zone: 'GMT', ago: '26 h 0 min ago' });
    expect(s.lines.slice(1)).toEqual(['Updated Tue 10:00 — 26 h 0 min ago', 'Balance last confirmed at Tue 10:00, 26 h 0 min ago — may be lower now']);
    // A week old: the date.
    expect(screen({ snapshotMs: NOW - 8 * 24 * 60 * MIN }).lines[1]).toBe('Updated 7 Jan 12:00 — 192 h 0 min ago');
    // Fresh, just before midnight: the day, and the age with it (it is not from today).
    const midnight = Date.UTC(2025, 0, 16, 0, 5);
    const late = screen({ nowMs: midnight, snapshotMs: midnight - 10 * MIN }, {}, { nowMs: midnight });
    expect(late).toMatchObject({ freshness: 'fresh', lines: ['Credit £12.34', 'Updated Wed 23:55 — 10 min ago'] });
    // Without nowMs, now is the shown time plus its age: the same.
    expect(screen({ nowMs: midnight, snapshotMs: midnight - 10 * MIN }, {}, { nowMs: undefined }).lines).toEqual(late.lines);
    // Fresh today: no age.
    expect(screen({}).lastUpdate).toMatchObject({ local: '11:50', ago: null });
  });

  it('clock problem and HAN lost', () => {
    const future = screen({ snapshotMs: NOW + 30 * MIN });
    expect(future.freshness).toBe('clockProblem');
    expect(future.lines[1]).toBe('Reading time 12:30 — clock problem, may be wrong');
    expect(codes(future)).toEqual(['clockProblem']);
    // With the receive time known: that time, its age, and the caveat.
    const behind = screen({ snapshotMs: NOW - 24 * 60 * MIN, receivedMs: NOW - 3 * MIN, sinceReceivedMs: 3 * MIN, gsmeSkewMs: -24 * 60 * MIN });
    expect(behind).toMatchObject({ freshness: 'clockProblem', lastUpdate: { source: 'received', hhmm: '11:57' }, ageMinutes: 3 });
    expect(behind.lines.slice(1)).toEqual(['Received 11:57 — clock problem', 'Clock problem — the meter’s clock is behind; the time shown is when this display received the reading']);
    const late = screen({ snapshotMs: NOW + 24 * 60 * MIN, receivedMs: NOW - 40 * MIN, sinceReceivedMs: 40 * MIN, gsmeSkewMs: 24 * 60 * MIN });
    expect(late.lines[1]).toBe('Received 11:20 — clock problem, 40 min ago, update overdue');
    // A real outage during it: stale by the receive time, with the caveat.
    const out = screen({ snapshotMs: NOW + 23 * 60 * MIN, receivedMs: NOW - 70 * MIN, sinceReceivedMs: 70 * MIN, gsmeSkewMs: 24 * 60 * MIN });
    expect(out.freshness).toBe('stale');
    expect(codes(out)).toEqual(['stale', 'clockProblem']);
    expect(out.warnings[0]!.text).toBe('Balance last confirmed at 10:50, 1 h 10 min ago — may be lower now');
    const lost = screen({ hanLost: true, snapshotMs: NOW - 20 * MIN });
    expect(lost.freshness).toBe('hanLost');
    expect(lost.warnings[0]).toEqual({ code: 'hanLost', text: 'No connection to the meter since 11:57 — balance may be out of date' });
    expect(warnsDataMayBeOld(lost)).toBe(true);
  });

  it('no data; supply off; pending requests', () => {
    const s = screen({}, { credit: null, supply: 'off' }, { pending: { activateEc: true, topUpPounds: 10 } });
    expect(s.freshness).toBe('noData');
    expect(s.lines).toEqual(['Balance not available', 'Gas supply is off — top up, then press the button on the meter', 'Emergency credit requested — waiting for the meter', 'Top-up £10.00 sent — waiting for the hub']);
    expect(s.pending).toEqual(['activateEc', 'topUp']);
  });

  it('credit used up (CreditStatus exhausted): said as such, never "EC in use, £0.00 left"; gas off says what to do', () => {
    const usedUp = screen({}, { credit: 0, emergencyCredit: 0, ec: 'exhausted', lowCredit: true, creditUsedUp: true, supply: 'off' });
    expect(codes(usedUp)).toEqual(['supplyOff', 'creditUsedUp']);
    expect(usedUp.lines).toEqual(['Credit £0.00', 'Emergency credit used up', 'Updated 11:50', 'Gas supply is off — top up, then press the button on the meter', 'Credit used up — top up now']);
    // Stale with the gas known off: no "may be off" beside "is off".
    expect(codes(screen({ snapshotMs: NOW - 80 * MIN }, { credit: 0, ec: 'exhausted', creditUsedUp: true, supply: 'off' }))).toEqual(['stale', 'supplyOff', 'creditUsedUp']);
    // Used up while the valve still reads on (stale): the supply may be off.
    expect(codes(screen({ snapshotMs: NOW - 80 * MIN }, { credit: 0, ec: 'exhausted', creditUsedUp: true }))).toEqual(['stale', 'supplyMayBeOff', 'creditUsedUp']);
    const armed = screen({}, { supply: 'armed' });
    expect(armed.warnings).toEqual([{ code: 'supplyOff', text: 'Gas supply is off — press the button on the meter to turn it on' }]);
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

  const on = (credit: number): MeterTruth => ({ credit, supply: 'on', onEmergencyCredit: false });
  const off = (credit: number): MeterTruth => ({ credit, supply: 'off', onEmergencyCredit: false });

  it('classifyMinute: credit-misleading and false alarms per spec section 6', () => {
    expect(classifyMinute(fresh, on(12.34))).toBe('ok');
    expect(classifyMinute(fresh, on(12.34 - 0.5))).toBe('ok'); // exactly the tolerance: within
    expect(classifyMinute(fresh, on(11.8))).toBe('creditMisleading');
    expect(classifyMinute(fresh, on(13))).toBe('creditMisleading');
    expect(classifyMinute(stale, on(11.8))).toBe('ok'); // wrong but warned
    expect(classifyMinute(stale, on(12.3))).toBe('falseAlarm');
    expect(classifyMinute(clock, on(5))).toBe('creditMisleading'); // a clock caveat is not a stale warning
    expect(classifyMinute(fresh, on(12.0), 0.2)).toBe('creditMisleading');
    expect(classifyMinute(fresh, on(12.2), 0.2)).toBe('ok');
    expect(classifyMinute(screen({}, { credit: null }), on(50))).toBe('ok');
  });

  it('classifyMinute: supply-misleading, and a correct supply warning is never a false alarm', () => {
    // Gas really off, screen says supply on, balance within tolerance: the harm SECMP0015 prevents.
    expect(classifyMinute(fresh, off(12.34))).toBe('supplyMisleading');
    expect(classifyMinute(fresh, { ...off(12.34), supply: 'armed' })).toBe('supplyMisleading');
    expect(classifyMinute(fresh, off(0))).toBe('creditAndSupplyMisleading');
    // On emergency credit while the screen shows no EC in use.
    expect(classifyMinute(fresh, { credit: 12.34, supply: 'on', onEmergencyCredit: true })).toBe('supplyMisleading');
    // The screen says the gas is off: honest.
    expect(classifyMinute(screen({}, { supply: 'off' }), off(12.34))).toBe('ok');
    expect(classifyMinute(screen({}, { ec: 'inUse' }), { credit: 12.34, supply: 'on', onEmergencyCredit: true })).toBe('ok');
    // Stale alone does not say the gas may be off…
    expect(classifyMinute(stale, off(12.3))).toBe('supplyMisleading');
    // …"supply may be off" does, and while the gas really is off it is no false alarm.
    const mayBeOff = screen({ snapshotMs: NOW - 80 * MIN }, { lowCredit: true });
    expect(mayBeOff.warnings.map((w) => w.code)).toContain('supplyMayBeOff');
    expect(classifyMinute(mayBeOff, off(12.3))).toBe('ok');
    expect(classifyMinute(mayBeOff, on(12.3))).toBe('falseAlarm');
    // No balance shown claims nothing.
    expect(classifyMinute(screen({}, { credit: null }), off(0))).toBe('ok');
  });

});
