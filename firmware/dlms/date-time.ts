import type { ByteReader, ByteWriter } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2, hex4 } from '../codec/hex.ts';
import type { ClockStatusBits } from './clock-status.ts';
import { clockStatusBitsProblem, clockStatusByteProblem, clockStatusFromByte, clockStatusOk, clockStatusToByte } from './clock-status.ts';

export type { ClockStatusBits } from './clock-status.ts';

/**
 * DLMS COSEM date-time (Blue Book 4.1.6.1), 12 octets:
 *
 *   year (2, BE) · month · day of month · day of week · hour · minute · second · hundredths ·
 *   deviation (int16 BE, minutes) · clock_status
 *
 * Every field may be "not specified" (year 0xFFFF, deviation 0x8000, clock_status 0xFF, the other
 * fields 0xFF); that is `null` here. Month and day keep DLMS's special values as raw numbers so a
 * decode → encode round trip is exact: month 0xFD / 0xFE = daylight-saving end / begin month, day
 * of month 0xFD / 0xFE = second last / last day of the month (see the constants below).
 */
export interface DlmsDateTime {
  year: number | null;
  month: number | null;
  dayOfMonth: number | null;
  /** 1 = Monday … 7 = Sunday. GBCS leaves it unspecified (null). */
  dayOfWeek: number | null;
  hour: number | null;
  minute: number | null;
  second: number | null;
  hundredths: number | null;
  /** Minutes from local time to UTC (UTC = local + deviation; see dlmsDateTimeToIso). */
  deviation: number | null;
  clockStatus: ClockStatusBits | null;
}

export const DLMS_DATE_TIME_LENGTH = 12;
export const DLMS_MONTH_DST_END = 0xfd;
export const DLMS_MONTH_DST_BEGIN = 0xfe;
export const DLMS_DAY_SECOND_LAST = 0xfd;
export const DLMS_DAY_LAST = 0xfe;

const YEAR_UNSPECIFIED = 0xffff;
const BYTE_UNSPECIFIED = 0xff;
const DEVIATION_UNSPECIFIED = -0x8000; // 0x8000 read as int16
/** Blue Book range of a specified deviation. */
const DEVIATION_MAX = 720;

type OctetField = 'month' | 'dayOfMonth' | 'dayOfWeek' | 'hour' | 'minute' | 'second' | 'hundredths';

/** The one-octet fields: where they sit, which specified values they allow, how to say so. */
const OCTET_FIELDS: ReadonlyArray<{ key: OctetField; at: number; ok: (v: number) => boolean; expected: string }> = [
  { key: 'month', at: 2, ok: (v) => (v >= 1 && v <= 12) || v === 0xfd || v === 0xfe, expected: 'month 1..12, 0xFD (DST end), 0xFE (DST begin) or 0xFF (unspecified)' },
  { key: 'dayOfMonth', at: 3, ok: (v) => (v >= 1 && v <= 31) || v === 0xfd || v === 0xfe, expected: 'day of month 1..31, 0xFD (2nd last), 0xFE (last) or 0xFF (unspecified)' },
  { key: 'dayOfWeek', at: 4, ok: (v) => v >= 1 && v <= 7, expected: 'day of week 1..7 or 0xFF (unspecified)' },
  { key: 'hour', at: 5, ok: (v) => v <= 23, expected: 'hour 0..23 or 0xFF (unspecified)' },
  { key: 'minute', at: 6, ok: (v) => v <= 59, expected: 'minute 0..59 or 0xFF (unspecified)' },
  { key: 'second', at: 7, ok: (v) => v <= 59, expected: 'second 0..59 or 0xFF (unspecified)' },
  { key: 'hundredths', at: 8, ok: (v) => v <= 99, expected: 'hundredths 0..99 or 0xFF (unspecified)' },
];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * The last day of a month; with the year unspecified, February may have 29 days (a recurring
 * date such as "every 29 February" is meaningful).
 */
