import { DecodeError, EncodeError } from './errors.ts';
import { hex2 } from './hex.ts';

/**
 * A cursor over a byte buffer. Every read checks its bounds and throws a DecodeError naming the
 * absolute offset, so nested decoders (GBCS → GBZ → ZCL) report positions in the outer message:
 * `base` is the offset of `bytes[0]` within that outer message.
 */
export class ByteReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly base = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      const left = this.bytes.length - this.pos;
      throw new DecodeError(this.offset, `${what} (${n} byte${n === 1 ? '' : 's'})`, left === 0 ? 'end of data' : `only ${left} byte${left === 1 ? '' : 's'} left`);
    }
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads one byte and checks it is `value`. */
  expectU8(value: number, what: string): void {
    const at = this.offset;
    const b = this.u8(what);
    if (b !== value) throw new DecodeError(at, `${what} ${hex2(value)}`, hex2(b));
  }

  u16be(what = 'a 16-bit value'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  u16le(what = 'a 16-bit value'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16be(what = 'a 16-bit value'): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos, false);
    this.pos += 2;
    return v;
  }

  u32be(what = 'a 32-bit value'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  /** Unsigned little-endian integer of 1..6 bytes (ZCL uint8..uint48), exact as a number. */
  uintLE(n: number, what = `a ${n * 8}-bit value`): number {
    this.need(n, what);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.bytes[this.pos + i]!;
    this.pos += n;
    return v;
  }

  /** Signed little-endian two's-complement integer of 1..6 bytes. */
  intLE(n: number, what = `a ${n * 8}-bit value`): number {
    const u = this.uintLE(n, what);
    const top = 2 ** (8 * n);
    return u >= top / 2 ? u - top : u;
  }

  /** Unsigned big-endian integer of 1..6 bytes. */
  uintBE(n: number, what = `a ${n * 8}-bit value`): number {
    this.need(n, what);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.bytes[this.pos + i]!;
    this.pos += n;
    return v;
  }

  /** 64-bit big-endian value as a bigint (GBCS counters). */
  u64be(what = 'a 64-bit value'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A view (not a copy) of the next n bytes. */
  take(n: number, what = `${n} bytes`): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A reader over the next n bytes, reporting offsets in the same outer frame. */
  sub(n: number, what: string): ByteReader {
    const at = this.offset;
    return new ByteReader(this.take(n, what), at);
  }

  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  /** Fails when bytes are left over after a structure that should fill its buffer. */
  end(what: string): void {
    if (this.pos !== this.bytes.length) {
      throw new DecodeError(this.offset, `end of ${what}`, `${this.bytes.length - this.pos} more byte(s)`);
    }
  }
}

/** Growable byte writer; the mirror of ByteReader. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    checkUint(v, 1, 'uint8');
    this.room(1);
    this.buf[this.len++] = v;
    return this;
  }

  u16be(v: number): this {
    return this.uintBE(v, 2);
  }

  u16le(v: number): this {
    return this.uintLE(v, 2);
  }

  i16be(v: number): this {
    if (!Number.isInteger(v) || v < -0x8000 || v > 0x7fff) throw new EncodeError(`int16 out of range: ${v}`);
    return this.uintBE(v < 0 ? v + 0x10000 : v, 2);
  }

  u32be(v: number): this {
    return this.uintBE(v, 4);
  }

  uintLE(v: number, n: number): this {
    checkUint(v, n, `uint${n * 8}`);
    this.room(n);
    let x = v;
    for (let i = 0; i < n; i++) {
      this.buf[this.len++] = x % 256;
      x = Math.floor(x / 256);
    }
    return this;
  }

  intLE(v: number, n: number): this {
    const top = 2 ** (8 * n);
    if (!Number.isInteger(v) || v < -top / 2 || v >= top / 2) throw new EncodeError(`int${n * 8} out of range: ${v}`);
    return this.uintLE(v < 0 ? v + top : v, n);
  }

  uintBE(v: number, n: number): this {
    checkUint(v, n, `uint${n * 8}`);
    this.room(n);
    let x = v;
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.len + i] = x % 256;
      x = Math.floor(x / 256);
    }
    this.len += n;
    return this;
  }

  // BigInt(…) rather than 0n literals: ES5 engines (Espruino) must be able to parse this class,
  // though only GBCS code, never on a board, calls this method.
  u64be(v: bigint): this {
    if (v < BigInt(0) || v > BigInt('0xffffffffffffffff')) throw new EncodeError(`uint64 out of range: ${v}`);
    this.room(8);
    for (let i = 7; i >= 0; i--) {
      this.buf[this.len + i] = Number(v & BigInt(0xff));
      v >>= BigInt(8);
    }
    this.len += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkUint(v: number, n: number, name: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * n)) throw new EncodeError(`${name} out of range: ${v}`);
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
