/**
 * UTRN: the 20-digit top-up code a supplier issues for one meter (hanlab's reading of GBCS's
 * Prepayment Top-Up Token, docs/decisions.md "UTRN"). A 66-bit number written as 20 decimal
 * digits (2^66 < 10^20), from the most significant bit:
 *
 *   version 2 bits (1) | meter tag 8 bits | counter 16 bits | amount in pence 16 bits | MAC 24 bits
 *
 * The meter tag is the XOR of the meter's EUI-64 bytes (a quick "not for this meter" before the
 * MAC); the MAC is HMAC-SHA-256 under the meter's 16-byte top-up key of
 * EUI-64 (8 bytes) ‖ version ‖ tag ‖ counter (2, big-endian) ‖ amount (2, big-endian),
 * truncated to its first 3 bytes.
 *
 * Held as 9 bytes big-endian (72 bits, the top 6 always 0); decimal ↔ bytes digit by digit, so
 * nothing needs a float above 2^53 (nor Math.pow).
 */
import { fromHex } from './hex.ts';
import { hmacSha256 } from './sha256.ts';

export const UTRN_VERSION = 1;
export const UTRN_DIGITS = 20;
/** The largest amount a UTRN carries: 16 bits of pence (£655.35). */
export const UTRN_MAX_PENCE = 0xffff;
export const UTRN_MAX_COUNTER = 0xffff;

export interface UtrnFields {
  version: number;
  tag: number;
  counter: number;
  pence: number;
  /** 24 bits. */
  mac: number;
}

/** `text` as 20 digits, spaces and dashes ignored (people write UTRNs in groups); null if it is not. */
export function normaliseUtrn(text: string): string | null {
  let s = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x2d) continue;
    if (c < 0x30 || c > 0x39) return null;
    s += text.charAt(i);
  }
  return s.length === UTRN_DIGITS ? s : null;
}

/** 20 decimal digits → 9 bytes big-endian, or null when the number needs more than 66 bits. */
export function utrnDigitsToBytes(digits: string): Uint8Array | null {
  if (digits.length !== UTRN_DIGITS) return null;
  const b = new Uint8Array(9);
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    let carry = d;
    for (let j = 8; j >= 0; j--) {
      const v = b[j]! * 10 + carry;
      b[j] = v & 0xff;
      carry = v >> 8;
    }
    if (carry !== 0) return null;
  }
  return b[0]! > 3 ? null : b;
}

/** 9 bytes big-endian → 20 decimal digits (leading zeros kept). */
export function utrnBytesToDigits(bytes: Uint8Array): string {
  const b = new Uint8Array(bytes);
  let s = '';
  for (let n = 0; n < UTRN_DIGITS; n++) {
    let rem = 0;
    for (let j = 0; j < b.length; j++) {
      const v = rem * 256 + b[j]!;
      b[j] = (v / 10) | 0;
      rem = v % 10;
    }
    s = String.fromCharCode(0x30 + rem) + s;
  }
  return s;
}

