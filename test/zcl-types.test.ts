import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../firmware/codec/bytes.ts';
import { DecodeError, EncodeError } from '../firmware/codec/errors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import {
  dataTypeName,
  dateToUtcTime,
  decodeZclValue,
  encodeZclValue,
  isKnownDataType,
  statusName,
  UTC_TIME_INVALID,
  utcTimeFromUnixMs,
  utcTimeToDate,
  utcTimeToUnixMs,
  ZclDataType as T,
  ZclStatus,
} from '../firmware/zcl/index.ts';
import type { ZclDataTypeId, ZclValue } from '../firmware/zcl/index.ts';

const encode = (type: ZclDataTypeId, value: ZclValue) => {
  const w = new ByteWriter();
  encodeZclValue(w, type, value);
  return toHex(w.finish());
};

const decode = (type: number, hex: string) => {
  const r = new ByteReader(fromHex(hex));
  const v = decodeZclValue(r, type);
  r.end('the value');
  return v;
};

/** [type, value, little-endian wire bytes]: the boundaries of every type in the table. */
const cases: [ZclDataTypeId, ZclValue, string][] = [
  [T.bitmap8, 0x50, '50'],
  [T.bitmap8, 0xff, 'FF'],
  [T.bitmap16, 0x8001, '0180'],
  [T.uint8, 0, '00'],
  [T.uint8, 255, 'FF'],
  [T.uint16, 826, '3A03'],
  [T.uint24, 0xffffff, 'FFFFFF'],
  [T.uint24, 0x010203, '030201'],
  [T.uint32, 3_500_000, 'E0673500'],
  [T.uint32, 0xffffffff, 'FFFFFFFF'],
  [T.uint48, 2 ** 48 - 1, 'FFFFFFFFFFFF'],
  [T.uint48, 0x0102030405, '050403020100'],
  [T.int32, -0x80000000, '00000080'],
  [T.int32, 0x7fffffff, 'FFFFFF7F'],
  [T.int32, -1, 'FFFFFFFF'],
  [T.int32, 2_500_000, 'A0252600'],
  [T.enum8, 2, '02'],
  [T.octetString, fromHex('0102FF'), '030102FF'],
  [T.octetString, new Uint8Array(0), '00'],
  [T.charString, 'GB é', '04474220E9'],
  [T.charString, '', '00'],
  [T.utcTime, 0, '00000000'],
  [T.utcTime, UTC_TIME_INVALID, 'FFFFFFFF'],
];

