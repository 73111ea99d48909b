import { ByteReader, ByteWriter } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2, hex4 } from '../codec/hex.ts';
import type { DlmsDateTime } from '../dlms/date-time.ts';
import { decodeDlmsDateTime, DLMS_DATE_TIME_LENGTH, encodeDlmsDateTime } from '../dlms/date-time.ts';
import type { BerForm } from './ber.ts';
import { berSize, minimalBerForm, readBerLength, writeBerLength } from './ber.ts';
import { checkGbzPayload, decodeGbzPayload, decodeSecurityHeader, encodeGbzPayload, gbzPayloadSize } from './gbz.ts';
import type { ByteRange, CraFlag, DecodedGbcsMessage, EncodedGbcsMessage, GbcsBerForms, GbcsMessage, GroupingHeader } from './types.ts';
import { MAC_LENGTH, SECURITY_CONTROL_AUTHENTICATED, SYSTEM_TITLE_LENGTH } from './types.ts';
import { KNOWN_MESSAGE_CODES_TEXT, useCaseByMessageCode } from './use-cases.ts';

/** See types.ts for the byte layout these functions read and write. */

const GENERAL_CIPHERING = 0xdd;
const GENERAL_SIGNING = 0xdf;
/** The five empty octet strings and the absent key-info after the DD tag, in order. */
const WRAPPER_ZERO_FIELDS = [
  'general-ciphering transaction-id length',
  'general-ciphering originator-system-title length',
  'general-ciphering recipient-system-title length',
  'general-ciphering date-time length',
  'general-ciphering other-information length',
  'general-ciphering key-info flag (absent)',
] as const;
/** CRA flag + 8-octet originator counter. */
const TRANSACTION_ID_LENGTH = 9;
const DATE_TIME_ABSENT = 0x00;
const SECURITY_HEADER_LENGTH = 5;

function nonMinimal(forms: GbcsBerForms, key: keyof GbcsBerForms, value: number, form: BerForm): void {
  if (form !== minimalBerForm(value)) forms[key] = form;
}

export interface DecodeGbcsOptions {
  /**
   * Take a date-time whose clock_status has bits 0 (invalid value) and 1 (doubtful value) both
   * set, which DLMS forbids, instead of refusing the message: the bits are kept as they are and
   * read as INVALID time status (Parse & Correlate: a bad claim about the time is reported, the
   * response is still decoded). Such a message cannot be re-encoded.
   */
  acceptBothValidityBits?: boolean;
}

/**
 * Decodes a whole GBCS message. Every problem is a DecodeError at an absolute offset: wrong
 * fixed octets, lengths that disagree with what follows, an unknown message code, bad GBZ
 * structure, bytes left over.
 */
