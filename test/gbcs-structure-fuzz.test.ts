import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../firmware/codec/errors.ts';
import { toHex } from '../firmware/codec/hex.ts';
import { decodeGbcsMessage, encodeGbcsMessage, encodeGbcsMessageWithLayout } from '../firmware/gbcs/message.ts';
import { gbcsMessageArb, loadVectors } from '../bench/fuzz/gbcs-arbitraries.ts';

const vectors = loadVectors().map((v) => v.bytes);

/** Decoding either succeeds and re-encodes exactly, or is a DecodeError at an offset within the input. */
function decodesOrFailsCleanly(bytes: Uint8Array): void {
  let decoded;
  try {
    decoded = decodeGbcsMessage(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length, `offset ${e.offset} of ${bytes.length}`).toBe(true);
    expect(e.message).toBe(`at byte ${e.offset}: expected ${e.expected}, found ${e.found}`);
    return;
  }
  expect(toHex(encodeGbcsMessage(decoded))).toBe(toHex(bytes));
}

type Mutation = { kind: 'flip'; at: number; bit: number } | { kind: 'set'; at: number; value: number } | { kind: 'insert'; at: number; value: number } | { kind: 'delete'; at: number } | { kind: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const a = Array.from(bytes);
  const at = m.at % (a.length + 1);
  switch (m.kind) {
    case 'flip':
      if (at < a.length) a[at] = a[at]! ^ (1 << m.bit);
      break;
    case 'set':
      if (at < a.length) a[at] = m.value;
      break;
    case 'insert':
      a.splice(at, 0, m.value);
      break;
    case 'delete':
      a.splice(at, 1);
      break;
    case 'truncate':
      a.length = at;
      break;
  }
  return new Uint8Array(a);
}

describe('GBCS structure properties', () => {
  it('random valid messages: encode → decode is the identity, layouts agree', () => {
    fc.assert(
      fc.property(gbcsMessageArb, (msg) => {
        const enc = encodeGbcsMessageWithLayout(msg);
        const back = decodeGbcsMessage(enc.bytes);
        const { bytes, layout, ...fields } = back;
        expect(fields).toEqual(msg);
        expect(layout).toEqual(enc.layout);
        expect(toHex(bytes)).toBe(toHex(enc.bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes only ever throw DecodeError inside the input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesOrFailsCleanly), { numRuns: 3000 });
  });

  it('random bodies behind a valid wrapper and grouping-header start only ever throw DecodeError', () => {
    const body = fc.uint8Array({ maxLength: 180 });
    fc.assert(
      fc.property(body, (rest) => {
        const inner = [0x11, 0, 0, 0, 0, 0xdf, 0x09, ...rest];
        const len = inner.length < 0x80 ? [inner.length] : [0x81, inner.length];
        decodesOrFailsCleanly(new Uint8Array([0xdd, 0, 0, 0, 0, 0, 0, ...len, ...inner]));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated RTDS vectors (flip, set, insert, delete, truncate) only ever throw DecodeError inside the input', () => {
    fc.assert(
      fc.property(fc.nat(vectors.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (i, ms) => {
        decodesOrFailsCleanly(ms.reduce(mutate, vectors[i]!));
      }),
      { numRuns: 5000 },
    );
  });

  it('mutated encodings of random messages only ever throw DecodeError inside the input', () => {
    fc.assert(
      fc.property(gbcsMessageArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (msg, ms) => {
        decodesOrFailsCleanly(ms.reduce(mutate, encodeGbcsMessageWithLayout(msg).bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
