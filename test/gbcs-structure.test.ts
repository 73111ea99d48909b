import { describe, expect, it } from 'vitest';
import { ByteReader } from '../firmware/codec/bytes.ts';
import { DecodeError, EncodeError } from '../firmware/codec/errors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import { decodeDlmsDateTime, dlmsDateTimeFromDate, dlmsDateTimeToIso } from '../firmware/dlms/date-time.ts';
import { buildGbcsMessage, responseGroupingHeader } from '../firmware/gbcs/build.ts';
import { decodeGbcsMessage, encodeGbcsMessage, encodeGbcsMessageWithLayout, gbcsAuthenticatedBytes, withGbcsMac } from '../firmware/gbcs/message.ts';
import { clockStatusFromTimeStatus, timeStatusFromClockStatus } from '../firmware/gbcs/time-status.ts';
import type { DecodedGbcsMessage, GbcsMessage } from '../firmware/gbcs/types.ts';
import { useCaseByMessageCode } from '../firmware/gbcs/use-cases.ts';
import { loadVectors } from '../bench/fuzz/gbcs-arbitraries.ts';

const vectors = loadVectors();
const byName = new Map(vectors.map((v) => [v.file, v]));

function vector(file: string): Uint8Array {
  const v = byName.get(file);
  if (!v) throw new Error(`no vector ${file}`);
  return v.bytes;
}

