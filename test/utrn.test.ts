import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from '../firmware/codec/sha256.ts';
import {
  checkUtrn,
  emptyUtrnWindow,
  euiBytes,
  issueUtrn,
  markUtrnCounter,
  meterTag,
  normaliseUtrn,
  topUpKeyBytes,
  utrnBytesToDigits,
  utrnCounterRefusal,
  utrnDigitsToBytes,
  utrnFieldsOf,
} from '../firmware/codec/utrn.ts';
import type { UtrnWindow } from '../firmware/codec/utrn.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KEY = topUpKeyBytes('000102030405060708090a0b0c0d0e0f')!;
const EUI = euiBytes('00DB1234567890A3')!;

describe('SHA-256 and HMAC-SHA-256 (firmware) agree with node:crypto', () => {
  it('for every length 0..200 and keys of 0..100 bytes', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
      const key = Uint8Array.from({ length: n % 101 }, (_, i) => (i * 7 + 3) & 0xff);
      expect(hex(hmacSha256(key, data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
    }
  });
  it('the FIPS 180-4 "abc" vector', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('UTRN digits ↔ 66 bits', () => {
  it('round-trips and matches BigInt arithmetic (no float above 2^53)', () => {
    const values = [0n, 1n, 9n, 10n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 66n - 1n, 12345678901234567890n % 2n ** 66n];
    for (const v of values) {
      const digits = v.toString().padStart(20, '0');
      const b = utrnDigitsToBytes(digits)!;
      expect(BigInt('0x' + hex(b))).toBe(v);
      expect(utrnBytesToDigits(b)).toBe(digits);
    }
  });
  it('refuses 2^66 and above, and anything not 20 digits', () => {
    expect(utrnDigitsToBytes((2n ** 66n).toString().padStart(20, '0'))).toBeNull();
    expect(utrnDigitsToBytes('99999999999999999999')).toBeNull();
    expect(utrnDigitsToBytes('1234')).toBeNull();
    expect(utrnDigitsToBytes('1234567890123456789x')).toBeNull();
    expect(normaliseUtrn('1234-5678 9012-3456-7890')).toBe('12345678901234567890');
    expect(normaliseUtrn('1234')).toBeNull();
    expect(normaliseUtrn('1234567890123456789a')).toBeNull();
  });
});

describe('UTRN issue and check', () => {
  it('carries version, meter tag, counter and pence; the MAC is HMAC-SHA-256 truncated to 24 bits', () => {
    const u = issueUtrn(KEY, EUI, 7, 500);
    expect(u).toMatch(/^\d{20}$/);
    const f = utrnFieldsOf(utrnDigitsToBytes(u)!);
    expect(f).toMatchObject({ version: 1, tag: meterTag(EUI), counter: 7, pence: 500 });
    const m = Buffer.concat([Buffer.from(EUI), Buffer.from([1, f.tag, 0, 7, 500 >> 8, 500 & 0xff])]);
    expect(f.mac).toBe(createHmac('sha256', Buffer.from(KEY)).update(m).digest().readUIntBE(0, 3));
    expect(checkUtrn(u, KEY, EUI, emptyUtrnWindow())).toEqual({ ok: true, counter: 7, pence: 500 });
  });
  it('refuses a wrong MAC, another meter, a wrong key, no key, a zero amount', () => {
    const u = issueUtrn(KEY, EUI, 1, 500);
    const b = utrnDigitsToBytes(u)!;
    b[8] = b[8]! ^ 1;
    expect(checkUtrn(utrnBytesToDigits(b), KEY, EUI, emptyUtrnWindow())).toEqual({ ok: false, reason: 'invalid' });
    const other = euiBytes('00DB1234567890B7')!;
    expect(checkUtrn(issueUtrn(KEY, other, 1, 500), KEY, EUI, emptyUtrnWindow())).toEqual({ ok: false, reason: 'notThisMeter' });
    expect(checkUtrn(u, topUpKeyBytes('ff'.repeat(16)), EUI, emptyUtrnWindow())).toEqual({ ok: false, reason: 'invalid' });
    expect(checkUtrn(u, null, EUI, emptyUtrnWindow())).toEqual({ ok: false, reason: 'invalid' });
    expect(checkUtrn(issueUtrn(KEY, EUI, 2, 0), KEY, EUI, emptyUtrnWindow())).toEqual({ ok: false, reason: 'invalid' });
    expect(topUpKeyBytes('abc')).toBeNull();
    expect(topUpKeyBytes('zz'.repeat(16))).toBeNull();
  });
  it('the window: once each, out of order within 32, too old below', () => {
    let w: UtrnWindow = emptyUtrnWindow();
    const use = (c: number) => {
      const r = utrnCounterRefusal(w, c);
      if (r === null) w = markUtrnCounter(w, c);
      return r;
    };
    expect(use(5)).toBeNull();
    expect(use(5)).toBe('used');
    expect(use(3)).toBeNull();
    expect(use(3)).toBe('used');
    expect(use(40)).toBeNull();
    expect(use(5)).toBe('tooOld'); // 34 below the highest
    expect(use(8)).toBeNull(); // 31 below: the oldest slot of the window
    expect(use(8)).toBe('used');
    expect(use(7)).toBe('tooOld'); // 32 below
    expect(use(39)).toBeNull();
    expect(use(41)).toBeNull();
    expect(use(40)).toBe('used');
    expect(use(39)).toBe('used');
    expect(use(41 + 32)).toBeNull(); // 41 is now exactly 32 below: bit 31
    expect(use(41)).toBe('used');
    expect(use(40)).toBe('tooOld');
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });
});
