import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../firmware/codec/bytes.ts';
import { DecodeError } from '../firmware/codec/errors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';

describe('hex', () => {
  it('round-trips and ignores white space', () => {
    expect(toHex(fromHex('dd 00\n0a'))).toBe('DD000A');
  });
  it('names the bad character and the odd length', () => {
    expect(() => fromHex('0g')).toThrow(/expected a hex digit, found "g"/);
    expect(() => fromHex('abc')).toThrow(DecodeError);
  });
});

describe('ByteReader / ByteWriter', () => {
  it('reads what the writer wrote, in both byte orders', () => {
    const w = new ByteWriter().u8(1).u16be(0x0102).u16le(0x0304).uintLE(0x010203040506, 6).intLE(-2, 4).u64be(0x3e9n).i16be(-32768);
    const r = new ByteReader(w.finish());
    expect([r.u8(), r.u16be(), r.u16le(), r.uintLE(6), r.intLE(4), r.u64be(), r.i16be()]).toEqual([1, 0x0102, 0x0304, 0x010203040506, -2, 0x3e9n, -32768]);
    expect(r.done).toBe(true);
  });
  it('reports the absolute offset of a short read', () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]), 100).sub(2, 'two bytes');
    r.u8();
    const err = (() => { try { r.u16be('a length'); } catch (e) { return e as DecodeError; } })();
    expect(err).toBeInstanceOf(DecodeError);
    expect(err?.offset).toBe(101);
    expect(err?.message).toBe('at byte 101: expected a length (2 bytes), found only 1 byte left');
  });
});
