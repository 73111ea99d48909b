import type { ClockStatusBits } from '../dlms/clock-status.ts';
import { clockStatusFromByte, clockStatusToByte } from '../dlms/clock-status.ts';

/**
 * SECMP0015's reading of the clock_status octet of a GBCS response's grouping-header date-time
 * (spec section 4, as Parse & Correlate reports it):
 *
 *   bit2 = 1: the date-time came from the GSME (its ReadingSnapshotTime); 0: the device building
 *             the response (the GPF) used its own clock.
 *   bits 0–1: 00 RELIABLE · 10 (0x02, DLMS "doubtful value") UNRELIABLE · 01 (0x01, DLMS
 *             "invalid value") INVALID.
 *
 * RTDS 4.5.0 shows 0x00 (RELIABLE_GPF), 0x04 (RELIABLE_GSME), 0x02 (UNRELIABLE).
 */
export type ClockReliability = 'RELIABLE' | 'UNRELIABLE' | 'INVALID';

export interface TimeStatus {
  isFromGsme: boolean;
  clockStatus: ClockReliability;
}

const FROM_GSME = 0x04;
const INVALID = 0x01;
const DOUBTFUL = 0x02;

/**
 * Reads the time status from a clock_status byte. Never throws: a decoder that does not care
 * about time status must still parse the response.
 *
 * - Bits 0 and 1 both set is not a valid DLMS clock_status (the DLMS date-time decoder already
 *   refuses it); met here, it reads as INVALID, the claim that promises least.
 * - 0xFF (DLMS "clock_status not specified") reads as { isFromGsme: false, INVALID }: nothing says
 *   where the time came from or that it can be trusted.
 * - Other bits (3 invalid clock status, 4–6 reserved, 7 DST) do not change the reading.
 */
export function timeStatusFromByte(b: number): TimeStatus {
  if (b === 0xff) return { isFromGsme: false, clockStatus: 'INVALID' };
  const low = b & (INVALID | DOUBTFUL);
  return {
    isFromGsme: (b & FROM_GSME) !== 0,
    clockStatus: low === 0 ? 'RELIABLE' : low === DOUBTFUL ? 'UNRELIABLE' : 'INVALID',
  };
}

/** The byte for a time status: only bits 0–2, as RTDS shows (0x00, 0x04, 0x02, 0x06, 0x01, 0x05). */
export function timeStatusToByte(ts: TimeStatus): number {
  const low = ts.clockStatus === 'RELIABLE' ? 0 : ts.clockStatus === 'UNRELIABLE' ? DOUBTFUL : INVALID;
  return (ts.isFromGsme ? FROM_GSME : 0) | low;
}

/** The time status of a decoded date-time's clock status (null = unspecified, read as for 0xFF). */
export function timeStatusFromClockStatus(cs: ClockStatusBits | null): TimeStatus {
  return timeStatusFromByte(clockStatusToByte(cs));
}

/** The DLMS clock-status bits a GPF puts in a response date-time for this time status. */
export function clockStatusFromTimeStatus(ts: TimeStatus): ClockStatusBits {
  return clockStatusFromByte(timeStatusToByte(ts))!;
}
