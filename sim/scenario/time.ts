/** Durations ('30m', '1d12h'), ISO times and times of day: parsing and the canonical text of each. */
import { isRepresentableTime } from './device-limits.ts';

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'];
const NUMBER_RE = /^[+-]?\d+(?:\.\d+)?$/;
const DURATION_RE = /^([+-]?)((?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+)$/;
const COMPONENT_RE = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/g;

/**
 * A duration in ms from a number of seconds or text like '90s', '30m', '3h', '2d', '1d12h',
 * '1s500ms' (units d h m s ms, each at most once, largest first). A sign is accepted only with
 * `signed`. Returns undefined when the text is not a duration. Results are rounded to whole ms.
 */
export function parseDuration(value: string | number, opts: { signed?: boolean } = {}): number | undefined {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    ms = Math.round(value * 1000);
  } else {
    const text = value.trim();
    if (NUMBER_RE.test(text)) {
      ms = Math.round(Number(text) * 1000);
    } else {
      const m = DURATION_RE.exec(text);
      if (!m) return undefined;
      let total = 0;
      let lastUnit = -1;
      for (const c of (m[2] ?? '').matchAll(COMPONENT_RE)) {
        const unit = c[2] ?? '';
        const order = UNIT_ORDER.indexOf(unit);
        if (order <= lastUnit) return undefined; // repeated or out of order: '3m1h', '1h1h'
        lastUnit = order;
        total += Number(c[1]) * (UNIT_MS[unit] ?? NaN);
      }
      ms = Math.round(m[1] === '-' ? -total : total);
    }
  }
  if (!opts.signed && (typeof value === 'number' ? value < 0 : /^[+-]/.test(value.trim()))) return undefined;
  if (Object.is(ms, -0)) ms = 0;
  if (!Number.isSafeInteger(ms)) return undefined;
  return ms;
}

/** The canonical text of a duration in ms: '0s', '90s' → '1m30s', '-5m', '1d12h', '1s500ms'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return '-' + formatDuration(-ms);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of UNIT_ORDER) {
    const size = UNIT_MS[unit] ?? 1;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Epoch ms of an ISO 8601 time with a zone ('2026-01-15T17:30:00Z', '…+01:00') or a bare date
 * (midnight UTC). Undefined when it is not one, or not a real date (2026-02-30).
 */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0')));
  const check = new Date(base);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z2 = zone.replace(':', '');
    offsetMin = (Number(z2.slice(1, 3)) * 60 + Number(z2.slice(3, 5))) * (z2[0] === '-' ? -1 : 1);
    if (Number(z2.slice(3, 5)) > 59) return undefined;
  }
  return base - offsetMin * 60_000;
}

/** '2026-01-15T17:30:00Z' (milliseconds shown only when not zero). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** formatTime, or what the time is when a Date cannot hold it (an offset like '+99999999d'): for messages. */
export function describeTime(ms: number): string {
  return isRepresentableTime(ms) ? formatTime(ms) : ms > 0 ? 'past the year 275760' : 'before the year -271821';
}

const TIME_OF_DAY_RE = /^(\d{1,2}):(\d{2})$/;

/** ms after midnight of 'HH:MM' (00:00 … 23:59), or undefined. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = TIME_OF_DAY_RE.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]), min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return (h * 60 + min) * 60_000;
}

/** 'HH:MM' of ms after midnight. */
export function formatTimeOfDay(ms: number): string {
  const min = Math.floor(ms / 60_000);
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}
