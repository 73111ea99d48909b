import type { ByteReader, ByteWriter } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2, hex4 } from '../codec/hex.ts';
import type { ByteRange, GbzComponent, GbzComponentLayout, GbzPayload, SecurityHeader, ZclHeaderBytes } from './types.ts';
import { GBZ_PROFILE_ID, MAC_LENGTH, SECURITY_CONTROL_ENCRYPTED } from './types.ts';

/**
 * GBZ payload (GBCS section 7): profile 0x0109 (BE), component count, then per component the
 * extended header — control (bit0 last component, bit1 encrypted, bit4 from-date-time present),
 * cluster id (BE), length (BE) of the rest — and then:
 *   plain:     [from-date-time 4] ZCL frame
 *   encrypted: [from-date-time 4] additional header control, additional header frame counter,
 *              ZCL header (frame control, sequence, command id) in clear, ciphered-information
 *              length (2, BE), security header 31 00000000, ciphertext, 12-byte tag
 * e.g. GCS13a response: 03 0702 0035 | 00 00 | 18 00 01 | 002E | 31 00000000 | 29 bytes | 12 bytes.
 *
 * The from-date-time (a 4-octet big-endian UTCTime) comes right after the length, as
 * SmartDCCInnovation/gbcs-parser reads it for plain components; no RTDS vector of these use cases
 * sets bit 4, and placing it before the additional header of an encrypted component is an
 * assumption (hanlab never builds one).
 */

const CONTROL_LAST = 0x01;
const CONTROL_ENCRYPTED = 0x02;
const CONTROL_FROM_DATE_TIME = 0x10;
const CONTROL_KNOWN = CONTROL_LAST | CONTROL_ENCRYPTED | CONTROL_FROM_DATE_TIME;
/** ZCL frame control bit 2: a manufacturer code would follow, making the clear header 5 octets. */
const ZCL_MANUFACTURER_SPECIFIC = 0x04;
const ZCL_HEADER_LENGTH = 3;
const SECURITY_HEADER_LENGTH = 5;
const CIPHERED_MIN = SECURITY_HEADER_LENGTH + MAC_LENGTH;
/** Additional header (2) + ZCL header (3) + ciphered-information length (2). */
const ENCRYPTED_CLEAR_LENGTH = 2 + ZCL_HEADER_LENGTH + 2;

export interface DecodedGbzPayload {
  payload: GbzPayload;
  layout: GbzComponentLayout[];
}

/** Decodes the whole reader (the content the grouping header's content length delimits). */
export function decodeGbzPayload(r: ByteReader): DecodedGbzPayload {
  const profileAt = r.offset;
  const profile = r.u16be('GBZ profile id');
  if (profile !== GBZ_PROFILE_ID) throw new DecodeError(profileAt, 'GBZ profile id 0x0109', hex4(profile));
  const countAt = r.offset;
  const count = r.u8('GBZ component count');
  if (count === 0) throw new DecodeError(countAt, 'a GBZ component count of at least 1', '0');
  const components: GbzComponent[] = [];
  const layout: GbzComponentLayout[] = [];
  for (let i = 0; i < count; i++) {
    const c = decodeComponent(r, i, count);
    components.push(c.component);
    layout.push(c.layout);
  }
  if (!r.done) {
    throw new DecodeError(r.offset, `end of the GBZ payload after ${count} component(s) (component count at byte ${countAt})`, `${r.remaining} more byte(s)`);
  }
  return { payload: { components }, layout };
}

