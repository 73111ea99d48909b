/**
 * The embedded broker's packet limit reads MQTT fixed headers as bytes arrive (packet-size-guard.ts):
 * a header split anywhere, packets back to back in one chunk, and a malformed length.
 */
import { describe, expect, it } from 'vitest';
import { createPacketScanner } from '../../han/packet-size-guard.ts';

/** A PUBLISH fixed header announcing `length` bytes (remaining-length varint), then `body` bytes of it. */
function packet(length: number, body = length): number[] {
  const out = [0x30];
  let n = length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return [...out, ...new Array<number>(body).fill(0x41)];
}

describe('packet scanner', () => {
  it('lets packets up to the limit through, back to back in one chunk', () => {
    const s = createPacketScanner(1000);
    const limitSized = packet(997); // 1 + 2 header bytes + 997 = 1000
    expect(s.feed(Uint8Array.from([...packet(0), ...packet(10), ...limitSized, ...packet(200)]))).toBeNull();
  });

  it('names the first packet over the limit, from its header alone, even fed a byte at a time', () => {
    const s = createPacketScanner(1000);
    const bytes = [...packet(5), ...packet(1 << 20, 0)];
    const results = bytes.map((b) => s.feed(Uint8Array.of(b)));
    expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(results.at(-1)).toBe(1 + 3 + (1 << 20)); // known at the header's last byte, before any body byte
  });

  it('a body split across chunks is skipped, not read as headers', () => {
    const s = createPacketScanner(1000);
    const p = packet(900);
    expect(s.feed(Uint8Array.from(p.slice(0, 10)))).toBeNull();
    // The body is 0x41 bytes: read as headers they would announce 65-byte packets, harmlessly; a
    // body of 0xFF bytes would announce huge ones.
    expect(s.feed(Uint8Array.from(p.slice(10).map(() => 0xff)))).toBeNull();
    expect(s.feed(Uint8Array.from(packet(999)))).toBe(1 + 2 + 999);
  });

  it('a fifth remaining-length byte is malformed: refused', () => {
    const s = createPacketScanner(1 << 30);
    expect(s.feed(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff))).not.toBeNull();
  });
});
