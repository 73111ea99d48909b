/**
 * Bounds that come from the devices rather than from taste, shared by the scenario schema and
 * the board config schema so a scenario's devices are ones a board could run.
 */
import { UTC_TIME_INVALID, ZCL_EPOCH_UNIX_SECONDS } from '../../firmware/zcl/index.ts';

/**
 * The longest timer delay: the node and emulator boards time with Node's setTimeout, which runs a
 * longer delay after 1 ms instead (TimeoutOverflowWarning), so a longer interval would fire
 * continuously rather than rarely. 24d20h31m23s647ms.
 */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/** ZCL UTCTime carries 0…0xFFFFFFFE seconds from 2000: a clock further off than that span cannot be reported. */
export const UTC_TIME_SPAN_MS = (UTC_TIME_INVALID - 1) * 1000;

/** The last time the HAN can carry (ZCL UTCTime 0xFFFFFFFE): 2136-02-07T06:28:14Z. */
export const LATEST_HAN_TIME_MS = (UTC_TIME_INVALID - 1 + ZCL_EPOCH_UNIX_SECONDS) * 1000;

/** The furthest from 1970 a JavaScript Date reaches (±100,000,000 days, ECMA-262 TimeClip). */
export const DATE_LIMIT_MS = 8.64e15;

/** Whether a Date can hold `ms` (else toISOString throws "Invalid time value"). */
export function isRepresentableTime(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= DATE_LIMIT_MS;
}