function decodeComponent(r: ByteReader, index: number, count: number): { component: GbzComponent; layout: GbzComponentLayout } {
  const start = r.offset;
  const control = r.u8('GBZ extended header control');
  if ((control & ~CONTROL_KNOWN) !== 0) {
    throw new DecodeError(start, 'GBZ extended header control using only bits 0 (last), 1 (encrypted) and 4 (from-date-time)', hex2(control));
  }
  const isLast = index === count - 1;
  if (((control & CONTROL_LAST) !== 0) !== isLast) {
    const what = isLast
      ? `the last-component bit (bit 0) set on component ${index + 1} of ${count}`
      : `the last-component bit (bit 0) clear on component ${index + 1} of ${count} (the component count says more follow)`;
    throw new DecodeError(start, what, hex2(control));
  }
  const clusterId = r.u16be('GBZ cluster id');
  const lengthAt = r.offset;
  const length = r.u16be('GBZ component length');
  if (length > r.remaining) {
    throw new DecodeError(lengthAt, `a GBZ component length of at most ${r.remaining} (the bytes left in the GBZ payload)`, String(length));
  }
  const c = r.sub(length, 'GBZ component');
  const fromDateTime = (control & CONTROL_FROM_DATE_TIME) !== 0 ? c.u32be('GBZ from-date-time (UTCTime)') : null;
  const extendedHeader: ByteRange = { start, end: c.offset };
  const bodyStart = c.offset;
  if ((control & CONTROL_ENCRYPTED) === 0) {
    if (c.remaining < ZCL_HEADER_LENGTH) {
      throw new DecodeError(c.offset, 'a ZCL frame of at least 3 bytes (frame control, sequence, command id)', `${c.remaining} byte(s)`);
    }
    const zcl = c.rest().slice();
    const end = c.offset;
    return {
      component: { encrypted: false, clusterId, fromDateTime, zcl },
      layout: { component: { start, end }, extendedHeader, body: { start: bodyStart, end } },
    };
  }
  const additionalHeaderControl = c.u8('GBZ additional header control');
  const additionalHeaderFrameCounter = c.u8('GBZ additional header frame counter');
  const zclHeader = decodeClearZclHeader(c);
  const ciLengthAt = c.offset;
  const ciLength = c.u16be('ciphered information length');
  if (ciLength !== c.remaining) {
    throw new DecodeError(ciLengthAt, `a ciphered information length of ${c.remaining} (the rest of the component)`, String(ciLength));
  }
  if (ciLength < CIPHERED_MIN) {
    throw new DecodeError(ciLengthAt, `ciphered information of at least ${CIPHERED_MIN} bytes (security header 5, tag 12)`, String(ciLength));
  }
  const clearEnd = c.offset;
  const securityHeader = decodeSecurityHeader(c, SECURITY_CONTROL_ENCRYPTED, 'component security control 0x31 (encrypted and authenticated, suite 1)');
  const ctStart = c.offset;
  const ciphertext = c.take(ciLength - CIPHERED_MIN, 'ciphertext').slice();
  const tagStart = c.offset;
  const tag = c.take(MAC_LENGTH, 'the 12-byte component tag').slice();
  const end = c.offset;
  return {
    component: { encrypted: true, clusterId, fromDateTime, additionalHeaderControl, additionalHeaderFrameCounter, zclHeader, securityHeader, ciphertext, tag },
    layout: {
      component: { start, end },
      extendedHeader,
      body: { start: bodyStart, end },
      encrypted: {
        clearHeader: { start: bodyStart, end: clearEnd },
        cipheredInformation: { start: clearEnd, end },
        securityHeader: { start: clearEnd, end: ctStart },
        ciphertext: { start: ctStart, end: tagStart },
        tag: { start: tagStart, end },
      },
    },
  };
}

function decodeClearZclHeader(r: ByteReader): ZclHeaderBytes {
  const at = r.offset;
  const frameControl = r.u8('ZCL frame control');
  if ((frameControl & ZCL_MANUFACTURER_SPECIFIC) !== 0) {
    throw new DecodeError(at, 'a ZCL frame control without the manufacturer-specific bit (GBCS sends none)', hex2(frameControl));
  }
  return { frameControl, sequenceNumber: r.u8('ZCL sequence number'), commandId: r.u8('ZCL command id') };
}

/** Reads a 5-octet security header whose control byte must be `control`. */
export function decodeSecurityHeader(r: ByteReader, control: number, expected: string): SecurityHeader {
  const at = r.offset;
  const securityControl = r.u8('security control byte');
  if (securityControl !== control) throw new DecodeError(at, expected, hex2(securityControl));
  return { securityControl, invocationCounter: r.u32be('invocation counter') };
}

// ---- encoding ----

function componentBodySize(c: GbzComponent): number {
  const from = c.fromDateTime === null ? 0 : 4;
  return from + (c.encrypted ? ENCRYPTED_CLEAR_LENGTH + CIPHERED_MIN + c.ciphertext.length : c.zcl.length);
}

export function gbzPayloadSize(p: GbzPayload): number {
  let n = 3;
  for (const c of p.components) n += 5 + componentBodySize(c);
  return n;
}

function checkByte(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new EncodeError(`${what} must be 0..255, got ${v}`);
}