function decodeErrorOf(bytes: Uint8Array): DecodeError {
  try {
    decodeGbcsMessage(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('decoded');
}

/** The message fields without the decoder's extras (bytes, layout). */
function plain(m: DecodedGbcsMessage): GbcsMessage {
  const { bytes: _b, layout: _l, ...rest } = m;
  return rest;
}

const FOLDER_CODE: Record<string, number> = {
  '4.1.1_GCS13a': 0x0074,
  '4.1.2_GCS13c': 0x00b6,
  '4.1.4_GCS13b': 0x00b8,
  '4.3_GCS14': 0x0075,
  '4.18_GCS60': 0x008d,
};
const DCC = '90B3D51F30010000';

describe('RTDS 4.5.0 vectors', () => {
  it('are all there: 5 use cases, 36 messages', () => {
    expect(new Set(vectors.map((v) => v.folder))).toEqual(new Set(Object.keys(FOLDER_CODE)));
    expect(vectors.length).toBe(36);
  });

  for (const v of vectors) {
    const isCommand = v.file.includes('_COMMAND_');
    describe(v.file, () => {
      const m = decodeGbcsMessage(v.bytes);
      const g = m.groupingHeader;

      it('decodes with the right message code, CRA flag and wrapper', () => {
        expect(g.messageCode).toBe(FOLDER_CODE[v.folder]);
        expect(useCaseByMessageCode(g.messageCode)).toBeDefined();
        expect(g.craFlag).toBe(isCommand ? 1 : 2);
        expect(m.securityHeader).toEqual({ securityControl: 0x11, invocationCounter: 0 });
        expect(toHex(v.bytes.subarray(0, 7))).toBe('DD000000000000');
        expect(m.signature.length).toBe(0);
        expect(g.supplementary.length).toBe(0);
      });

      it('has the DCC as one party and the GPF as the other', () => {
        const [dcc, gpf] = isCommand ? [g.originatorSystemTitle, g.recipientSystemTitle] : [g.recipientSystemTitle, g.originatorSystemTitle];
        expect(toHex(dcc)).toBe(DCC);
        expect(toHex(gpf)).toMatch(/^00DB1234567890A[13]$/);
        expect(g.originatorCounter >= 0x3e8n && g.originatorCounter <= 0x3ecn).toBe(true);
      });

      it('carries the date-time and time status the file name says', () => {
        if (isCommand || v.folder === '4.18_GCS60') {
          expect(g.dateTime).toBeNull();
          expect(m.layout.dateTime).toBeNull();
          return;
        }
        expect(g.dateTime).not.toBeNull();
        const dt = g.dateTime!;
        const statusByte = m.bytes[m.layout.dateTime!.end - 1];
        const expected = v.file.includes('RELIABLE_GSME') ? 0x04 : v.file.includes('UNRELIABLE') ? 0x02 : 0x00; // ERROR responses carry 0x00
        expect(statusByte).toBe(expected);
        expect([dt.dayOfWeek, dt.deviation]).toEqual([null, null]);
        expect(dlmsDateTimeToIso(dt)).toBe(v.file.includes('UNRELIABLE') ? '2015-01-01T09:00:00Z' : '2015-01-01T00:00:00Z');
        const ts = timeStatusFromClockStatus(dt.clockStatus);
        if (v.file.includes('RELIABLE_GSME')) expect(ts).toEqual({ isFromGsme: true, clockStatus: 'RELIABLE' });
        else if (v.file.includes('UNRELIABLE')) expect(ts).toEqual({ isFromGsme: false, clockStatus: 'UNRELIABLE' });
        else expect(ts).toEqual({ isFromGsme: false, clockStatus: 'RELIABLE' });
        expect(clockStatusFromTimeStatus(ts)).toEqual(dt.clockStatus);
      });

      it('re-encodes to the exact bytes, with the same layout', () => {
        expect(toHex(encodeGbcsMessage(m))).toBe(toHex(v.bytes));
        expect(encodeGbcsMessageWithLayout(m).layout).toEqual(m.layout);
      });

      it('has a layout whose ranges hold what the fields say', () => {
        const l = m.layout;
        expect(l.mac.end).toBe(v.bytes.length);
        expect(toHex(v.bytes.subarray(l.mac.start, l.mac.end))).toBe(toHex(m.mac));
        expect(toHex(v.bytes.subarray(l.securityHeader.start, l.securityHeader.end))).toBe('1100000000');
        expect(l.authenticated).toEqual({ start: l.securityHeader.start, end: l.mac.start });
        expect(toHex(v.bytes.subarray(l.generalCipheringFields.start, l.generalCipheringFields.end))).toBe('0000000000');
        expect(v.bytes[l.generalSigning.start]).toBe(0xdf);
        expect(l.generalSigning.end).toBe(l.mac.start);
        expect(l.signed).toEqual({ start: l.generalSigning.start + 1, end: l.content.end });
        expect((v.bytes[l.messageCode.start]! << 8) | v.bytes[l.messageCode.start + 1]!).toBe(g.messageCode);
        if (l.dateTime) expect(decodeDlmsDateTime(new ByteReader(v.bytes.subarray(l.dateTime.start, l.dateTime.end)))).toEqual(g.dateTime);
        expect(l.components.length).toBe(m.payload.components.length);
        m.payload.components.forEach((c, i) => {
          const cl = l.components[i]!;
          const ctrl = v.bytes[cl.component.start]!;
          expect(ctrl & 1).toBe(i === m.payload.components.length - 1 ? 1 : 0);
          expect((ctrl & 2) !== 0).toBe(c.encrypted);
          if (!c.encrypted) {
            expect(toHex(v.bytes.subarray(cl.body.start, cl.body.end))).toBe(toHex(c.zcl));
            return;
          }
          const e = cl.encrypted!;
          expect(toHex(v.bytes.subarray(e.securityHeader.start, e.securityHeader.end))).toBe('3100000000');
          expect(toHex(v.bytes.subarray(e.ciphertext.start, e.ciphertext.end))).toBe(toHex(c.ciphertext));
          expect(toHex(v.bytes.subarray(e.tag.start, e.tag.end))).toBe(toHex(c.tag));
          expect(e.tag.end).toBe(cl.component.end);
        });
      });

      it('matches the use-case table (components, attributes read, encryption)', () => {
        const uc = useCaseByMessageCode(g.messageCode)!;
        expect(m.payload.components.map((c) => c.clusterId)).toEqual(uc.reads.map((r) => r.clusterId));
        if (isCommand) {
          m.payload.components.forEach((c, i) => {
            expect(c.encrypted).toBe(false);
            if (c.encrypted) return;
            // Read Attributes: header (00, seq, 00) then little-endian attribute ids.
            expect(c.zcl[2]).toBe(0x00);
            const ids: number[] = [];
            for (let at = 3; at < c.zcl.length; at += 2) ids.push(c.zcl[at]! | (c.zcl[at + 1]! << 8));
            expect(ids).toEqual(uc.reads[i]!.attributes);
          });
        } else if (v.file.includes('SUCCESS')) {
          expect(m.payload.components.map((c) => c.encrypted)).toEqual(uc.reads.map((r) => r.encryptedInResponse));
        }
      });
    });
  }

  it('pairs each response with its command: same counter and message code, titles swapped', () => {
    for (const v of vectors.filter((x) => x.file.includes('_RESPONSE_'))) {
      const response = decodeGbcsMessage(v.bytes);
      const command = decodeGbcsMessage(vector(v.file.replace('_RESPONSE_', '_COMMAND_')));
      expect(responseGroupingHeader(command.groupingHeader, response.groupingHeader.dateTime)).toEqual(response.groupingHeader);
    }
  });

  it('GCS13a response: 03 0702 0035 00 00 18 00 01 002E 31 00000000 <29> <12>', () => {
    const bytes = vector('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE_GBCS.HEX');
    const m = decodeGbcsMessage(bytes);
    const c = m.payload.components[0]!;
    expect(c.encrypted).toBe(true);
    if (!c.encrypted) return;
    expect(c).toMatchObject({ clusterId: 0x0702, fromDateTime: null, additionalHeaderControl: 0, additionalHeaderFrameCounter: 0, zclHeader: { frameControl: 0x18, sequenceNumber: 0, commandId: 1 } });
    expect(c.securityHeader).toEqual({ securityControl: 0x31, invocationCounter: 0 });
    expect(c.ciphertext.length).toBe(29);
    const l = m.layout.components[0]!;
    expect(toHex(bytes.subarray(l.component.start, l.encrypted!.ciphertext.start))).toBe('03070200350000180001' + '002E' + '3100000000');
    expect(toHex(bytes.subarray(l.extendedHeader.start, l.extendedHeader.end))).toBe('0307020035');
  });

  it('GCS13c response uses a 0x81 BER length for the ciphered content', () => {
    const bytes = vector('GCS13c_4.1.2_SUCCESS_RELIABLE_GPF_RESPONSE_GBCS.HEX');
    expect(toHex(bytes.subarray(0, 9))).toBe('DD00000000000081' + '9B');
    const m = decodeGbcsMessage(bytes);
    expect(m.berForms).toBeUndefined(); // 0x9B needs 0x81: minimal
    expect(m.layout.securityHeader.start).toBe(9);
  });
});

describe('GBCS structure errors name offset, expected and found', () => {
  const command = vector('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_COMMAND_GBCS.HEX');
  const response = vector('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE_GBCS.HEX');
  const gcs60 = vector('GCS60_4.18_SUCCESS_RESPONSE_GBCS.HEX');
  const patched = (b: Uint8Array, at: number, ...values: number[]) => {
    const out = b.slice();
    out.set(values, at);
    return out;
  };

  it('a truncated message: the missing bytes at the end', () => {
    const cut = command.subarray(0, 40);
    const e = decodeErrorOf(cut);
    expect(e.offset).toBe(40);
    expect(e.expected).toMatch(/39 more byte\(s\): the general-ciphering length at byte 7 says 71 follow/);
    expect(e.found).toBe('end of data');
    expect(e.message).toBe(`at byte 40: expected ${e.expected}, found end of data`);
  });

  it('a message cut inside the fixed wrapper', () => {
    const e = decodeErrorOf(command.subarray(0, 3));
    expect([e.offset, e.found]).toEqual([3, 'end of data']);
    expect(e.expected).toMatch(/recipient-system-title length/);
  });

  it('a BER length longer or shorter than what follows', () => {
    const long = decodeErrorOf(patched(command, 7, 0x48));
    expect([long.offset, long.found]).toEqual([command.length, 'end of data']);
    expect(long.expected).toMatch(/1 more byte/);
    const short = decodeErrorOf(patched(command, 7, 0x46));
    expect([short.offset, short.found]).toEqual([command.length - 1, '1 more byte(s)']);
    expect(short.expected).toMatch(/end of the message \(the general-ciphering length at byte 7 says 70/);
    const trailing = decodeErrorOf(new Uint8Array([...command, 0x00]));
    expect(trailing.offset).toBe(command.length);
  });

  it('an unknown message code, at the message code', () => {
    const m = decodeGbcsMessage(command);
    const at = m.layout.messageCode.start;
    const e = decodeErrorOf(patched(command, at, 0x12, 0x34));
    expect(e.offset).toBe(at);
    expect(e.expected).toMatch(/^a known GBCS message code \(GCS13a 0x0074, GCS13c 0x00B6, GCS13b 0x00B8, GCS14 0x0075, GCS60 0x008D, GCS60a 0x012A\)$/);
    expect(e.found).toBe('0x1234');
  });

  it('fixed octets: wrapper fields, security control, CRA flag, system title and date-time lengths', () => {
    const cases: Array<[Uint8Array, number, RegExp, string]> = [
      [patched(command, 0, 0xdb), 0, /general-ciphering tag 0xDD/, '0xDB'],
      [patched(command, 1, 0x01), 1, /general-ciphering transaction-id length 0x00/, '0x01'],
      [patched(command, 6, 0x01), 6, /key-info flag \(absent\) 0x00/, '0x01'],
      [patched(command, 7, 0x80), 7, /BER length/, '0x80'],
      [patched(command, 8, 0x31), 8, /security control 0x11/, '0x31'],
      [patched(command, 13, 0xdd), 13, /general-signing tag/, '0xDD'],
      [patched(command, 14, 0x08), 14, /transaction-id length 0x09/, '0x08'],
      [patched(command, 15, 0x04), 15, /CRA flag/, '0x04'],
      [patched(command, 24, 0x10), 24, /originator system title length 0x08/, '0x10'],
      [patched(command, 42, 0x05), 42, /date-time length 0x00 \(absent\) or 0x0C/, '0x05'],
    ];
    for (const [bytes, offset, expected, found] of cases) {
      const e = decodeErrorOf(bytes);
      expect([e.offset, e.found], e.message).toEqual([offset, found]);
      expect(e.expected).toMatch(expected);
    }
  });

  it('a bad DLMS date-time inside the grouping header, at its absolute offset', () => {
    const m = decodeGbcsMessage(response);
    const monthAt = m.layout.dateTime!.start + 2;
    const e = decodeErrorOf(patched(response, monthAt, 0x0d));
    expect([e.offset, e.found]).toEqual([monthAt, '0x0D']);
    expect(e.expected).toMatch(/^month/);
    const status = decodeErrorOf(patched(response, m.layout.dateTime!.end - 1, 0x03));
    expect(status.offset).toBe(m.layout.dateTime!.end - 1);
  });

  it('GBZ: component length overrun, missing last bit, count ≠ components, profile', () => {
    const m = decodeGbcsMessage(command);
    const c0 = m.layout.components[0]!.component.start; // 01 0702 000B …
    const count = m.layout.content.start + 2;
    const overrun = decodeErrorOf(patched(command, c0 + 3, 0x00, 0x0c));
    expect([overrun.offset, overrun.found]).toEqual([c0 + 3, '12']);
    expect(overrun.expected).toMatch(/component length of at most 11/);
    const noLast = decodeErrorOf(patched(command, c0, 0x00));
    expect(noLast.offset).toBe(c0);
    expect(noLast.expected).toMatch(/last-component bit \(bit 0\) set on component 1 of 1/);
    const moreCounted = decodeErrorOf(patched(command, count, 0x02));
    expect(moreCounted.offset).toBe(c0);
    expect(moreCounted.expected).toMatch(/clear on component 1 of 2/);
    const profile = decodeErrorOf(patched(command, m.layout.content.start, 0x01, 0x0a));
    expect([profile.offset, profile.expected, profile.found]).toEqual([m.layout.content.start, 'GBZ profile id 0x0109', '0x010A']);

    // GCS60: two components; say one and mark the first as last → one component's worth of bytes too many.
    const g = decodeGbcsMessage(gcs60);
    const first = g.layout.components[0]!.component.start;
    const fewer = decodeErrorOf(patched(patched(gcs60, g.layout.content.start + 2, 0x01), first, 0x01));
    expect(fewer.offset).toBe(g.layout.components[1]!.component.start);
    expect(fewer.expected).toMatch(/end of the GBZ payload after 1 component\(s\)/);
  });

  it('encrypted component: ciphered-information length must fill the component', () => {
    const m = decodeGbcsMessage(response);
    const e = m.layout.components[0]!.encrypted!;
    const at = e.clearHeader.end - 2;
    const err = decodeErrorOf(patched(response, at, 0x00, 0x2d));
    expect([err.offset, err.found]).toEqual([at, '45']);
    expect(err.expected).toBe('a ciphered information length of 46 (the rest of the component)');
    const sc = decodeErrorOf(patched(response, e.securityHeader.start, 0x11));
    expect([sc.offset, sc.found]).toEqual([e.securityHeader.start, '0x11']);
  });

  it('a content length that disagrees with the GBZ payload', () => {
    const m = decodeGbcsMessage(command);
    const at = m.layout.content.start - 1;
    const longer = decodeErrorOf(patched(command, at, command[at]! + 1));
    expect(longer.offset).toBe(m.layout.content.end);
    expect(longer.expected).toMatch(/end of the GBZ payload/);
    const shorter = decodeErrorOf(patched(command, at, command[at]! - 1));
    // One byte short: the single component's length (11) no longer fits the 10 bytes left.
    expect([shorter.offset, shorter.found]).toEqual([m.layout.components[0]!.component.start + 3, '11']);
    expect(shorter.expected).toMatch(/component length of at most 10/);
  });
});

describe('building messages', () => {
  const commandBytes = vector('GCS14_4.3_SUCCESS_RELIABLE_GSME_COMMAND_GBCS.HEX');
  const responseBytes = vector('GCS14_4.3_SUCCESS_RELIABLE_GSME_RESPONSE_GBCS.HEX');

  it('rebuilds the RTDS GCS14 response from its parts, MAC filled in afterwards', () => {
    const command = decodeGbcsMessage(commandBytes);
    const original = decodeGbcsMessage(responseBytes);
    const dateTime = dlmsDateTimeFromDate(new Date('2015-01-01T00:00:00Z'), { clockStatus: clockStatusFromTimeStatus({ isFromGsme: true, clockStatus: 'RELIABLE' }) });
    const header = responseGroupingHeader(command.groupingHeader, dateTime);
    const built = buildGbcsMessage({ ...header, components: original.payload.components });
    expect(built.mac).toBeNull();
    expect(() => encodeGbcsMessage(built)).toThrow(EncodeError);
    const enc = encodeGbcsMessageWithLayout(built);
    expect(enc.layout).toEqual(original.layout);
    expect(toHex(gbcsAuthenticatedBytes(enc))).toBe(toHex(responseBytes.subarray(original.layout.authenticated.start, original.layout.authenticated.end)));
    expect(toHex(withGbcsMac(enc, original.mac))).toBe(toHex(responseBytes));
  });

  it('builds a legacy GCS60 response without a date-time', () => {
    const command = decodeGbcsMessage(vector('GCS60_4.18_SUCCESS_COMMAND_GBCS.HEX'));
    const original = decodeGbcsMessage(vector('GCS60_4.18_SUCCESS_RESPONSE_GBCS.HEX'));
    const built = buildGbcsMessage({ ...responseGroupingHeader(command.groupingHeader, null), components: original.payload.components, mac: original.mac });
    expect(toHex(encodeGbcsMessage(built))).toBe(toHex(original.bytes));
  });

  it('refuses what the decoder would refuse', () => {
    const base = decodeGbcsMessage(commandBytes);
    const input = { ...base.groupingHeader, components: base.payload.components };
    expect(() => buildGbcsMessage({ ...input, messageCode: 0x1234 })).toThrow(/message code 0x1234 is not a known GBCS message code/);
    expect(() => buildGbcsMessage({ ...input, originatorSystemTitle: new Uint8Array(7) })).toThrow(/originator system title must be 8 bytes/);
    expect(() => buildGbcsMessage({ ...input, components: [] })).toThrow(/1\.\.255 components/);
    expect(() => buildGbcsMessage({ ...input, mac: new Uint8Array(11) })).toThrow(/MAC must be 12 bytes/);
    expect(() => buildGbcsMessage({ ...input, components: [{ encrypted: false, clusterId: 0x0702, fromDateTime: null, zcl: new Uint8Array(2) }] })).toThrow(/at least 3 bytes/);
    expect(() => buildGbcsMessage({ ...input, originatorCounter: -1n })).toThrow(EncodeError);
    expect(() => buildGbcsMessage({ ...input, dateTime: { ...dlmsDateTimeFromDate(new Date(0)), month: 13 } })).toThrow(/month/);
  });

  it('round-trips a from-date-time and non-minimal BER lengths exactly', () => {
    const base = decodeGbcsMessage(commandBytes);
    const msg: GbcsMessage = {
      ...plain(base),
      payload: { components: [{ encrypted: false, clusterId: 0x0702, fromDateTime: 0x1c3a5e80, zcl: fromHex('000000') }] },
      berForms: { cipheredContent: 2, otherInformation: 1, content: 2, signature: 1 },
    };
    const bytes = encodeGbcsMessage(msg);
    expect(toHex(bytes.subarray(7, 10))).toBe('82' + (bytes.length - 10).toString(16).toUpperCase().padStart(4, '0'));
    const back = decodeGbcsMessage(bytes);
    expect(plain(back)).toEqual(msg);
    expect(toHex(encodeGbcsMessage(back))).toBe(toHex(bytes));
    const c = back.layout.components[0]!;
    expect(toHex(bytes.subarray(c.extendedHeader.start, c.extendedHeader.end))).toBe('11070200071C3A5E80');
  });
});