export function decodeGbcsMessage(bytes: Uint8Array, options: DecodeGbcsOptions = {}): DecodedGbcsMessage {
  const r = new ByteReader(bytes);
  r.expectU8(GENERAL_CIPHERING, 'general-ciphering tag');
  for (const what of WRAPPER_ZERO_FIELDS) r.expectU8(0x00, what);
  const ccLengthAt = r.offset;
  const cc = readBerLength(r, 'general-ciphering ciphered-content length');
  if (cc.value > r.remaining) {
    throw new DecodeError(bytes.length, `${cc.value - r.remaining} more byte(s): the general-ciphering length at byte ${ccLengthAt} says ${cc.value} follow`, 'end of data');
  }
  if (cc.value < r.remaining) {
    throw new DecodeError(r.offset + cc.value, `end of the message (the general-ciphering length at byte ${ccLengthAt} says ${cc.value} bytes follow)`, `${r.remaining - cc.value} more byte(s)`);
  }
  const berForms: GbcsBerForms = {};
  nonMinimal(berForms, 'cipheredContent', cc.value, cc.form);

  const shStart = r.offset;
  const securityHeader = decodeSecurityHeader(r, SECURITY_CONTROL_AUTHENTICATED, 'security control 0x11 (authenticated, not encrypted, suite 1)');
  const gsStart = r.offset;
  r.expectU8(GENERAL_SIGNING, 'general-signing tag (grouping header)');
  r.expectU8(TRANSACTION_ID_LENGTH, 'grouping-header transaction-id length');
  const craAt = r.offset;
  const cra = r.u8('CRA flag');
  if (cra < 1 || cra > 3) throw new DecodeError(craAt, 'CRA flag 0x01 (command), 0x02 (response) or 0x03 (alert)', hex2(cra));
  const originatorCounter = r.u64be('originator counter');
  r.expectU8(SYSTEM_TITLE_LENGTH, 'originator system title length');
  const originatorSystemTitle = r.take(SYSTEM_TITLE_LENGTH, 'originator system title').slice();
  r.expectU8(SYSTEM_TITLE_LENGTH, 'recipient system title length');
  const recipientSystemTitle = r.take(SYSTEM_TITLE_LENGTH, 'recipient system title').slice();

  const dtLengthAt = r.offset;
  const dtLength = r.u8('date-time length');
  let dateTimeRange: ByteRange | null = null;
  let dateTime: DlmsDateTime | null = null;
  if (dtLength === DLMS_DATE_TIME_LENGTH) {
    const start = r.offset;
    dateTime = decodeDlmsDateTime(r, options.acceptBothValidityBits === true);
    dateTimeRange = { start, end: r.offset };
  } else if (dtLength !== DATE_TIME_ABSENT) {
    throw new DecodeError(dtLengthAt, 'date-time length 0x00 (absent) or 0x0C (12 octets)', hex2(dtLength));
  }

  const oiLengthAt = r.offset;
  const oi = readBerLength(r, 'other-information length');
  if (oi.value < 2) throw new DecodeError(oiLengthAt, 'an other-information length of at least 2 (the message code)', String(oi.value));
  nonMinimal(berForms, 'otherInformation', oi.value, oi.form);
  const oiReader = r.sub(oi.value, 'other-information');
  const messageCodeAt = oiReader.offset;
  const messageCode = oiReader.u16be('message code');
  if (useCaseByMessageCode(messageCode) === undefined) throw new DecodeError(messageCodeAt, KNOWN_MESSAGE_CODES_TEXT, hex4(messageCode));
  const supplementary = oiReader.rest().slice();

  const content = readBerLength(r, 'content length');
  nonMinimal(berForms, 'content', content.value, content.form);
  const contentStart = r.offset;
  const gbz = decodeGbzPayload(r.sub(content.value, 'GBZ payload (as the content length says)'));
  const contentEnd = r.offset;

  const sig = readBerLength(r, 'signature length');
  nonMinimal(berForms, 'signature', sig.value, sig.form);
  const sigStart = r.offset;
  const signature = r.take(sig.value, 'signature').slice();
  const gsEnd = r.offset;
  const mac = r.take(MAC_LENGTH, 'the 12-byte MAC').slice();
  r.end('the message (after the MAC)');

  const groupingHeader: GroupingHeader = {
    craFlag: cra as CraFlag,
    originatorCounter,
    originatorSystemTitle,
    recipientSystemTitle,
    dateTime,
    messageCode,
    supplementary,
  };
  const msg: DecodedGbcsMessage = {
    securityHeader,
    groupingHeader,
    payload: gbz.payload,
    signature,
    mac,
    bytes: bytes.slice(),
    layout: {
      generalCipheringFields: { start: 1, end: WRAPPER_ZERO_FIELDS.length },
      securityHeader: { start: shStart, end: gsStart },
      authenticated: { start: shStart, end: gsEnd },
      generalSigning: { start: gsStart, end: gsEnd },
      signed: { start: gsStart + 1, end: contentEnd },
      dateTime: dateTimeRange,
      messageCode: { start: messageCodeAt, end: messageCodeAt + 2 },
      content: { start: contentStart, end: contentEnd },
      signature: { start: sigStart, end: gsEnd },
      mac: { start: gsEnd, end: gsEnd + MAC_LENGTH },
      components: gbz.layout,
    },
  };
  if (Object.keys(berForms).length > 0) msg.berForms = berForms;
  return msg;
}

function checkSystemTitle(t: Uint8Array, what: string): void {
  if (t.length !== SYSTEM_TITLE_LENGTH) throw new EncodeError(`${what} must be 8 bytes, got ${t.length}`);
}

/** Checks what the encoder cannot express or the decoder would refuse (EncodeError). */
function checkMessage(msg: GbcsMessage): void {
  const g = msg.groupingHeader;
  if (msg.securityHeader.securityControl !== SECURITY_CONTROL_AUTHENTICATED) {
    throw new EncodeError(`security control must be 0x11, got ${hex2(msg.securityHeader.securityControl)}`);
  }
  if (g.craFlag !== 1 && g.craFlag !== 2 && g.craFlag !== 3) throw new EncodeError(`CRA flag must be 1, 2 or 3, got ${String(g.craFlag)}`);
  if (g.originatorCounter < 0n || g.originatorCounter > 0xffffffffffffffffn) throw new EncodeError(`originator counter must be a uint64, got ${g.originatorCounter}`);
  checkSystemTitle(g.originatorSystemTitle, 'originator system title');
  checkSystemTitle(g.recipientSystemTitle, 'recipient system title');
  if (useCaseByMessageCode(g.messageCode) === undefined) {
    throw new EncodeError(`message code ${Number.isInteger(g.messageCode) ? hex4(g.messageCode) : String(g.messageCode)} is not ${KNOWN_MESSAGE_CODES_TEXT}`);
  }
  if (msg.mac !== null && msg.mac.length !== MAC_LENGTH) throw new EncodeError(`the MAC must be 12 bytes, got ${msg.mac.length}`);
  checkGbzPayload(msg.payload);
}

/**
 * Encodes a message and reports where everything sits. A null MAC is written as 12 zero bytes: a
 * placeholder for the crypto layer, which computes the MAC over `gbcsAuthenticatedBytes(enc)` and
 * puts it in with `withGbcsMac(enc, mac)`.
 */
