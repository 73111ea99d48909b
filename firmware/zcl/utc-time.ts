import { isInt } from '../codec/bytes.ts';
import { EncodeError } from '../codec/errors.ts';

/** ZCL's "no time": a GPF mirror's ReadingSnapshotTime until the GSME provides one. */
export const UTC_TIME_INVALID = 0xffffffff;

/** Unix seconds of the ZCL epoch, 2000-01-01T00:00:00Z. */
export const ZCL_EPOCH_UNIX_SECONDS = 946684800;

/** The latest representable time; one more is the invalid marker. */
const UTC_TIME_MAX = UTC_TIME_INVALID - 1;

function isUtcTime(v: number): boolean {
  return isInt(v) && v >= 0 && v <= UTC_TIME_MAX;
}

/**
 * Unix milliseconds of a UTCTime, or null when it names no time: the invalid marker, or anything
 * that is not a uint32 (treated as unknown rather than thrown, since a display must then say
 * "time unknown" anyway).
 */
export function utcTimeToUnixMs(v: number): number | null {
  return isUtcTime(v) ? (v + ZCL_EPOCH_UNIX_SECONDS) * 1000 : null;
}

/**
 * The UTCTime (whole seconds, rounded down) of a device clock reading in Unix milliseconds, or
 * null when it cannot be represented: before 2000 (an unset clock), past 2136, or not finite.
 */
export function utcTimeFromUnixMs(ms: number): number | null {
  if (!isFinite(ms)) return null;
  const v = Math.floor(ms / 1000) - ZCL_EPOCH_UNIX_SECONDS;
  return isUtcTime(v) ? v : null;
}

export function utcTimeToDate(v: number): Date | null {
  const ms = utcTimeToUnixMs(v);
  return ms === null ? null : new Date(ms);
}

export function dateToUtcTime(d: Date): number {
  const v = utcTimeFromUnixMs(d.getTime());
  if (v === null) throw new EncodeError(`UTCTime cannot represent ${isNaN(d.getTime()) ? 'an invalid Date' : d.toISOString()} (2000-01-01 to 2136-02-07 only)`);
  return v;
}
