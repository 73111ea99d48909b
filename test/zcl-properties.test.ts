import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../firmware/codec/errors.ts';
import { toHex } from '../firmware/codec/hex.ts';
import { decodeZclFrame, encodeZclFrame, ZclDataType as T, ZclGeneralCommand } from '../firmware/zcl/index.ts';
import type { AttributeReport, ReadAttributeRecord, ZclCommand, ZclDataTypeId, ZclFrame, ZclHeader, ZclValue } from '../firmware/zcl/index.ts';

/** Uint8Arrays compared by content, whatever buffer or offset they sit on. */
function normalise(x: unknown): unknown {
  if (x instanceof Uint8Array) return { bytes: toHex(x) };
  if (Array.isArray(x)) return x.map(normalise);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalise(v)]));
  return x;
}

const uint = (bytes: number) => fc.bigInt({ min: 0n, max: 2n ** BigInt(8 * bytes) - 1n }).map(Number);

const typedValue: fc.Arbitrary<{ type: ZclDataTypeId; value: ZclValue }> = fc.oneof(
  ...([
    [T.bitmap8, uint(1)],
    [T.bitmap16, uint(2)],
    [T.uint8, uint(1)],
    [T.uint16, uint(2)],
    [T.uint24, uint(3)],
    [T.uint32, uint(4)],
    [T.uint48, uint(6)],
    [T.int32, fc.integer({ min: -0x80000000, max: 0x7fffffff })],
    [T.enum8, uint(1)],
    [T.utcTime, uint(4)],
    [T.octetString, fc.uint8Array({ maxLength: 254 })],
    [T.charString, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 254 }).map((codes) => String.fromCharCode(...codes))],
  ] as [ZclDataTypeId, fc.Arbitrary<ZclValue>][]).map(([type, value]) => value.map((v) => ({ type, value: v }))),
);

const attributeId = uint(2);

const readRecord: fc.Arbitrary<ReadAttributeRecord> = fc.oneof(
  fc.record({ attributeId, tv: typedValue }).map(({ attributeId, tv }) => ({ attributeId, status: 0 as const, ...tv })),
  fc.record({ attributeId, status: fc.integer({ min: 1, max: 255 }) }),
);

const report: fc.Arbitrary<AttributeReport> = fc.record({ attributeId, tv: typedValue }).map(({ attributeId, tv }) => ({ attributeId, ...tv }));

const generalIds: number[] = Object.values(ZclGeneralCommand);

/** A command with the (frame type, command id) that must carry it. */
const commandWithId: fc.Arbitrary<{ frameType: ZclHeader['frameType']; commandId: number; command: ZclCommand }> = fc.oneof(
  fc.array(attributeId, { maxLength: 10 }).map((attributeIds) => ({ frameType: 'global' as const, commandId: 0x00, command: { kind: 'readAttributes' as const, attributeIds } })),
  fc.array(readRecord, { maxLength: 6 }).map((records) => ({ frameType: 'global' as const, commandId: 0x01, command: { kind: 'readAttributesResponse' as const, records } })),
  fc.array(report, { maxLength: 6 }).map((reports) => ({ frameType: 'global' as const, commandId: 0x0a, command: { kind: 'reportAttributes' as const, reports } })),
  fc.record({ commandId: uint(1), status: uint(1) }).map((c) => ({ frameType: 'global' as const, commandId: 0x0b, command: { kind: 'defaultResponse' as const, ...c } })),
  fc.record({
    frameType: fc.constantFrom('global' as const, 'cluster' as const),
    commandId: uint(1),
    payload: fc.uint8Array({ maxLength: 40 }),
  })
    .filter(({ frameType, commandId }) => frameType === 'cluster' || !generalIds.includes(commandId))
    .map(({ frameType, commandId, payload }) => ({ frameType, commandId, command: { kind: 'other' as const, payload } })),
);

const frame: fc.Arbitrary<ZclFrame> = fc
  .record({
    c: commandWithId,
    manufacturerCode: fc.option(uint(2), { nil: undefined }),
    direction: fc.constantFrom('toServer' as const, 'toClient' as const),
    disableDefaultResponse: fc.boolean(),
    sequence: uint(1),
  })
  .map(({ c, manufacturerCode, ...rest }) => ({
    header: { frameType: c.frameType, ...(manufacturerCode !== undefined && { manufacturerCode }), ...rest, commandId: c.commandId },
    command: c.command,
  }));

/** Decoding may fail only with a DecodeError that points inside the bytes. */
function decodeOrDecodeError(bytes: Uint8Array, base: number): ZclFrame | undefined {
  try {
    return decodeZclFrame(bytes, base);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    const { offset } = e as DecodeError;
    expect(Number.isInteger(offset)).toBe(true);
    expect(offset).toBeGreaterThanOrEqual(base);
    expect(offset).toBeLessThanOrEqual(base + bytes.length);
    return undefined;
  }
}

/** A 0xFF ("invalid") string length decodes as empty and re-encodes as 0x00: the one lossy case. */
function hasEmptyString(f: ZclFrame): boolean {
  const values = f.command.kind === 'reportAttributes' ? f.command.reports : f.command.kind === 'readAttributesResponse' ? f.command.records : [];
  return values.some((v) => 'value' in v && typeof v.value !== 'number' && v.value.length === 0);
}

/** Re-encoding what decoded must give back the same bytes. */
function checkReencodes(bytes: Uint8Array, decoded: ZclFrame | undefined): void {
  if (decoded && !hasEmptyString(decoded)) expect(toHex(encodeZclFrame(decoded))).toBe(toHex(bytes));
}

describe('ZCL frame properties', () => {
  it('decode(encode(frame)) equals frame, and encode(decode(bytes)) equals bytes', () => {
    fc.assert(
      fc.property(frame, fc.nat(), (f, base) => {
        const bytes = encodeZclFrame(f);
        const decoded = decodeZclFrame(bytes, base);
        expect(normalise(decoded)).toStrictEqual(normalise(f));
        expect(toHex(encodeZclFrame(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes decode or throw a DecodeError inside them', () => {
    const headerish = fc
      .tuple(fc.constantFrom(0x00, 0x08, 0x04, 0x18, 0x01, 0x02, 0x20), fc.uint8Array({ minLength: 0, maxLength: 3 }), fc.constantFrom(...generalIds, 0x05), fc.uint8Array({ maxLength: 40 }))
      .map(([fcByte, mid, cmd, tail]) => Uint8Array.from([fcByte, ...mid, cmd, ...tail]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 48 }), headerish), fc.nat(), (bytes, base) => {
        checkReencodes(bytes, decodeOrDecodeError(bytes, base));
      }),
      { numRuns: 5000 },
    );
  });

  it('mutated valid frames decode or throw a DecodeError inside them', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: uint(1) }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: uint(1) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(frame, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat(), (f, mutations, base) => {
        let bytes = Array.from(encodeZclFrame(f));
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.op === 'set' && at < bytes.length) bytes[at] = m.byte;
          else if (m.op === 'truncate') bytes = bytes.slice(0, at);
          else if (m.op === 'insert') bytes.splice(at, 0, m.byte);
          else if (m.op === 'delete') bytes.splice(at, 1);
        }
        const mutated = Uint8Array.from(bytes);
        checkReencodes(mutated, decodeOrDecodeError(mutated, base));
      }),
      { numRuns: 3000 },
    );
  });
});
