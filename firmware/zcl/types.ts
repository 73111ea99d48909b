import type { ByteReader, ByteWriter } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2 } from '../codec/hex.ts';

/** The ZCL data types the GB HAN clusters use (spec section 4); ids as on the wire. */
export const ZclDataType = {
  bitmap8: 0x18,
  bitmap16: 0x19,
  uint8: 0x20,
  uint16: 0x21,
  uint24: 0x22,
  uint32: 0x23,
  uint48: 0x25,
  int32: 0x2b,
  enum8: 0x30,
  octetString: 0x41,
  charString: 0x42,
  utcTime: 0xe2,
} as const;

export type ZclDataTypeId = (typeof ZclDataType)[keyof typeof ZclDataType];

/**
 * Integers, bitmaps, enums and UTCTime are numbers (uint48 fits a double exactly), an octet
 * string is a Uint8Array, a character string a string.
 */
export type ZclValue = number | string | Uint8Array;

const NAMES = new Map<number, string>(Object.entries(ZclDataType).map(([name, id]) => [id, name]));

/** Fixed-size unsigned types and their width in bytes. */
const UNSIGNED_WIDTH = new Map<number, number>([
  [ZclDataType.bitmap8, 1],
  [ZclDataType.bitmap16, 2],
  [ZclDataType.uint8, 1],
  [ZclDataType.uint16, 2],
  [ZclDataType.uint24, 3],
  [ZclDataType.uint32, 4],
  [ZclDataType.uint48, 6],
  [ZclDataType.enum8, 1],
  [ZclDataType.utcTime, 4],
]);

/**
 * A string length byte of 0xFF means "invalid value" in ZCL, so the longest string that can be
 * sent is 254 bytes.
 */
const INVALID_STRING_LENGTH = 0xff;
export const MAX_ZCL_STRING_LENGTH = 0xfe;

export function dataTypeName(id: number): string {
  return NAMES.get(id) ?? `unknown(${hex2(id)})`;
}

export function isKnownDataType(id: number): id is ZclDataTypeId {
  return NAMES.has(id);
}

export function encodeZclValue(w: ByteWriter, type: ZclDataTypeId, value: ZclValue): void {
  const name = dataTypeName(type);
  const width = UNSIGNED_WIDTH.get(type);
  if (width !== undefined) {
    w.uintLE(checkInteger(value, name, 0, 2 ** (8 * width) - 1), width);
  } else if (type === ZclDataType.int32) {
    w.intLE(checkInteger(value, name, -0x8000_0000, 0x7fff_ffff), 4);
  } else if (type === ZclDataType.octetString) {
    if (!(value instanceof Uint8Array)) throw new EncodeError(`${name} value must be a Uint8Array, got ${describe(value)}`);
    w.u8(checkLength(value.length, name)).bytes(value);
  } else if (type === ZclDataType.charString) {
    if (typeof value !== 'string') throw new EncodeError(`${name} value must be a string, got ${describe(value)}`);
    w.u8(checkLength(value.length, name)).bytes(latin1Bytes(value));
  } else {
    throw new EncodeError(`cannot encode ZCL data type ${name}`);
  }
}

/**
 * Reads one value of `type`. A string whose length byte is 0xFF (ZCL's "invalid") decodes as
 * empty, since the value model has no "invalid string"; it re-encodes with length 0.
 */
export function decodeZclValue(r: ByteReader, type: number): ZclValue {
  const name = dataTypeName(type);
  const width = UNSIGNED_WIDTH.get(type);
  const what = `${article(name)} ${name} value`;
  if (width !== undefined) return r.uintLE(width, what);
  if (type === ZclDataType.int32) return r.intLE(4, what);
  if (type === ZclDataType.octetString || type === ZclDataType.charString) {
    const length = r.u8(`the length of ${what}`);
    if (length === INVALID_STRING_LENGTH) return type === ZclDataType.octetString ? new Uint8Array(0) : '';
    // A copy: callers keep values (a mirror, a screen) beyond the life of the receive buffer.
    const bytes = r.take(length, what).slice();
    return type === ZclDataType.octetString ? bytes : String.fromCharCode(...bytes);
  }
  throw new DecodeError(r.offset, 'a value of a known ZCL data type', `data type ${name}`);
}

function checkInteger(value: ZclValue, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw new EncodeError(`${name} value must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError(`${name} value out of range ${min}..${max}: ${value}`);
  }
  return value;
}

function checkLength(length: number, name: string): number {
  if (length > MAX_ZCL_STRING_LENGTH) throw new EncodeError(`${name} too long: ${length} bytes (at most ${MAX_ZCL_STRING_LENGTH})`);
  return length;
}

/** Character strings travel as one byte per character; only Latin-1 fits. */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new EncodeError(`charString character ${JSON.stringify(s[i])} at index ${i} is not Latin-1`);
    out[i] = c;
  }
  return out;
}

/** For messages a person reads: "an int32 value", "a uint48 value". */
function article(name: string): string {
  return /^(int|octet|enum)/.test(name) ? 'an' : 'a';
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value;
}