export function encodeGbcsMessageWithLayout(msg: GbcsMessage): EncodedGbcsMessage {
  checkMessage(msg);
  const g = msg.groupingHeader;
  const forms = msg.berForms ?? {};
  const oiLength = 2 + g.supplementary.length;
  const contentLength = gbzPayloadSize(msg.payload);
  const oiForm = forms.otherInformation ?? minimalBerForm(oiLength);
  const contentForm = forms.content ?? minimalBerForm(contentLength);
  const sigForm = forms.signature ?? minimalBerForm(msg.signature.length);
  const gsLength =
    2 + TRANSACTION_ID_LENGTH + 2 * (1 + SYSTEM_TITLE_LENGTH) + 1 + (g.dateTime === null ? 0 : DLMS_DATE_TIME_LENGTH) +
    berSize(oiLength, oiForm) + oiLength + berSize(contentLength, contentForm) + contentLength + berSize(msg.signature.length, sigForm) + msg.signature.length;
  const ccLength = SECURITY_HEADER_LENGTH + gsLength + MAC_LENGTH;

  const w = new ByteWriter();
  w.u8(GENERAL_CIPHERING);
  for (let i = 0; i < WRAPPER_ZERO_FIELDS.length; i++) w.u8(0x00);
  writeBerLength(w, ccLength, forms.cipheredContent ?? minimalBerForm(ccLength), 'ciphered-content length');
  const shStart = w.length;
  w.u8(msg.securityHeader.securityControl).u32be(msg.securityHeader.invocationCounter);
  const gsStart = w.length;
  w.u8(GENERAL_SIGNING).u8(TRANSACTION_ID_LENGTH).u8(g.craFlag).u64be(g.originatorCounter);
  w.u8(SYSTEM_TITLE_LENGTH).bytes(g.originatorSystemTitle);
  w.u8(SYSTEM_TITLE_LENGTH).bytes(g.recipientSystemTitle);
  let dateTime: ByteRange | null = null;
  if (g.dateTime === null) {
    w.u8(DATE_TIME_ABSENT);
  } else {
    w.u8(DLMS_DATE_TIME_LENGTH);
    const start = w.length;
    encodeDlmsDateTime(w, g.dateTime);
    dateTime = { start, end: w.length };
  }
  writeBerLength(w, oiLength, oiForm, 'other-information length');
  const messageCodeAt = w.length;
  w.u16be(g.messageCode).bytes(g.supplementary);
  writeBerLength(w, contentLength, contentForm, 'content length');
  const contentStart = w.length;
  const components = encodeGbzPayload(w, msg.payload);
  const contentEnd = w.length;
  writeBerLength(w, msg.signature.length, sigForm, 'signature length');
  const sigStart = w.length;
  w.bytes(msg.signature);
  const gsEnd = w.length;
  w.bytes(msg.mac ?? new Uint8Array(MAC_LENGTH));
  const bytes = w.finish();
  if (gsEnd - gsStart !== gsLength) throw new EncodeError(`internal: general-signing length ${gsEnd - gsStart} ≠ computed ${gsLength}`);
  return {
    bytes,
    layout: {
      generalCipheringFields: { start: 1, end: WRAPPER_ZERO_FIELDS.length },
      securityHeader: { start: shStart, end: gsStart },
      authenticated: { start: shStart, end: gsEnd },
      generalSigning: { start: gsStart, end: gsEnd },
      signed: { start: gsStart + 1, end: contentEnd },
      dateTime,
      messageCode: { start: messageCodeAt, end: messageCodeAt + 2 },
      content: { start: contentStart, end: contentEnd },
      signature: { start: sigStart, end: gsEnd },
      mac: { start: gsEnd, end: gsEnd + MAC_LENGTH },
      components,
    },
  };
}

/** The message's bytes; its MAC must be set (a built message: see encodeGbcsMessageWithLayout). */
export function encodeGbcsMessage(msg: GbcsMessage): Uint8Array {
  if (msg.mac === null) throw new EncodeError('the MAC is not set: encode with encodeGbcsMessageWithLayout and fill it in with withGbcsMac');
  return encodeGbcsMessageWithLayout(msg).bytes;
}

/** The bytes between the ciphered-content length and the MAC (layout.authenticated). */
export function gbcsAuthenticatedBytes(enc: EncodedGbcsMessage): Uint8Array {
  return enc.bytes.subarray(enc.layout.authenticated.start, enc.layout.authenticated.end);
}

/** A copy of the encoded message with its MAC in place. */
export function withGbcsMac(enc: EncodedGbcsMessage, mac: Uint8Array): Uint8Array {
  if (mac.length !== MAC_LENGTH) throw new EncodeError(`the MAC must be 12 bytes, got ${mac.length}`);
  const out = enc.bytes.slice();
  out.set(mac, enc.layout.mac.start);
  return out;
}
