import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../firmware/codec/errors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import { decodeZclFrame, encodeZclFrame, ZclDataType, ZclStatus } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

const toClient = { frameType: 'global', direction: 'toClient', disableDefaultResponse: false } as const;

/** ZCL frames cut from GBZ components of the GBCS RTDS 4.5.0 vectors. */
const rtds: [string, string, ZclFrame][] = [
  ['GCS13a Read Attributes', '00 00 00 02 03 01 03 00 03 00 00', {
    header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: 0, commandId: 0x00 },
    command: { kind: 'readAttributes', attributeIds: [0x0302, 0x0301, 0x0300, 0x0000] },
  }],
  ['GCS60a BillToDateDelivered', '08 00 01 00 0A 00 23 E0 67 35 00', {
    header: { ...toClient, sequence: 0, commandId: 0x01 },
    command: { kind: 'readAttributesResponse', records: [{ attributeId: 0x0a00, status: 0, type: ZclDataType.uint32, value: 3_500_000 }] },
  }],
  ['GCS60a CreditRemaining', '08 01 01 01 00 00 2B A0 25 26 00', {
    header: { ...toClient, sequence: 1, commandId: 0x01 },
    command: { kind: 'readAttributesResponse', records: [{ attributeId: 0x0001, status: 0, type: ZclDataType.int32, value: 2_500_000 }] },
  }],
  ['failed read, status only', '08 00 01 00 0A C0', {
    header: { ...toClient, sequence: 0, commandId: 0x01 },
    command: { kind: 'readAttributesResponse', records: [{ attributeId: 0x0a00, status: ZclStatus.HARDWARE_FAILURE }] },
  }],
  ['Default Response', '08 01 0B FF 01', {
    header: { ...toClient, sequence: 1, commandId: 0x0b },
    command: { kind: 'defaultResponse', commandId: 0xff, status: ZclStatus.FAILURE },
  }],
  ['GCS14 Price', '08 00 01 17 06 00 18 50 16 06 00 21 3A 03', {
    header: { ...toClient, sequence: 0, commandId: 0x01 },
    command: {
      kind: 'readAttributesResponse',
      records: [
        { attributeId: 0x0617, status: 0, type: ZclDataType.bitmap8, value: 0x50 },
        { attributeId: 0x0616, status: 0, type: ZclDataType.uint16, value: 826 },
      ],
    },
  }],
];

describe('ZCL frames from the RTDS vectors', () => {
  it.each(rtds)('%s decodes and re-encodes to the same bytes', (_name, hex, frame) => {
    const bytes = fromHex(hex);
    expect(decodeZclFrame(bytes)).toStrictEqual(frame);
    expect(toHex(encodeZclFrame(frame))).toBe(toHex(bytes));
  });
});

describe('ZCL header', () => {
  it('reads the manufacturer code after the frame control and every flag bit', () => {
    const frame = decodeZclFrame(fromHex('1D 34 12 07 00 AA BB'));
    expect(frame.header).toStrictEqual({ frameType: 'cluster', manufacturerCode: 0x1234, direction: 'toClient', disableDefaultResponse: true, sequence: 7, commandId: 0x00 });
    expect(frame.command.kind).toBe('other');
    expect(toHex(encodeZclFrame(frame))).toBe('1D34120700AABB');
  });

  it('keeps cluster-specific commands raw even when their id matches a general command', () => {
    const frame = decodeZclFrame(fromHex('01 05 00 11 22'));
    expect(frame.header.frameType).toBe('cluster');
    expect(frame.command).toEqual({ kind: 'other', payload: fromHex('1122') });
  });

  it('keeps unmodelled general commands raw', () => {
    expect(decodeZclFrame(fromHex('00 05 02 01 02')).command).toEqual({ kind: 'other', payload: fromHex('0102') });
  });

  it('models exactly the general commands 0x00, 0x01, 0x0A and 0x0B, each way', () => {
    const modelled: Record<number, string> = { 0x00: 'readAttributes', 0x01: 'readAttributesResponse', 0x0a: 'reportAttributes', 0x0b: 'defaultResponse' };
    for (let id = 0; id < 0x100; id++) {
      // A general frame with no payload: a Default Response needs its two bytes.
      const bytes = Uint8Array.from(id === 0x0b ? [0x08, 0x01, id, 0x00, 0x00] : [0x08, 0x01, id]);
      const kind = decodeZclFrame(bytes).command.kind;
      expect(kind, `command id ${id}`).toBe(modelled[id] ?? 'other');
      expect(decodeZclFrame(Uint8Array.from([0x09, 0x01, id])).command.kind).toBe('other');
      const header = { frameType: 'global' as const, direction: 'toClient' as const, disableDefaultResponse: false, sequence: 1, commandId: id };
      if (kind !== 'other') {
        expect(() => encodeZclFrame({ header, command: { kind: 'other', payload: new Uint8Array(0) } })).toThrow(`carries a '${kind}' command, not 'other'`);
      } else {
        expect(toHex(encodeZclFrame({ header, command: { kind: 'other', payload: new Uint8Array(0) } }))).toBe(toHex(bytes));
      }
    }
  });

  it.each([
    ['02', 'expected a ZCL frame type 0 (global) or 1 (cluster-specific), found reserved frame type 2 in frame control 0x02'],
    ['21 00 00', 'expected ZCL frame control bits 5-7 clear, found frame control 0x21'],
  ])('rejects frame control %s', (hex, message) => {
    const err = decodeError(() => decodeZclFrame(fromHex(hex), 40));
    expect(err.offset).toBe(40);
    expect(err.message).toBe(`at byte 40: ${message}`);
  });

  it('reports a header cut short inside the manufacturer code', () => {
    expect(decodeError(() => decodeZclFrame(fromHex('04 34'), 10)).message).toBe('at byte 11: expected a ZCL manufacturer code (2 bytes), found only 1 byte left');
  });
});