function daysInMonth(year: number | null, month: number): number {
  if (month === 2) return year === null || isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A day of month past the end of a known month (31 April, 29 February 2015), or null. */
function dayProblem(dt: DlmsDateTime): string | null {
  const { year, month, dayOfMonth: day } = dt;
  if (month === null || day === null || month > 12 || day > 31) return null;
  const max = daysInMonth(year, month);
  return day > max ? `day of month 1..${max} (month ${month}${year === null ? '' : ` of ${year}`})` : null;
}

/**
 * `acceptBothValidityBits`: a clock_status with bits 0 and 1 both set (forbidden by DLMS) is kept
 * as decoded bits instead of refused (Parse & Correlate reads it as INVALID time status).
 */
export function decodeDlmsDateTime(r: ByteReader, acceptBothValidityBits = false): DlmsDateTime {
  const at = r.offset;
  const raw = r.take(DLMS_DATE_TIME_LENGTH, 'a 12-octet DLMS date-time');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const year = view.getUint16(0, false);
  const dt: DlmsDateTime = {
    year: year === YEAR_UNSPECIFIED ? null : year,
    month: null,
    dayOfMonth: null,
    dayOfWeek: null,
    hour: null,
    minute: null,
    second: null,
    hundredths: null,
    deviation: null,
    clockStatus: null,
  };
  for (const f of OCTET_FIELDS) {
    const v = raw[f.at]!;
    if (v === BYTE_UNSPECIFIED) continue;
    if (!f.ok(v)) throw new DecodeError(at + f.at, f.expected, hex2(v));
    dt[f.key] = v;
  }
  const day = dayProblem(dt);
  if (day !== null) throw new DecodeError(at + 3, day, String(dt.dayOfMonth));
  const deviation = view.getInt16(9, false);
  if (deviation !== DEVIATION_UNSPECIFIED) {
    if (Math.abs(deviation) > DEVIATION_MAX) {
      throw new DecodeError(at + 9, 'deviation -720..720 minutes or 0x8000 (unspecified)', `${deviation} (${hex4(view.getUint16(9, false))})`);
    }
    dt.deviation = deviation;
  }
  const status = raw[11]!;
  const problem = clockStatusByteProblem(status);
  if (problem !== null && !acceptBothValidityBits) throw new DecodeError(at + 11, 'clock_status with bits 0 and 1 not both set, or 0xFF (unspecified)', `${hex2(status)} (${problem})`);
  dt.clockStatus = clockStatusFromByte(status);
  return dt;
}

/** Checks every field (EncodeError naming it) so that what is encoded decodes to the same value. */
export function encodeDlmsDateTime(w: ByteWriter, dt: DlmsDateTime): void {
  if (dt.year !== null && (!Number.isInteger(dt.year) || dt.year < 0 || dt.year >= YEAR_UNSPECIFIED)) {
    throw new EncodeError(`DLMS date-time year must be 0..65534 or null (unspecified), got ${dt.year}`);
  }
  for (const f of OCTET_FIELDS) {
    const v = dt[f.key];
    if (v !== null && (!Number.isInteger(v) || v < 0 || v >= BYTE_UNSPECIFIED || !f.ok(v))) {
      throw new EncodeError(`DLMS date-time ${f.key} must be ${f.expected.replace('0xFF (unspecified)', 'null (unspecified)')}, got ${v}`);
    }
  }
  const day = dayProblem(dt);
  if (day !== null) throw new EncodeError(`DLMS date-time dayOfMonth must be ${day}, got ${dt.dayOfMonth}`);
  if (dt.deviation !== null && (!Number.isInteger(dt.deviation) || Math.abs(dt.deviation) > DEVIATION_MAX)) {
    throw new EncodeError(`DLMS date-time deviation must be -720..720 minutes or null (unspecified), got ${dt.deviation}`);
  }
  if (dt.clockStatus !== null) {
    const problem = clockStatusBitsProblem(dt.clockStatus);
    if (problem !== null) throw new EncodeError(`DLMS date-time clockStatus: ${problem}`);
  }
  w.u16be(dt.year ?? YEAR_UNSPECIFIED);
  for (const f of OCTET_FIELDS) w.u8(dt[f.key] ?? BYTE_UNSPECIFIED);
  w.i16be(dt.deviation ?? DEVIATION_UNSPECIFIED);
  w.u8(clockStatusToByte(dt.clockStatus));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * The instant as ISO 8601 UTC, 'YYYY-MM-DDTHH:MM:SSZ' (with '.hh' when hundredths are non-zero),
 * or null when the date-time names no single instant: year, month (1..12), day (1..31), hour,
 * minute or second unspecified, or a DST-month / last-day special value. Unspecified hundredths
 * count as 0.
 *
 * Deviation (Blue Book): minutes *from local time to UTC*, so UTC = local time + deviation; Paris
 * in winter (UTC+1) is −60. An unspecified deviation is taken as 0, the fields being UTC already:
 * GB smart metering keeps device clocks and every GBCS date-time in UTC (the RTDS responses all
 * carry 0x8000 with UTC times), so no local-time guess is needed.
 */
export function dlmsDateTimeToIso(dt: DlmsDateTime): string | null {
  const { year, month, dayOfMonth, hour, minute, second } = dt;
  if (year === null || month === null || dayOfMonth === null || hour === null || minute === null || second === null) return null;
  if (month > 12 || dayOfMonth > 31) return null;
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  d.setUTCFullYear(year, month - 1, dayOfMonth);
  d.setUTCHours(hour, minute, second, (dt.hundredths ?? 0) * 10);
  const ms = d.getTime() + (dt.deviation ?? 0) * 60_000;
  const iso = new Date(ms).toISOString(); // …T00:00:00.000Z, extended ±YYYYYY years past 9999
  const whole = iso.slice(0, iso.length - 5);
  const hs = Math.floor((((ms % 1000) + 1000) % 1000) / 10);
  return hs === 0 ? `${whole}Z` : `${whole}.${pad2(hs)}Z`;
}

export interface DlmsDateTimeFromDateOptions {
  /** Fill in the day of week (1 = Monday). Default false: 0xFF, as GBCS date-times carry. */
  dayOfWeek?: boolean;
  /** Keep hundredths from the milliseconds. Default false: hundredths 0. */
  hundredths?: boolean;
  /**
   * Express the fields in a local time whose deviation (minutes, local → UTC, i.e. −60 for UTC+1)
   * is this. Default null: the fields are UTC and the deviation is 0x8000 (unspecified).
   */
  deviation?: number | null;
  /** Default: all bits clear (0x00, a valid value), the byte GBCS responses carry when reliable. */
  clockStatus?: ClockStatusBits | null;
}

/** A DLMS date-time for an instant. EncodeError for an invalid Date or a year past 65534. */
export function dlmsDateTimeFromDate(d: Date, opts: DlmsDateTimeFromDateOptions = {}): DlmsDateTime {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new EncodeError('DLMS date-time from an invalid Date');
  const deviation = opts.deviation ?? null;
  if (deviation !== null && (!Number.isInteger(deviation) || Math.abs(deviation) > DEVIATION_MAX)) {
    throw new EncodeError(`DLMS date-time deviation must be -720..720 minutes, got ${deviation}`);
  }
  // Local = UTC − deviation; reading the shifted instant's UTC fields gives the local fields.
  const local = new Date(t - (deviation ?? 0) * 60_000);
  const year = local.getUTCFullYear();
  if (year < 0 || year >= YEAR_UNSPECIFIED) throw new EncodeError(`DLMS date-time year must be 0..65534, got ${year}`);
  const dow = local.getUTCDay();
  return {
    year,
    month: local.getUTCMonth() + 1,
    dayOfMonth: local.getUTCDate(),
    dayOfWeek: opts.dayOfWeek ? (dow === 0 ? 7 : dow) : null,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    hundredths: opts.hundredths ? Math.floor(local.getUTCMilliseconds() / 10) : 0,
    deviation,
    clockStatus: opts.clockStatus === undefined ? clockStatusOk() : opts.clockStatus,
  };
}
