import { DecodeError, EncodeError } from './errors.ts';
import { hex2 } from './hex.ts';

/**
 * Byte cursors as plain data with plain functions, so a bundle carries only the functions it
 * calls (a class ships every method). The ZCL codec, which the boards carry, uses these; GBCS and
 * DLMS (Node) use the ByteReader / ByteWriter classes below, whose methods are the same functions.
 *
 * A Reader checks every read's bounds and throws a DecodeError naming the absolute offset, so
 * nested decoders (GBCS → GBZ → ZCL) report positions in the outer message: `base` is the offset
 * of `bytes[0]` within that outer message, `pos` the next byte's index in `bytes`.
 */
export interface Reader {
  readonly bytes: Uint8Array;
  readonly base: number;
  pos: number;
}

/** A growable output buffer: `buf[0..len)` is what has been written. */
export interface Writer {
  buf: Uint8Array;
  len: number;
}

/** `typeof v === 'number' && Number.isInteger(v)`, without the ES2015 built-in. */
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && v % 1 === 0;
}

/**
 * 2^(8n), one more than the largest n-byte unsigned integer, by multiplication: exact in doubles
 * everywhere, where Espruino's Math.pow(2, 32) is 4294967295.99999666.
 */
export function uintLimit(n: number): number {
  let limit = 1;
  for (let i = 0; i < n; i++) limit *= 256;
  return limit;
}

/** `v` when it is an integer in 0..max, else an EncodeError naming `what` and the range. */
export function checkRange(v: number, max: number, what: string): number {
  if (!isInt(v) || v < 0 || v > max) throw new EncodeError(what + ' out of range 0..' + max + ': ' + v);
  return v;
}

export function newReader(bytes: Uint8Array, base = 0): Reader {
  return { bytes, base, pos: 0 };
}

/** Absolute offset of the next byte. */
export function readerOffset(r: Reader): number {
  return r.base + r.pos;
}

export function readerDone(r: Reader): boolean {
  return r.pos >= r.bytes.length;
}

function plural(n: number): string {
  return n + (n === 1 ? ' byte' : ' bytes');
}

function need(r: Reader, n: number, what: string): void {
  const left = r.bytes.length - r.pos;
  if (n > left) throw new DecodeError(readerOffset(r), what + ' (' + plural(n) + ')', left ? 'only ' + plural(left) + ' left' : 'end of data');
}

export function readU8(r: Reader, what: string): number {
  need(r, 1, what);
  return r.bytes[r.pos++]!;
}

/** Unsigned little-endian integer of 1..6 bytes (ZCL uint8..uint48), exact as a number. */
export function readUintLE(r: Reader, n: number, what: string): number {
  need(r, n, what);
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + r.bytes[r.pos + i]!;
  r.pos += n;
  return v;
}

/** Signed little-endian two's-complement integer of 1..6 bytes. */
export function readIntLE(r: Reader, n: number, what: string): number {
  const u = readUintLE(r, n, what);
  const top = uintLimit(n);
  return u >= top / 2 ? u - top : u;
}

/** Unsigned big-endian integer of 1..6 bytes. */
export function readUintBE(r: Reader, n: number, what: string): number {
  need(r, n, what);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + r.bytes[r.pos + i]!;
  r.pos += n;
  return v;
}

/** A view (not a copy) of the next n bytes. */
export function readTake(r: Reader, n: number, what: string): Uint8Array {
  need(r, n, what);
  r.pos += n;
  return r.bytes.subarray(r.pos - n, r.pos);
}

/** A view of the bytes left. */
export function readRest(r: Reader): Uint8Array {
  return readTake(r, r.bytes.length - r.pos, 'the rest');
}

/** Fails when bytes are left over after a structure that should fill its buffer. */
export function readEnd(r: Reader, what: string): void {
  if (r.pos !== r.bytes.length) throw new DecodeError(readerOffset(r), 'end of ' + what, r.bytes.length - r.pos + ' more byte(s)');
}

/** A copy of `b` (Uint8Array.prototype.slice is ES2015). */
export function copyBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

export function newWriter(): Writer {
  return { buf: new Uint8Array(64), len: 0 };
}

