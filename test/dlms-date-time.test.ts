import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../firmware/codec/bytes.ts';
import { DecodeError, EncodeError } from '../firmware/codec/errors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import type { ClockStatusBits, DlmsDateTime } from '../firmware/dlms/date-time.ts';
import { dlmsDateTimeArb } from '../bench/fuzz/gbcs-arbitraries.ts';
import { decodeDlmsDateTime, dlmsDateTimeFromDate, dlmsDateTimeToIso, encodeDlmsDateTime } from '../firmware/dlms/date-time.ts';

function decodeHex(hex: string, base = 0): DlmsDateTime {
  return decodeDlmsDateTime(new ByteReader(fromHex(hex), base));
}

function encodeHex(dt: DlmsDateTime): string {
  const w = new ByteWriter();
  encodeDlmsDateTime(w, dt);
  return toHex(w.finish());
}

function decodeErrorOf(hex: string, base = 0): DecodeError {
  try {
    decodeHex(hex, base);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error(`${hex} decoded`);
}

const OK: ClockStatusBits = { invalidValue: false, doubtfulValue: false, differentClockBase: false, invalidClockStatus: false, daylightSavingActive: false, reserved: 0 };

describe('DLMS date-time: RTDS values', () => {
  it('07DF0101FF000000008000 00 is 2015-01-01T00:00:00Z with day of week and deviation unspecified', () => {
    const dt = decodeHex('07DF0101FF00000000800000');
    expect(dt).toEqual({ year: 2015, month: 1, dayOfMonth: 1, dayOfWeek: null, hour: 0, minute: 0, second: 0, hundredths: 0, deviation: null, clockStatus: OK });
    expect(dlmsDateTimeToIso(dt)).toBe('2015-01-01T00:00:00Z');
    expect(encodeHex(dt)).toBe('07DF0101FF00000000800000');
  });
  it('the UNRELIABLE vectors carry 09:00 and clock_status 0x02 (doubtful value)', () => {
    const dt = decodeHex('07DF0101FF09000000800002');
    expect(dlmsDateTimeToIso(dt)).toBe('2015-01-01T09:00:00Z');
    expect(dt.clockStatus).toEqual({ ...OK, doubtfulValue: true });
  });
});

describe('DLMS date-time: clock_status', () => {
  const cases: Array<[number, Partial<ClockStatusBits>]> = [
    [0x01, { invalidValue: true }],
    [0x02, { doubtfulValue: true }],
    [0x04, { differentClockBase: true }],
    [0x08, { invalidClockStatus: true }],
    [0x80, { daylightSavingActive: true }],
    [0x10, { reserved: 1 }],
    [0x70, { reserved: 7 }],
    [0xfe, { doubtfulValue: true, differentClockBase: true, invalidClockStatus: true, reserved: 7, daylightSavingActive: true }],
  ];
  for (const [byte, bits] of cases) {
    it(`0x${byte.toString(16).padStart(2, '0')} → ${JSON.stringify(bits)} and back`, () => {
      const hex = '07DF0101FF000000008000' + byte.toString(16).padStart(2, '0').toUpperCase();
      const dt = decodeHex(hex);
      expect(dt.clockStatus).toEqual({ ...OK, ...bits });
      expect(encodeHex(dt)).toBe(hex);
    });
  }
  it('0xFF is "not specified" → null', () => {
    expect(decodeHex('07DF0101FF000000008000FF').clockStatus).toBeNull();
  });
  it('bits 0 and 1 both set is refused on decode (offset of the clock_status byte) and on encode', () => {
    for (const b of ['03', '07', '83', '7B']) {
      const e = decodeErrorOf('07DF0101FF000000008000' + b, 40);
      expect(e.offset).toBe(51);
      expect(e.message).toMatch(/clock_status/);
      expect(e.found).toContain(`0x${b}`);
    }
    const dt = decodeHex('07DF0101FF00000000800000');
    expect(() => encodeHex({ ...dt, clockStatus: { ...OK, invalidValue: true, doubtfulValue: true } })).toThrow(EncodeError);
    expect(() => encodeHex({ ...dt, clockStatus: { ...OK, reserved: 8 } })).toThrow(EncodeError);
  });
});

describe('DLMS date-time: unspecified and special values', () => {
  it('every field unspecified decodes to nulls, names no instant, and re-encodes', () => {
    const hex = 'FFFFFFFFFFFFFFFFFF8000FF';
    const dt = decodeHex(hex);
    expect(Object.values(dt).every((v) => v === null)).toBe(true);
    expect(dlmsDateTimeToIso(dt)).toBeNull();
    expect(encodeHex(dt)).toBe(hex);
  });
  it.each([
    ['year', 'FFFF0101FF00000000800000', 'year'],
    ['month', '07DFFF01FF00000000800000', 'month'],
    ['day', '07DF01FFFF00000000800000', 'dayOfMonth'],
    ['day of week', '07DF010104000000008000FF', 'dayOfWeek'],
    ['hour', '07DF0101FFFF000000800000', 'hour'],
    ['minute', '07DF0101FF00FF0000800000', 'minute'],
    ['second', '07DF0101FF0000FF00800000', 'second'],
    ['hundredths', '07DF0101FF000000FF800000', 'hundredths'],
    ['deviation', '07DF0101FF00000000800000', 'deviation'],
  ] as const)('%s unspecified → null, round trip exact', (_name, hex, key) => {
    const dt = decodeHex(hex);
    if (key !== 'dayOfWeek') expect(dt[key]).toBeNull();
    expect(encodeHex(dt)).toBe(hex);
  });
  it('only the date part decides whether there is an instant; hundredths unspecified count as 0', () => {
    expect(dlmsDateTimeToIso(decodeHex('07DF0101FFFF000000800000'))).toBeNull();
    expect(dlmsDateTimeToIso(decodeHex('07DF0101FF000000FF800000'))).toBe('2015-01-01T00:00:00Z');
  });
  it('keeps DST months (0xFD end, 0xFE begin) and last / 2nd-last days as raw numbers', () => {
    for (const hex of ['FFFFFD0107010000008000FF', 'FFFFFEFE07010000008000FF', '07DF03FD07010000008000FF']) {
      const dt = decodeHex(hex);
      expect(encodeHex(dt)).toBe(hex);
      expect(dlmsDateTimeToIso(dt)).toBeNull();
    }
    expect(decodeHex('FFFFFD0107010000008000FF').month).toBe(0xfd);
    expect(decodeHex('FFFFFEFE07010000008000FF').dayOfMonth).toBe(0xfe);
  });
});

describe('DLMS date-time: invalid values name the field and its offset', () => {
  it.each([
    ['07DF0D01FF00000000800000', 2, /month/, '0x0D'],
    ['07DFFC01FF00000000800000', 2, /month/, '0xFC'],
    ['07DF0001FF00000000800000', 2, /month/, '0x00'],
    ['07DF0100FF00000000800000', 3, /day of month/, '0x00'],
    ['07DF0120FF00000000800000', 3, /day of month/, '0x20'],
    ['07DF01E0FF00000000800000', 3, /day of month/, '0xE0'],
    ['07DF010100000000008000FF', 4, /day of week/, '0x00'],
    ['07DF010108000000008000FF', 4, /day of week/, '0x08'],
    ['07DF0101FF180000008000FF', 5, /hour/, '0x18'],
    ['07DF0101FFFE0000008000FF', 5, /hour/, '0xFE'],
    ['07DF0101FF003C00008000FF', 6, /minute/, '0x3C'],
    ['07DF0101FF00003C008000FF', 7, /second/, '0x3C'],
    ['07DF0101FF00000064800000', 8, /hundredths/, '0x64'],
    ['07DF0101FF000000FF02D100', 9, /deviation/, '721'],
    ['07DF0101FF000000FF7FFF00', 9, /deviation/, '32767'],
    ['07DF021DFF00000000800000', 3, /day of month 1\.\.28 \(month 2 of 2015\)/, '29'],
    ['07DF041FFF00000000800000', 3, /day of month 1\.\.30/, '31'],
  ])('%s → DecodeError at byte %i', (hex, offset, expected, found) => {
    const e = decodeErrorOf(hex, 1000);
    expect(e.offset).toBe(1000 + offset);
    expect(e.expected).toMatch(expected);
    expect(e.found).toContain(found);
  });
  it('accepts 29 February in a leap year and in an unspecified year, deviation ±720', () => {
    expect(dlmsDateTimeToIso(decodeHex('07E0021DFF00000000800000'))).toBe('2016-02-29T00:00:00Z');
    expect(decodeHex('FFFF021DFF000000008000FF').dayOfMonth).toBe(29);
    expect(decodeHex('07DF0101FF00000000FD30FF').deviation).toBe(-720);
    expect(decodeHex('07DF0101FF0000000002D0FF').deviation).toBe(720);
  });
  it('a short buffer is a DecodeError at its start', () => {
    const e = decodeErrorOf('07DF0101', 7);
    expect(e.offset).toBe(7);
    expect(e.expected).toMatch(/12-octet DLMS date-time/);
  });
  it('encode refuses what decode would not give back', () => {
    const dt = decodeHex('07DF0101FF00000000800000');
    for (const bad of [{ year: 0xffff }, { year: -1 }, { month: 0xff }, { month: 13 }, { dayOfMonth: 0 }, { dayOfWeek: 0 }, { hour: 24 }, { minute: 1.5 }, { hundredths: 100 }, { deviation: 721 }, { deviation: -0x8000 }, { month: 2, dayOfMonth: 30 }]) {
      expect(() => encodeHex({ ...dt, ...bad }), JSON.stringify(bad)).toThrow(EncodeError);
    }
  });
});

describe('DLMS date-time ↔ ISO and Date', () => {
  it('applies the deviation as UTC = local + deviation (minutes from local time to UTC)', () => {
    // 01:00 local in Paris winter (UTC+1, DLMS deviation −60) is 00:00 UTC.
    expect(dlmsDateTimeToIso(decodeHex('07DF0101FF01000000FFC400'))).toBe('2015-01-01T00:00:00Z');
    // 19:00 on 31 Dec in New York (UTC−5, deviation +300) is midnight UTC.
    expect(dlmsDateTimeToIso(decodeHex('07DE0C1FFF13000000012C00'))).toBe('2015-01-01T00:00:00Z');
  });
  it('writes hundredths when non-zero', () => {
    expect(dlmsDateTimeToIso(decodeHex('07DF0101FF0A0B0C05800000'))).toBe('2015-01-01T10:11:12.05Z');
  });
  it('fromDate: UTC fields, GBCS defaults (day of week and deviation unspecified, hundredths 0, status 0x00)', () => {
    const dt = dlmsDateTimeFromDate(new Date('2015-01-01T00:00:00.123Z'));
    expect(encodeHex(dt)).toBe('07DF0101FF00000000800000');
    const full = dlmsDateTimeFromDate(new Date('2015-01-01T00:00:00.123Z'), { dayOfWeek: true, hundredths: true, clockStatus: null });
    expect(encodeHex(full)).toBe('07DF0101040000000C8000FF'); // Thursday
    const paris = dlmsDateTimeFromDate(new Date('2015-07-01T22:30:00Z'), { deviation: -120 });
    expect([paris.dayOfMonth, paris.hour, paris.minute, paris.deviation]).toEqual([2, 0, 30, -120]);
    expect(dlmsDateTimeToIso(paris)).toBe('2015-07-01T22:30:00Z');
    expect(() => dlmsDateTimeFromDate(new Date(Number.NaN))).toThrow(EncodeError);
    expect(() => dlmsDateTimeFromDate(new Date(0), { deviation: 900 })).toThrow(EncodeError);
  });
  it('property: fromDate → toIso gives the instant back, whatever the deviation', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), fc.option(fc.integer({ min: -720, max: 720 })), (ms, deviation) => {
        const d = new Date(ms);
        const dt = dlmsDateTimeFromDate(d, { deviation, hundredths: true });
        const iso = dlmsDateTimeToIso(dt)!;
        expect(Date.parse(iso)).toBe(Math.floor(ms / 10) * 10);
      }),
    );
  });
});

describe('DLMS date-time properties', () => {
  it('encode → decode is the identity', () => {
    fc.assert(
      fc.property(dlmsDateTimeArb, (dt) => {
        const w = new ByteWriter();
        encodeDlmsDateTime(w, dt);
        const bytes = w.finish();
        expect(bytes.length).toBe(12);
        expect(decodeDlmsDateTime(new ByteReader(bytes))).toEqual(dt);
      }),
      { numRuns: 2000 },
    );
  });
  it('any 12 bytes either decode and re-encode identically, or throw a DecodeError inside them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.nat(1000), (bytes, base) => {
        let dt: DlmsDateTime;
        try {
          dt = decodeDlmsDateTime(new ByteReader(bytes, base));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          const off = (e as DecodeError).offset;
          expect(Number.isInteger(off) && off >= base && off < base + 12).toBe(true);
          return;
        }
        const w = new ByteWriter();
        encodeDlmsDateTime(w, dt);
        expect(toHex(w.finish())).toBe(toHex(bytes));
      }),
      { numRuns: 5000 },
    );
  });
});
