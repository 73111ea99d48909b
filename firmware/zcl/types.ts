import { copyBytes, isInt, readIntLE, readTake, readU8, readUintLE, readerOffset, uintLimit, writeBytes, writeIntLE, writeU8, writeUintLE } from '../codec/bytes.ts';
import type { Reader, Writer } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2 } from '../codec/hex.ts';

/** The non-unsigned types the codec tests for, as plain constants: a bundle then needs no ZclDataType. */
const INT32 = 0x2b;
const OCTET_STRING = 0x41;
const CHAR_STRING = 0x42;

/** The ZCL data types the GB HAN clusters use (spec section 4); ids as on the wire. */
export const ZclDataType = {
  bitmap8: 0x18,
  bitmap16: 0x19,
  uint8: 0x20,
  uint16: 0x21,
  uint24: 0x22,
  uint32: 0x23,
  uint48: 0x25,
  int32: INT32,
  enum8: 0x30,
  octetString: OCTET_STRING,
  charString: CHAR_STRING,
  utcTime: 0xe2,
} as const;

export type ZclDataTypeId = (typeof ZclDataType)[keyof typeof ZclDataType];

/**
 * Integers, bitmaps, enums and UTCTime are numbers (uint48 fits a double exactly), an octet
 * string is a Uint8Array, a character string a string.
 */
export type ZclValue = number | string | Uint8Array;

/**
 * Each type's name and, for the fixed-size unsigned ones (integers, bitmaps, enums, UTCTime),
 * its width in bytes; 0 for the others. Keyed by the ids of ZclDataType above.
 */
const TYPES: { readonly [id: number]: readonly [name: string, unsignedWidth: number] } = {
  0x18: ['bitmap8', 1],
  0x19: ['bitmap16', 2],
  0x20: ['uint8', 1],
  0x21: ['uint16', 2],
  0x22: ['uint24', 3],
  0x23: ['uint32', 4],
  0x25: ['uint48', 6],
  0x2b: ['int32', 0],
  0x30: ['enum8', 1],
  0x41: ['octetString', 0],
  0x42: ['charString', 0],
  0xe2: ['utcTime', 4],
};

/**
 * A string length byte of 0xFF means "invalid value" in ZCL, so the longest string that can be
 * sent is 254 bytes.
 */
const INVALID_STRING_LENGTH = 0xff;
export const MAX_ZCL_STRING_LENGTH = 0xfe;

export function dataTypeName(id: number): string {
  return isKnownDataType(id) ? TYPES[id]![0] : 'unknown(' + hex2(id) + ')';
}

export function isKnownDataType(id: number): id is ZclDataTypeId {
  // A number key never names an Object.prototype property, so a lookup is an own-property test.
  return TYPES[id] !== undefined;
}

/** The width of a fixed-size unsigned type in bytes, 0 for any other type. */
function unsignedWidth(id: number): number {
  const t = TYPES[id];
  return t ? t[1] : 0;
}

export function encodeZclValue(w: Writer, type: ZclDataTypeId, value: ZclValue): void {
  const name = dataTypeName(type);
  const width = unsignedWidth(type);
  if (width) {
    writeUintLE(w, checkInteger(value, name, 0, uintLimit(width) - 1), width);
  } else if (type === INT32) {
    writeIntLE(w, checkInteger(value, name, -0x8000_0000, 0x7fff_ffff), 4);
  } else if (type === OCTET_STRING) {
    if (!(value instanceof Uint8Array)) throw new EncodeError(`${name} value must be a Uint8Array, got ${describe(value)}`);
    writeU8(w, checkLength(value.length, name));
    writeBytes(w, value);
  } else if (type === CHAR_STRING) {
    if (typeof value !== 'string') throw new EncodeError(`${name} value must be a string, got ${describe(value)}`);
    writeU8(w, checkLength(value.length, name));
    writeBytes(w, latin1Bytes(value));
  } else {
    throw new EncodeError(`cannot encode ZCL data type ${name}`);
  }
}

/**
 * Reads one value of `type`. A string whose length byte is 0xFF (ZCL's "invalid") decodes as
 * empty, since the value model has no "invalid string"; it re-encodes with length 0.
 */
export function decodeZclValue(r: Reader, type: number): ZclValue {
  const name = dataTypeName(type);
  const width = unsignedWidth(type);
  const what = article(name) + ' ' + name + ' value';
  if (width) return readUintLE(r, width, what);
  if (type === INT32) return readIntLE(r, 4, what);
  if (type === OCTET_STRING || type === CHAR_STRING) {
    const length = readU8(r, 'the length of ' + what);
    if (length === INVALID_STRING_LENGTH) return type === OCTET_STRING ? new Uint8Array(0) : '';
    const bytes = readTake(r, length, what);
    // A copy: callers keep values (a mirror, a screen) beyond the life of the receive buffer.
    if (type === OCTET_STRING) return copyBytes(bytes);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  throw new DecodeError(readerOffset(r), 'a value of a known ZCL data type', 'data type ' + name);
}

function checkInteger(value: ZclValue, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw new EncodeError(`${name} value must be a number, got ${describe(value)}`);
  if (!isInt(value) || value < min || value > max) {
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
  return 'ioe'.indexOf(name.charAt(0)) < 0 ? 'a' : 'an';
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value;
}