function room(w: Writer, n: number): void {
  if (w.len + n <= w.buf.length) return;
  let size = w.buf.length * 2;
  while (size < w.len + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(w.buf.subarray(0, w.len));
  w.buf = next;
}

function checkUint(v: number, n: number): void {
  if (!isInt(v) || v < 0 || v >= uintLimit(n)) throw new EncodeError('uint' + n * 8 + ' out of range: ' + v);
}

export function writeU8(w: Writer, v: number): void {
  writeUintLE(w, v, 1);
}

export function writeUintLE(w: Writer, v: number, n: number): void {
  checkUint(v, n);
  room(w, n);
  for (let i = 0; i < n; i++) {
    w.buf[w.len++] = v % 256;
    v = Math.floor(v / 256);
  }
}

export function writeIntLE(w: Writer, v: number, n: number): void {
  const top = uintLimit(n);
  if (!isInt(v) || v < -top / 2 || v >= top / 2) throw new EncodeError('int' + n * 8 + ' out of range: ' + v);
  writeUintLE(w, v < 0 ? v + top : v, n);
}

export function writeUintBE(w: Writer, v: number, n: number): void {
  checkUint(v, n);
  room(w, n);
  for (let i = n - 1; i >= 0; i--) {
    w.buf[w.len + i] = v % 256;
    v = Math.floor(v / 256);
  }
  w.len += n;
}

export function writeBytes(w: Writer, b: Uint8Array): void {
  room(w, b.length);
  w.buf.set(b, w.len);
  w.len += b.length;
}

/** A copy of what was written. */
export function writerBytes(w: Writer): Uint8Array {
  return copyBytes(w.buf.subarray(0, w.len));
}

/** What a read of an n-byte integer is, when the caller does not say: "a 16-bit value". */
function bitsWhat(n: number): string {
  return 'a ' + n * 8 + '-bit value';
}

/**
 * The Reader functions as methods, for the GBCS and DLMS decoders. The functions take what a read
 * is for (the DecodeError's `expected`) from every caller, the ZCL codec's included; the methods
 * default it, so the boards' bundles carry no defaults.
 */
export class ByteReader implements Reader {
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly base = 0,
  ) {}

  /** Absolute offset of the next byte. */
  get offset(): number {
    return readerOffset(this);
  }

  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get done(): boolean {
    return readerDone(this);
  }

  u8(what = 'a byte'): number {
    return readU8(this, what);
  }

  /** Reads one byte and checks it is `value`. */
  expectU8(value: number, what: string): void {
    const at = this.offset;
    const b = readU8(this, what);
    if (b !== value) throw new DecodeError(at, `${what} ${hex2(value)}`, hex2(b));
  }

  u16be(what = 'a 16-bit value'): number {
    return readUintBE(this, 2, what);
  }

  u16le(what = 'a 16-bit value'): number {
    return readUintLE(this, 2, what);
  }

  i16be(what = 'a 16-bit value'): number {
    const u = readUintBE(this, 2, what);
    return u >= 0x8000 ? u - 0x10000 : u;
  }

  u32be(what = 'a 32-bit value'): number {
    return readUintBE(this, 4, what);
  }

  uintLE(n: number, what = bitsWhat(n)): number {
    return readUintLE(this, n, what);
  }

  intLE(n: number, what = bitsWhat(n)): number {
    return readIntLE(this, n, what);
  }

  uintBE(n: number, what = bitsWhat(n)): number {
    return readUintBE(this, n, what);
  }

  /** 64-bit big-endian value as a bigint (GBCS counters). */
  u64be(what = 'a 64-bit value'): bigint {
    const b = readTake(this, 8, what);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false);
  }

  take(n: number, what = n + ' bytes'): Uint8Array {
    return readTake(this, n, what);
  }

  /** A reader over the next n bytes, reporting offsets in the same outer frame. */
  sub(n: number, what: string): ByteReader {
    const at = this.offset;
    return new ByteReader(readTake(this, n, what), at);
  }

  rest(): Uint8Array {
    return readRest(this);
  }

  end(what: string): void {
    readEnd(this, what);
  }
}

/** The Writer functions as chainable methods, for the GBCS encoders. */
export class ByteWriter implements Writer {
  buf = new Uint8Array(64);
  len = 0;

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    writeU8(this, v);
    return this;
  }

  u16be(v: number): this {
    return this.uintBE(v, 2);
  }

  u16le(v: number): this {
    return this.uintLE(v, 2);
  }

  i16be(v: number): this {
    if (!isInt(v) || v < -0x8000 || v > 0x7fff) throw new EncodeError(`int16 out of range: ${v}`);
    return this.uintBE(v < 0 ? v + 0x10000 : v, 2);
  }

  u32be(v: number): this {
    return this.uintBE(v, 4);
  }

  uintLE(v: number, n: number): this {
    writeUintLE(this, v, n);
    return this;
  }

  intLE(v: number, n: number): this {
    writeIntLE(this, v, n);
    return this;
  }

  uintBE(v: number, n: number): this {
    writeUintBE(this, v, n);
    return this;
  }

  // BigInt(…) rather than 0n literals: ES5 engines (Espruino) must be able to parse this module,
  // though only GBCS code, never on a board, calls this method.
  u64be(v: bigint): this {
    if (v < BigInt(0) || v > BigInt('0xffffffffffffffff')) throw new EncodeError(`uint64 out of range: ${v}`);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, false);
    writeBytes(this, b);
    return this;
  }

  bytes(b: Uint8Array): this {
    writeBytes(this, b);
    return this;
  }

  finish(): Uint8Array {
    return writerBytes(this);
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
