import type { ByteReader, ByteWriter } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2 } from '../codec/hex.ts';

/**
 * A BER (definite) length as DLMS/GBCS use it: < 0x80 in one octet, else 0x81 + 1 octet or
 * 0x82 + 2 octets (big-endian). GBCS messages never need more than 0x82 (65,535 bytes), so longer
 * and indefinite (0x80) forms are refused.
 *
 * `BerForm` is the number of octets after the prefix: 0 = short form, 1 = 0x81 xx, 2 = 0x82 xxxx.
 * A decoder records it so a non-minimal length (0x81 05) is reproduced exactly.
 */
export type BerForm = 0 | 1 | 2;

export interface BerLength {
  value: number;
  form: BerForm;
}

export const BER_MAX = 0xffff;

export function minimalBerForm(value: number): BerForm {
  return value < 0x80 ? 0 : value <= 0xff ? 1 : 2;
}

/** Octets a length takes in this form (prefix included). */
export function berSize(value: number, form: BerForm = minimalBerForm(value)): number {
  return 1 + form;
}

export function readBerLength(r: ByteReader, what: string): BerLength {
  const at = r.offset;
  const first = r.u8(`${what} (BER length)`);
  if (first < 0x80) return { value: first, form: 0 };
  if (first === 0x81) return { value: r.u8(`${what} (BER length after 0x81)`), form: 1 };
  if (first === 0x82) return { value: r.u16be(`${what} (BER length after 0x82)`), form: 2 };
  throw new DecodeError(at, `${what} as a BER length (0x00..0x7F, 0x81 xx or 0x82 xxxx)`, hex2(first));
}

export function writeBerLength(w: ByteWriter, value: number, form: BerForm = minimalBerForm(value), what = 'length'): void {
  if (!Number.isInteger(value) || value < 0 || value > BER_MAX) throw new EncodeError(`${what} ${value} does not fit a BER length (0..65535)`);
  if (form === 0) {
    if (value >= 0x80) throw new EncodeError(`${what} ${value} does not fit the short BER form`);
    w.u8(value);
  } else if (form === 1) {
    if (value > 0xff) throw new EncodeError(`${what} ${value} does not fit the 0x81 BER form`);
    w.u8(0x81).u8(value);
  } else {
    w.u8(0x82).u16be(value);
  }
}