describe('ZCL payload errors', () => {
  it('names the offset, uint48 and what was found for a truncated uint48', () => {
    const err = decodeError(() => decodeZclFrame(fromHex('08 00 0A 00 00 25 01 02'), 100));
    expect(err.offset).toBe(106);
    expect(err.message).toBe('at byte 106: expected a uint48 value (6 bytes), found only 2 bytes left');
  });

  it('names an unknown data type at its own byte', () => {
    const err = decodeError(() => decodeZclFrame(fromHex('08 00 01 07 00 00 99 01')));
    expect(err.offset).toBe(6);
    expect(err.message).toBe('at byte 6: expected a known ZCL data type for attribute 0x0007, found unknown(0x99)');
  });

  it('rejects a half attribute id in Read Attributes', () => {
    expect(decodeError(() => decodeZclFrame(fromHex('00 00 00 07 00 07'))).offset).toBe(5);
  });

  it('rejects bytes after a Default Response', () => {
    expect(decodeError(() => decodeZclFrame(fromHex('08 01 0B FF 01 00'))).message).toBe('at byte 5: expected end of a Default Response, found 1 more byte(s)');
  });

  it('rejects a string longer than the frame', () => {
    expect(decodeError(() => decodeZclFrame(fromHex('08 00 0A 07 03 41 05 01 02'))).message).toBe('at byte 7: expected an octetString value (5 bytes), found only 2 bytes left');
  });
});

describe('ZCL encode errors', () => {
  const header = { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: 0 } as const;
  const encode = (frame: unknown) => () => encodeZclFrame(frame as ZclFrame);

  it('refuses a command whose kind does not match the header', () => {
    expect(encode({ header: { ...header, commandId: 0x01 }, command: { kind: 'readAttributes', attributeIds: [] } })).toThrow(
      new EncodeError("a global frame with command id 0x01 carries a 'readAttributesResponse' command, not 'readAttributes'"),
    );
    expect(encode({ header: { ...header, commandId: 0x00 }, command: { kind: 'other', payload: new Uint8Array(0) } })).toThrow(EncodeError);
    expect(encode({ header: { ...header, frameType: 'cluster', commandId: 0x0b }, command: { kind: 'defaultResponse', commandId: 0, status: 0 } })).toThrow(EncodeError);
  });

  it('refuses a read record whose type/value disagrees with its status', () => {
    const rar = (record: unknown) => encode({ header: { ...header, commandId: 0x01 }, command: { kind: 'readAttributesResponse', records: [record] } });
    expect(rar({ attributeId: 1, status: 0 })).toThrow(/status 0 and only with it/);
    expect(rar({ attributeId: 1, status: 0x86, type: ZclDataType.uint8, value: 1 })).toThrow(/status 0 and only with it/);
    expect(rar({ attributeId: 1, status: 0x100 })).toThrow(EncodeError);
  });

  it('refuses out-of-range header fields and ids', () => {
    expect(encode({ header: { ...header, sequence: 256, commandId: 0 }, command: { kind: 'readAttributes', attributeIds: [] } })).toThrow(/sequence number out of range/);
    expect(encode({ header: { ...header, manufacturerCode: 0x10000, commandId: 0 }, command: { kind: 'readAttributes', attributeIds: [] } })).toThrow(/manufacturer code/);
    expect(encode({ header: { ...header, frameType: 'reserved', commandId: 0 }, command: { kind: 'other', payload: new Uint8Array(0) } })).toThrow(/frame type/);
    expect(encode({ header: { ...header, commandId: 0 }, command: { kind: 'readAttributes', attributeIds: [-1] } })).toThrow(/attribute id/);
  });

  it('refuses a report value that does not fit its type', () => {
    const report = (type: number, value: unknown) => encode({ header: { ...header, commandId: 0x0a }, command: { kind: 'reportAttributes', reports: [{ attributeId: 0, type, value }] } });
    expect(report(ZclDataType.uint24, 0x1000000)).toThrow('uint24 value out of range 0..16777215: 16777216');
    expect(report(0x99, 0)).toThrow('cannot encode ZCL data type unknown(0x99)');
    expect(report(ZclDataType.charString, new Uint8Array(1))).toThrow('charString value must be a string, got a Uint8Array');
  });
});
