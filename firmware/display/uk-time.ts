/**
 * UK civil time (Europe/London) from UTC, for every time a person reads: pure integer arithmetic,
 * no Date, no Intl, no time-zone data, so it runs unchanged on a board (Espruino 2v29 has no
 * Date.UTC and no Intl).
 *
 * The rule (The Summer Time Order 2002, the EU rule since 1981/1996): British Summer Time (BST,
 * UTC+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October;
 * Greenwich Mean Time (GMT, UTC+0) otherwise. Checked against Node's Intl (tz database) for every
 * hour of 2000–2100 (test/uk-time.test.ts). Years before 1996 followed other rules; they are not
 * special-cased (a display never needs them).
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface UkTime {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  zone: 'GMT' | 'BST';
  /** Minutes to add to UTC: 0 or 60. */
  offsetMinutes: number;
  /** Days since 1970-01-01 of the local date (to compare two local dates). */
  dayNumber: number;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number (H. Hinnant's civil_from_days). */
function civilFromDays(z: number): number[] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

/** 0 = Sunday of a day number (1970-01-01 was a Thursday). */
function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** 01:00 UTC on the last Sunday of `month` (3 or 10, both 31 days long) of `year`, as Unix ms. */
function lastSunday0100(year: number, month: number): number {
  const d31 = daysFromCivil(year, month, 31);
  return (d31 - weekdayOf(d31)) * DAY_MS + HOUR_MS;
}

/** Offset of UK civil time from UTC at `unixMs`, in minutes (0 GMT, 60 BST). */
export function ukOffsetMinutes(unixMs: number): number {
  const year = civilFromDays(Math.floor(unixMs / DAY_MS))[0]!;
  return unixMs >= lastSunday0100(year, 3) && unixMs < lastSunday0100(year, 10) ? 60 : 0;
}

/** UK civil time at `unixMs` (UTC). Whole minutes, rounded down, as a clock shows them. */
export function ukTime(unixMs: number): UkTime {
  const offset = ukOffsetMinutes(unixMs);
  const minutes = Math.floor(unixMs / 60_000) + offset;
  const days = Math.floor(minutes / 1440);
  const ymd = civilFromDays(days);
  const mod = minutes - days * 1440;
  return {
    year: ymd[0]!,
    month: ymd[1]!,
    day: ymd[2]!,
    hour: Math.floor(mod / 60),
    minute: mod % 60,
    weekday: weekdayOf(days),
    zone: offset ? 'BST' : 'GMT',
    offsetMinutes: offset,
    dayNumber: days,
  };
}
