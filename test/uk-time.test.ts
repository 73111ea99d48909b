/**
 * UK civil time (firmware/display/uk-time.ts) against Node's Intl (the tz database's
 * Europe/London) for every hour from 2000-01-01 to 2100-12-31 and every minute of the three hours
 * around each change; and the display's time texts built on it (format.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, ukOffsetMinutes, ukTime } from '../firmware/display/uk-time.ts';
import { formatHhmm, formatUkDateTime, formatWhen } from '../firmware/display/format.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// format(), not formatToParts(): a fixed layout ("Wed, 01/07/2026, 17:59 BST") is four times
// faster to compare as one string, which keeps 885,000 hours to a few seconds.
const intl = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

const p2 = (n: number) => (n < 10 ? '0' : '') + n;

/** ukTime in Intl's layout. */
function ours(ms: number): string {
  const t = ukTime(ms);
  return `${WEEKDAYS[t.weekday]}, ${p2(t.day)}/${p2(t.month)}/${t.year}, ${p2(t.hour)}:${p2(t.minute)} ${t.zone}`;
}

describe('UK civil time against Intl (Europe/London)', () => {
  it('the layout compared is what Intl prints', () => {
    expect(intl.format(Date.UTC(2026, 6, 1, 16, 59))).toBe('Wed, 01/07/2026, 17:59 BST');
    expect(ours(Date.UTC(2026, 6, 1, 16, 59))).toBe('Wed, 01/07/2026, 17:59 BST');
  });

  it('every hour from 2000-01-01 to 2100-12-31', () => {
    const end = Date.UTC(2101, 0, 1);
    let checked = 0;
    const wrong: string[] = [];
    for (let ms = Date.UTC(2000, 0, 1); ms < end; ms += HOUR) {
      // Off the hour by a few minutes and seconds too, so the hour and minute are both exercised.
      const t = ms + (checked % 60) * MIN + (checked % 7) * 1000;
      const want = intl.format(t);
      if (ours(t) !== want && wrong.length < 5) wrong.push(`${new Date(t).toISOString()}: ${ours(t)} ≠ ${want}`);
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(885_360);
  }, 120_000); // ~3 s alone; more on a machine shared with other runs

  it('every minute of the three hours around each change, 2000–2100', () => {
    const wrong: string[] = [];
    let changes = 0;
    for (let y = 2000; y <= 2100; y++) {
      for (const month of [2, 9]) {
        // The last Sunday of the month, found by Date (the test may use it; the firmware does not).
        const last = new Date(Date.UTC(y, month + 1, 0));
        const change = Date.UTC(y, month, last.getUTCDate() - last.getUTCDay(), 1);
        changes++;
        for (let t = change - 90 * MIN; t <= change + 90 * MIN; t += MIN) {
          for (const s of [0, 59_999]) {
            const want = intl.format(t + s);
            if (ours(t + s) !== want && wrong.length < 5) wrong.push(`${new Date(t + s).toISOString()}: ${ours(t + s)} ≠ ${want}`);
          }
        }
        expect(ukOffsetMinutes(change - 1), `${y}-${month + 1}`).toBe(month === 2 ? 0 : 60);
        expect(ukOffsetMinutes(change), `${y}-${month + 1}`).toBe(month === 2 ? 60 : 0);
      }
    }
    expect(wrong).toEqual([]);
    expect(changes).toBe(202);
  }, 60_000);

  it('days from civil agrees with Date.UTC, before 1970 and far ahead too', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [1900, 3, 1],
      [2000, 2, 29],
      [2100, 3, 1],
      [2136, 2, 7],
      [1600, 1, 1],
    ] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
    expect(ukTime(-1)).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 59, weekday: 3, zone: 'GMT' });
  });

  it('the clock-change nights as a person lives them (2026: 29 March and 25 October)', () => {
    const at = (iso: string) => formatUkDateTime(Date.parse(iso));
    expect(at('2026-03-29T00:59:00Z')).toBe('2026-03-29 00:59 GMT');
    expect(at('2026-03-29T01:00:00Z')).toBe('2026-03-29 02:00 BST');
    expect(at('2026-10-25T00:59:00Z')).toBe('2026-10-25 01:59 BST');
    expect(at('2026-10-25T01:00:00Z')).toBe('2026-10-25 01:00 GMT');
    expect(ukTime(Date.parse('2026-07-01T16:59:00Z'))).toMatchObject({ hour: 17, minute: 59, zone: 'BST', offsetMinutes: 60 });
  });

  it('uses no Date, no Intl and nothing Espruino 2v29 lacks', () => {
    const src = readFileSync(new URL('../firmware/display/uk-time.ts', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const banned of ['Date', 'Intl', 'Math.trunc', 'Math.imul', 'Object.freeze', 'Number.is', 'Array.from']) expect(src, banned).not.toContain(banned);
  });
});

describe('display time texts (UK civil time)', () => {
  const now = Date.parse('2026-03-17T12:00:00Z'); // Tuesday, GMT
  it('HH:MM in UK time: GMT in winter, BST in summer', () => {
    expect(formatHhmm(Date.parse('2026-01-15T11:50:00Z'))).toBe('11:50');
    expect(formatHhmm(Date.parse('2026-07-01T16:59:59Z'))).toBe('17:59');
    expect(formatHhmm(Date.parse('2026-07-01T23:30:00Z'))).toBe('00:30');
    expect(formatHhmm(NaN)).toBe('--:--');
  });

  it('the day when not today, the date when a week or more old or in the future, the year when another year', () => {
    expect(formatWhen(Date.parse('2026-03-17T00:00:00Z'), now)).toBe('00:00');
    expect(formatWhen(Date.parse('2026-03-16T23:59:00Z'), now)).toBe('Mon 23:59');
    expect(formatWhen(Date.parse('2026-03-16T10:00:00Z'), now)).toBe('Mon 10:00');
    expect(formatWhen(Date.parse('2026-03-11T10:00:00Z'), now)).toBe('Wed 10:00');
    expect(formatWhen(Date.parse('2026-03-10T10:00:00Z'), now)).toBe('10 Mar 10:00');
    expect(formatWhen(Date.parse('2026-03-18T10:00:00Z'), now)).toBe('18 Mar 10:00');
    expect(formatWhen(Date.parse('2000-01-01T00:00:00Z'), now)).toBe('1 Jan 2000 00:00');
    expect(formatWhen(Date.parse('2026-03-16T10:00:00Z'), null)).toBe('10:00');
  });

  it('"today" is the UK date: 23:30 UTC in summer is already tomorrow', () => {
    const summerNow = Date.parse('2026-07-01T23:30:00Z'); // 00:30 BST on Thursday 2 July
    expect(formatWhen(Date.parse('2026-07-01T22:50:00Z'), summerNow)).toBe('Wed 23:50');
    expect(formatWhen(Date.parse('2026-07-01T23:10:00Z'), summerNow)).toBe('00:10');
  });
});
