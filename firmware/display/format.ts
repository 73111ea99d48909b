/**
 * Text formatting for the display: plain arithmetic so it runs the same on small boards (no Intl,
 * no time-zone data). Every time a person reads is **UK civil time** (GMT in winter, BST in
 * summer: uk-time.ts, docs/decisions.md); machine output (the screen model's `at`, JSON) stays
 * ISO 8601 UTC.
 */
import { ukTime } from './uk-time.ts';
import type { UkTime } from './uk-time.ts';

const MINUTE_MS = 60_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const WEEKDAYS = 'SunMonTueWedThuFriSat';
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

function hhmmOf(t: UkTime): string {
  return pad2(t.hour) + ':' + pad2(t.minute);
}

/** "HH:MM" (UK civil time, 24 h) of a Unix-ms time. */
export function formatHhmm(unixMs: number): string {
  return isFinite(unixMs) ? hhmmOf(ukTime(unixMs)) : '--:--';
}

/**
 * A time as a person reads it beside "now" (both Unix ms, shown in UK civil time): "10:00" on
 * today's local date, "Tue 10:00" on one of the six days before, else the date, "12 Mar 10:00",
 * with the year when it is another year ("12 Mar 2025 10:00"). A time after today (a clock
 * problem) also gets its date.
 */
export function formatWhen(unixMs: number, nowMs: number | null): string {
  if (!isFinite(unixMs)) return '--:--';
  const t = ukTime(unixMs);
  if (nowMs === null || !isFinite(nowMs)) return hhmmOf(t);
  const n = ukTime(nowMs);
  const days = n.dayNumber - t.dayNumber;
  if (days === 0) return hhmmOf(t);
  if (days > 0 && days < 7) return WEEKDAYS.substr(t.weekday * 3, 3) + ' ' + hhmmOf(t);
  return t.day + ' ' + MONTHS.substr(t.month * 3 - 3, 3) + (t.year === n.year ? ' ' : ' ' + t.year + ' ') + hhmmOf(t);
}

/** "2026-07-01 17:59 BST": a timeline's time, UK civil time with its zone. */
export function formatUkDateTime(unixMs: number): string {
  if (!isFinite(unixMs)) return 'invalid';
  const t = ukTime(unixMs);
  return t.year + '-' + pad2(t.month) + '-' + pad2(t.day) + ' ' + hhmmOf(t) + ' ' + t.zone;
}

/** Largest |ms| a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** ISO 8601 UTC ("2025-01-15T12:00:00.000Z"), or "invalid" for a time no Date can hold. */
export function formatIsoUtc(unixMs: number): string {
  if (!isFinite(unixMs) || Math.abs(unixMs) > MAX_DATE_MS) return 'invalid';
  return new Date(unixMs).toISOString();
}

/** "N h M min" (or "M min" under an hour) of a duration, rounded down to whole minutes. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / MINUTE_MS));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/**
 * "£12.34" / "-£1.20". Rounded **down** to the penny (towards less money shown): a display must
 * never round a balance up.
 */
export function formatPounds(pounds: number): string {
  // The epsilon absorbs binary fractions (0.29 * 100 = 28.999…).
  const pence = Math.floor(pounds * 100 + 1e-6);
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}£${Math.floor(abs / 100)}.${pad2(abs % 100)}`;
}
