/**
 * The clock_status octet closing a DLMS COSEM date-time (Blue Book 4.1.6.1; SECMP0015 section 4).
 *
 *   bit0 invalid value · bit1 doubtful value · bit2 different clock base · bit3 invalid clock
 *   status · bits 4–6 reserved · bit7 daylight saving active
 *
 * 0xFF is the "not specified" marker (a DecodedDlmsDateTime carries `null` then). Bits 0 and 1 are
 * never both set: a value cannot be invalid and merely doubtful at once, so such a byte (other than
 * 0xFF) is malformed and both directions refuse it.
 */
export interface ClockStatusBits {
  invalidValue: boolean;
  doubtfulValue: boolean;
  differentClockBase: boolean;
  invalidClockStatus: boolean;
  daylightSavingActive: boolean;
  /** Bits 4–6 as the value 0..7, kept so decode → encode reproduces the byte exactly. */
  reserved: number;
}

export const CLOCK_STATUS_UNSPECIFIED = 0xff;

/** Why a clock_status byte is not acceptable, or null. 0xFF is acceptable (→ unspecified). */
export function clockStatusByteProblem(b: number): string | null {
  if (b === CLOCK_STATUS_UNSPECIFIED) return null;
  return (b & 0x03) === 0x03 ? 'bits 0 (invalid value) and 1 (doubtful value) both set' : null;
}

/** Splits a clock_status byte; the caller has checked it with clockStatusByteProblem. */
export function clockStatusFromByte(b: number): ClockStatusBits | null {
  if (b === CLOCK_STATUS_UNSPECIFIED) return null;
  return {
    invalidValue: (b & 0x01) !== 0,
    doubtfulValue: (b & 0x02) !== 0,
    differentClockBase: (b & 0x04) !== 0,
    invalidClockStatus: (b & 0x08) !== 0,
    daylightSavingActive: (b & 0x80) !== 0,
    reserved: (b >> 4) & 0x07,
  };
}

/** Why these bits cannot be encoded, or null. */
export function clockStatusBitsProblem(cs: ClockStatusBits): string | null {
  if (!Number.isInteger(cs.reserved) || cs.reserved < 0 || cs.reserved > 7) return `reserved bits 4-6 as 0..7, got ${cs.reserved}`;
  if (cs.invalidValue && cs.doubtfulValue) return 'invalidValue and doubtfulValue both set (DLMS forbids bits 0 and 1 together)';
  return null;
}

/** The byte for these bits; call clockStatusBitsProblem first (null → 0xFF, unspecified). */
export function clockStatusToByte(cs: ClockStatusBits | null): number {
  if (cs === null) return CLOCK_STATUS_UNSPECIFIED;
  return (
    (cs.invalidValue ? 0x01 : 0) |
    (cs.doubtfulValue ? 0x02 : 0) |
    (cs.differentClockBase ? 0x04 : 0) |
    (cs.invalidClockStatus ? 0x08 : 0) |
    ((cs.reserved & 0x07) << 4) |
    (cs.daylightSavingActive ? 0x80 : 0)
  );
}

/** A clock status with no bit set (0x00): a valid value from the normal clock base. */
export function clockStatusOk(): ClockStatusBits {
  return { invalidValue: false, doubtfulValue: false, differentClockBase: false, invalidClockStatus: false, daylightSavingActive: false, reserved: 0 };
}
