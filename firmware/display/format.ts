/**
 * Text formatting for the display: plain arithmetic so it runs the same on small boards (no Intl,
 * no time-zone data). Times are shown in **UTC**: GB local time (BST) would need the Europe/London
 * rules on the device; out of scope for now (docs/decisions.md).
 */

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "HH:MM" (UTC, 24 h) of a Unix-ms time. */
export function formatHhmm(unixMs: number): string {
  if (!isFinite(unixMs)) return '--:--';
  const minuteOfDay = ((Math.floor(unixMs / MINUTE_MS) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return `${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}`;
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