describe('ZCL data types', () => {
  it.each(cases)('type 0x%s: %s ↔ %s', (type, value, hex) => {
    expect(encode(type, value)).toBe(hex);
    expect(decode(type, hex)).toStrictEqual(value);
  });

  it('covers every type in the table', () => {
    expect(new Set(cases.map(([t]) => t))).toEqual(new Set(Object.values(T)));
  });

  it('names types and knows which it supports', () => {
    expect(dataTypeName(0x25)).toBe('uint48');
    expect(dataTypeName(0xe2)).toBe('utcTime');
    expect(dataTypeName(0x99)).toBe('unknown(0x99)');
    expect(isKnownDataType(0x2b)).toBe(true);
    expect(isKnownDataType(0x28)).toBe(false);
  });

  it('decodes a 0xFF string length (ZCL "invalid") as empty, consuming only the length', () => {
    const r = new ByteReader(fromHex('FF 41 FF'));
    expect(decodeZclValue(r, T.charString)).toBe('');
    expect(r.u8()).toBe(0x41);
    expect(decodeZclValue(r, T.octetString)).toStrictEqual(new Uint8Array(0));
  });

  it('copies octet strings out of the receive buffer', () => {
    const bytes = fromHex('02 AA BB');
    const value = decodeZclValue(new ByteReader(bytes), T.octetString) as Uint8Array;
    bytes[1] = 0;
    expect(toHex(value)).toBe('AABB');
  });

  it.each([
    [T.uint48, 2 ** 48, /uint48 value out of range/],
    [T.uint8, -1, /uint8 value out of range/],
    [T.bitmap16, 0x10000, /bitmap16 value out of range/],
    [T.int32, 0x80000000, /int32 value out of range/],
    [T.int32, -0x80000001, /int32 value out of range/],
    [T.uint32, 1.5, /uint32 value out of range/],
    [T.utcTime, 2 ** 32, /utcTime value out of range/],
    [T.uint16, '1', 'uint16 value must be a number, got string'],
    [T.octetString, 'ab', 'octetString value must be a Uint8Array, got string'],
    [T.octetString, new Uint8Array(255), 'octetString too long: 255 bytes (at most 254)'],
    [T.charString, 'x'.repeat(255), /charString too long/],
    [T.charString, 'Œ', /not Latin-1/],
  ] as [ZclDataTypeId, ZclValue, RegExp | string][])('refuses to encode %s %s', (type, value, message) => {
    expect(() => encode(type, value)).toThrow(EncodeError);
    expect(() => encode(type, value)).toThrow(message);
  });

  it('names the type and offset of a truncated or unknown value', () => {
    const r = new ByteReader(fromHex('01 02 03'), 20);
    expect(() => decodeZclValue(r, T.uint32)).toThrow(new DecodeError(20, 'a uint32 value (4 bytes)', 'only 3 bytes left'));
    expect(() => decodeZclValue(new ByteReader(fromHex('00'), 5), 0x99)).toThrow(new DecodeError(5, 'a value of a known ZCL data type', 'data type unknown(0x99)'));
    expect(() => decodeZclValue(new ByteReader(new Uint8Array(0), 9), T.charString)).toThrow('at byte 9: expected the length of a charString value (1 byte), found end of data');
  });
});

describe('UTCTime', () => {
  it('starts at 2000-01-01T00:00:00Z and has 0xFFFFFFFF as invalid', () => {
    expect(utcTimeToDate(0)?.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(utcTimeToDate(UTC_TIME_INVALID)).toBeNull();
    expect(utcTimeToUnixMs(UTC_TIME_INVALID)).toBeNull();
    expect(utcTimeToDate(0xfffffffe)?.toISOString()).toBe('2136-02-07T06:28:14.000Z');
  });

  it('converts device milliseconds, rounding down to whole seconds', () => {
    const ms = Date.UTC(2024, 2, 1, 12, 30, 15, 999);
    const v = utcTimeFromUnixMs(ms);
    expect(v).toBe(Date.UTC(2024, 2, 1, 12, 30, 15) / 1000 - 946684800);
    expect(utcTimeToUnixMs(v!)).toBe(ms - 999);
    expect(dateToUtcTime(new Date(ms))).toBe(v);
  });

  it('has no UTCTime for an unset clock, the far future or a non-value', () => {
    expect(utcTimeFromUnixMs(0)).toBeNull();
    expect(utcTimeFromUnixMs(946684799_999)).toBeNull();
    expect(utcTimeFromUnixMs(946684800_000)).toBe(0);
    expect(utcTimeFromUnixMs((0xffffffff + 946684800) * 1000)).toBeNull();
    expect(utcTimeFromUnixMs(Number.NaN)).toBeNull();
    expect(utcTimeToUnixMs(-1)).toBeNull();
    expect(utcTimeToUnixMs(1.5)).toBeNull();
    expect(() => dateToUtcTime(new Date('1999-12-31T23:59:59Z'))).toThrow(EncodeError);
    expect(() => dateToUtcTime(new Date(Number.NaN))).toThrow(/invalid Date/);
  });
});

describe('ZCL status', () => {
  it('names known and unknown codes', () => {
    expect(statusName(ZclStatus.UNSUPPORTED_ATTRIBUTE)).toBe('UNSUPPORTED_ATTRIBUTE');
    expect(statusName(0x86)).toBe('UNSUPPORTED_ATTRIBUTE');
    expect(statusName(0xc1)).toBe('SOFTWARE_FAILURE');
    expect(statusName(0x42)).toBe('UNKNOWN(0x42)');
  });
});
