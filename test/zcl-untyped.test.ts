import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError } from '../firmware/codec/errors.ts';
import { encodeZclFrame, encodeZclUntypedFrame, ZclDataType as T } from '../firmware/zcl/index.ts';
import type { ZclCommand, ZclFrame, ZclHeader } from '../firmware/zcl/index.ts';

const header = (frameType: ZclHeader['frameType'], commandId: number): ZclHeader => ({
  frameType,
  direction: 'toServer',
  disableDefaultResponse: false,
  sequence: 7,
  commandId,
});

/** Frames whose command carries no typed values: what a PPMID sends. */
const untyped: fc.Arbitrary<ZclFrame> = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 10 }).map((attributeIds) => ({ header: header('global', 0x00), command: { kind: 'readAttributes' as const, attributeIds } })),
  fc
    .record({ commandId: fc.integer({ min: 0, max: 0xff }), status: fc.integer({ min: 0, max: 0xff }) })
    .map((c) => ({ header: header('global', 0x0b), command: { kind: 'defaultResponse' as const, ...c } })),
  fc
    .record({ commandId: fc.integer({ min: 0, max: 0xff }), payload: fc.uint8Array({ maxLength: 40 }) })
    .map(({ commandId, payload }) => ({ header: header('cluster', commandId), command: { kind: 'other' as const, payload } })),
);

describe('encodeZclUntypedFrame', () => {
  it('encodes untyped commands to the bytes encodeZclFrame gives', () => {
    fc.assert(
      fc.property(untyped, (frame) => {
        expect(encodeZclUntypedFrame(frame)).toEqual(encodeZclFrame(frame));
      }),
    );
  });

  it('refuses commands that carry typed values, and mismatched kinds as encodeZclFrame does', () => {
    const report: ZclCommand = { kind: 'reportAttributes', reports: [{ attributeId: 0, type: T.uint8, value: 1 }] };
    expect(() => encodeZclUntypedFrame({ header: header('global', 0x0a), command: report })).toThrow(EncodeError);
    const response: ZclCommand = { kind: 'readAttributesResponse', records: [{ attributeId: 0, status: 0x86 }] };
    expect(() => encodeZclUntypedFrame({ header: header('global', 0x01), command: response })).toThrow(/typed values/);
    const mismatched: ZclFrame = { header: header('global', 0x01), command: { kind: 'readAttributes', attributeIds: [] } };
    expect(() => encodeZclUntypedFrame(mismatched)).toThrow(/carries a 'readAttributesResponse' command, not 'readAttributes'/);
  });
});