export function utrnFieldsOf(bytes: Uint8Array): UtrnFields {
  return {
    version: bytes[0]! & 3,
    tag: bytes[1]!,
    counter: (bytes[2]! << 8) | bytes[3]!,
    pence: (bytes[4]! << 8) | bytes[5]!,
    mac: (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!,
  };
}

/** `n` bytes from exactly 2n hex digits; null for anything else. */
function hexBytes(text: string | undefined, n: number): Uint8Array | null {
  if (typeof text !== 'string' || text.length !== 2 * n) return null;
  try {
    const b = fromHex(text);
    return b.length === n ? b : null;
  } catch {
    return null;
  }
}

/** An EUI-64 as 8 bytes (hex text, as the devices carry it); null when it is not 16 hex digits. */
export function euiBytes(eui: string): Uint8Array | null {
  return hexBytes(eui, 8);
}

/** The meter tag of an EUI-64: XOR of its 8 bytes. */
export function meterTag(eui: Uint8Array): number {
  let t = 0;
  for (let i = 0; i < eui.length; i++) t ^= eui[i]!;
  return t;
}

/** The 24-bit MAC of the fields (the MAC field itself is not an input). */
export function utrnMac(key: Uint8Array, eui: Uint8Array, f: UtrnFields): number {
  const m = new Uint8Array(14);
  m.set(eui);
  m[8] = f.version;
  m[9] = f.tag;
  m[10] = f.counter >> 8;
  m[11] = f.counter & 0xff;
  m[12] = f.pence >> 8;
  m[13] = f.pence & 0xff;
  const h = hmacSha256(key, m);
  return (h[0]! << 16) | (h[1]! << 8) | h[2]!;
}

/** Issues a UTRN (the supplier's side; the simulator and tests use it). */
export function issueUtrn(key: Uint8Array, eui: Uint8Array, counter: number, pence: number): string {
  const f: UtrnFields = { version: UTRN_VERSION, tag: meterTag(eui), counter: counter & 0xffff, pence: pence & 0xffff, mac: 0 };
  f.mac = utrnMac(key, eui, f);
  const b = new Uint8Array([f.version, f.tag, f.counter >> 8, f.counter & 0xff, f.pence >> 8, f.pence & 0xff, f.mac >> 16, (f.mac >> 8) & 0xff, f.mac & 0xff]);
  return utrnBytesToDigits(b);
}

/** Why a meter refuses a UTRN. */
export type UtrnRefusal = 'invalid' | 'notThisMeter' | 'used' | 'tooOld';

/**
 * The used-UTRN window a meter keeps (JSON, persisted with its context): the highest counter
 * accepted (-1: none) and a bitmap of the 32 counters below it (bit i: counter highest − 1 − i
 * accepted). A counter below highest − 32 is too old.
 */
export interface UtrnWindow {
  highest: number;
  seen: number;
}

export const UTRN_WINDOW = 32;

export function emptyUtrnWindow(): UtrnWindow {
  return { highest: -1, seen: 0 };
}

/** Null when `counter` may be used, else why not. */
export function utrnCounterRefusal(w: UtrnWindow, counter: number): UtrnRefusal | null {
  if (counter > w.highest) return null;
  if (counter === w.highest) return 'used';
  const back = w.highest - 1 - counter;
  if (back >= UTRN_WINDOW) return 'tooOld';
  return ((w.seen >>> back) & 1) === 1 ? 'used' : null;
}

/** The window with `counter` marked used (call after utrnCounterRefusal said null). */
export function markUtrnCounter(w: UtrnWindow, counter: number): UtrnWindow {
  if (counter > w.highest) {
    if (w.highest < 0) return { highest: counter, seen: 0 };
    const shift = counter - w.highest;
    // The old highest becomes bit shift − 1; older ones move up with it.
    const seen = shift > UTRN_WINDOW ? 0 : shift === UTRN_WINDOW ? 1 << 31 : ((w.seen << shift) | (1 << (shift - 1))) >>> 0;
    return { highest: counter, seen: seen >>> 0 };
  }
  const back = w.highest - 1 - counter;
  return { highest: w.highest, seen: (w.seen | (1 << back)) >>> 0 };
}

/**
 * What a meter makes of a UTRN's 20 digits: its amount in pence and counter, or why it is refused.
 * `key` null (no top-up key configured): every UTRN is invalid.
 */
export function checkUtrn(
  digits: string,
  key: Uint8Array | null,
  eui: Uint8Array | null,
  w: UtrnWindow,
): { ok: true; counter: number; pence: number } | { ok: false; reason: UtrnRefusal } {
  const bytes = utrnDigitsToBytes(digits);
  if (bytes === null || key === null || eui === null) return { ok: false, reason: 'invalid' };
  const f = utrnFieldsOf(bytes);
  if (f.version !== UTRN_VERSION) return { ok: false, reason: 'invalid' };
  if (f.tag !== meterTag(eui)) return { ok: false, reason: 'notThisMeter' };
  if (utrnMac(key, eui, f) !== f.mac || f.pence === 0) return { ok: false, reason: 'invalid' };
  const refused = utrnCounterRefusal(w, f.counter);
  return refused === null ? { ok: true, counter: f.counter, pence: f.pence } : { ok: false, reason: refused };
}

/** A 32-hex-digit top-up key as 16 bytes; null when it is not one. */
export function topUpKeyBytes(hex: string | undefined): Uint8Array | null {
  return hexBytes(hex, 16);
}