function checkComponent(c: GbzComponent, i: number): void {
  const at = `GBZ component ${i + 1}`;
  if (!Number.isInteger(c.clusterId) || c.clusterId < 0 || c.clusterId > 0xffff) throw new EncodeError(`${at}: cluster id must be 0..0xFFFF, got ${c.clusterId}`);
  if (c.fromDateTime !== null && (!Number.isInteger(c.fromDateTime) || c.fromDateTime < 0 || c.fromDateTime > 0xffffffff)) {
    throw new EncodeError(`${at}: fromDateTime must be a uint32 UTCTime or null, got ${c.fromDateTime}`);
  }
  const size = componentBodySize(c);
  if (size > 0xffff) throw new EncodeError(`${at}: ${size} bytes do not fit the 2-byte component length`);
  if (!c.encrypted) {
    if (c.zcl.length < ZCL_HEADER_LENGTH) throw new EncodeError(`${at}: a ZCL frame needs at least 3 bytes, got ${c.zcl.length}`);
    return;
  }
  checkByte(c.additionalHeaderControl, `${at}: additionalHeaderControl`);
  checkByte(c.additionalHeaderFrameCounter, `${at}: additionalHeaderFrameCounter`);
  checkByte(c.zclHeader.frameControl, `${at}: zclHeader.frameControl`);
  checkByte(c.zclHeader.sequenceNumber, `${at}: zclHeader.sequenceNumber`);
  checkByte(c.zclHeader.commandId, `${at}: zclHeader.commandId`);
  if ((c.zclHeader.frameControl & ZCL_MANUFACTURER_SPECIFIC) !== 0) throw new EncodeError(`${at}: manufacturer-specific ZCL frames are not used in GBCS`);
  if (c.securityHeader.securityControl !== SECURITY_CONTROL_ENCRYPTED) {
    throw new EncodeError(`${at}: security control must be 0x31, got ${hex2(c.securityHeader.securityControl)}`);
  }
  if (c.tag.length !== MAC_LENGTH) throw new EncodeError(`${at}: the tag must be 12 bytes, got ${c.tag.length}`);
}

/** Checks a payload without writing it (EncodeError naming the component and field). */
export function checkGbzPayload(p: GbzPayload): void {
  const n = p.components.length;
  if (n < 1 || n > 255) throw new EncodeError(`a GBZ payload needs 1..255 components, got ${n}`);
  p.components.forEach(checkComponent);
}

/** Writes a checked payload; `w.length` must be the absolute offset so the layout is absolute. */
export function encodeGbzPayload(w: ByteWriter, p: GbzPayload): GbzComponentLayout[] {
  w.u16be(GBZ_PROFILE_ID).u8(p.components.length);
  return p.components.map((c, i) => {
    const start = w.length;
    const last = i === p.components.length - 1;
    const control = (last ? CONTROL_LAST : 0) | (c.encrypted ? CONTROL_ENCRYPTED : 0) | (c.fromDateTime === null ? 0 : CONTROL_FROM_DATE_TIME);
    w.u8(control).u16be(c.clusterId).u16be(componentBodySize(c));
    if (c.fromDateTime !== null) w.u32be(c.fromDateTime);
    const extendedHeader = { start, end: w.length };
    const bodyStart = w.length;
    if (!c.encrypted) {
      w.bytes(c.zcl);
      return { component: { start, end: w.length }, extendedHeader, body: { start: bodyStart, end: w.length } };
    }
    w.u8(c.additionalHeaderControl).u8(c.additionalHeaderFrameCounter);
    w.u8(c.zclHeader.frameControl).u8(c.zclHeader.sequenceNumber).u8(c.zclHeader.commandId);
    w.u16be(CIPHERED_MIN + c.ciphertext.length);
    const clearEnd = w.length;
    w.u8(c.securityHeader.securityControl).u32be(c.securityHeader.invocationCounter);
    const ctStart = w.length;
    w.bytes(c.ciphertext);
    const tagStart = w.length;
    w.bytes(c.tag);
    const end = w.length;
    return {
      component: { start, end },
      extendedHeader,
      body: { start: bodyStart, end },
      encrypted: {
        clearHeader: { start: bodyStart, end: clearEnd },
        cipheredInformation: { start: clearEnd, end },
        securityHeader: { start: clearEnd, end: ctStart },
        ciphertext: { start: ctStart, end: tagStart },
        tag: { start: tagStart, end },
      },
    };
  });
}
