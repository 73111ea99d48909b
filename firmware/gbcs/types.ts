import type { DlmsDateTime } from '../dlms/date-time.ts';
import type { BerForm } from './ber.ts';

/**
 * The structure of a GBCS message as the RTDS 4.5.0 vectors for the gas use cases show it. This
 * layer is plain structure: the crypto layer (firmware/gbcs/security.ts) computes and checks the
 * MAC, the GBZ component tags and the ECDSA signature from the raw fields and byte ranges below.
 *
 *   DD                                general-ciphering APDU tag (DLMS)
 *   00 00 00 00 00                    transaction-id, originator-system-title, recipient-system-
 *                                     title, date-time, other-information: all empty octet strings
 *   00                                key-info absent (OPTIONAL flag 0)
 *   <BER length>                      ciphered-content: everything up to the end of the MAC
 *     11 00000000                     security header: security control (authenticated, not
 *                                     encrypted, suite 1), invocation counter
 *     DF                              general-signing APDU tag = the GBCS grouping header
 *       09 <CRA flag> <counter 8>     transaction-id (9 octets): CRA flag, originator counter
 *       08 <originator system title>
 *       08 <recipient system title>
 *       00 | 0C <DLMS date-time 12>
 *       <BER len> <message code 2> …  other-information: message code (+ supplementary bytes)
 *       <BER len> <GBZ payload>       content
 *       <BER len> [<signature>]       signature (00 in these use cases)
 *     <MAC 12>
 */

/** 1 command, 2 response, 3 alert. */
export type CraFlag = 1 | 2 | 3;
export const CRA_COMMAND: CraFlag = 1;
export const CRA_RESPONSE: CraFlag = 2;
export const CRA_ALERT: CraFlag = 3;

/** The general-ciphering security header; 0x11 00000000 on every RTDS message. */
export interface SecurityHeader {
  securityControl: number;
  invocationCounter: number;
}

export const SECURITY_CONTROL_AUTHENTICATED = 0x11;
export const SECURITY_CONTROL_ENCRYPTED = 0x31;
export const MAC_LENGTH = 12;
export const SYSTEM_TITLE_LENGTH = 8;
export const GBZ_PROFILE_ID = 0x0109;

export interface GroupingHeader {
  craFlag: CraFlag;
  originatorCounter: bigint;
  originatorSystemTitle: Uint8Array;
  recipientSystemTitle: Uint8Array;
  /** null: the date-time length octet is 00 (commands, legacy GCS60 responses). */
  dateTime: DlmsDateTime | null;
  messageCode: number;
  /**
   * Other-information bytes after the message code (GBCS's supplementary remote party ID, counter
   * or certificate for some use cases). Empty for every use case hanlab serves.
   */
  supplementary: Uint8Array;
}

/** The ZCL header of an encrypted component, sent in clear before the ciphered information. */
export interface ZclHeaderBytes {
  frameControl: number;
  sequenceNumber: number;
  commandId: number;
}

interface GbzComponentBase {
  clusterId: number;
  /**
   * Extended-header "from date time" (control bit 4): 4 octets, big-endian UTCTime (seconds since
   * 2000-01-01T00:00:00Z), right after the component length and counted in it. null when absent.
   */
  fromDateTime: number | null;
}

export interface GbzPlainComponent extends GbzComponentBase {
  encrypted: false;
  /** The whole ZCL frame (header and payload), opaque here: firmware/zcl decodes it. */
  zcl: Uint8Array;
}

export interface GbzEncryptedComponent extends GbzComponentBase {
  encrypted: true;
  additionalHeaderControl: number;
  additionalHeaderFrameCounter: number;
  zclHeader: ZclHeaderBytes;
  /** 0x31 00000000 on every RTDS message. */
  securityHeader: SecurityHeader;
  ciphertext: Uint8Array;
  /** The 12-byte AES-GCM tag. */
  tag: Uint8Array;
}

export type GbzComponent = GbzPlainComponent | GbzEncryptedComponent;

/** Profile 0x0109 and a component count, both implied by `components`. */
export interface GbzPayload {
  components: GbzComponent[];
}

/**
 * BER length forms to reproduce exactly; a missing entry means the minimal form. The decoder
 * fills in only lengths that were sent in a longer form than needed.
 */
export interface GbcsBerForms {
  cipheredContent?: BerForm;
  otherInformation?: BerForm;
  content?: BerForm;
  signature?: BerForm;
}

export interface GbcsMessage {
  securityHeader: SecurityHeader;
  groupingHeader: GroupingHeader;
  payload: GbzPayload;
  /** Empty when the signature length is 00. */
  signature: Uint8Array;
  /** The 12-byte MAC, or null for a message built here whose MAC the crypto layer fills in. */
  mac: Uint8Array | null;
  berForms?: GbcsBerForms;
}

/** Absolute byte offsets in the encoded message; `end` is exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface GbzComponentLayout {
  /** From the extended-header control byte to the component's last byte. */
  component: ByteRange;
  /** Control, cluster id and length (5 octets), plus the from-date-time when present. */
  extendedHeader: ByteRange;
  /** Plain: the ZCL frame. Encrypted: from the additional header control to the tag's end. */
  body: ByteRange;
  encrypted?: {
    /** Additional header control and frame counter, ZCL header, ciphered-info length: the clear bytes before the security header. */
    clearHeader: ByteRange;
    /** Security header + ciphertext + tag (what the ciphered-information length counts). */
    cipheredInformation: ByteRange;
    securityHeader: ByteRange;
    ciphertext: ByteRange;
    tag: ByteRange;
  };
}

export interface GbcsLayout {
  /**
   * The five general-ciphering octet strings after the DD tag (transaction-id … other-information,
   * `00 00 00 00 00`), as encoded; the key-info flag that follows is not in it. The wrapper MAC's
   * AAD is security control ‖ these ‖ generalSigning (docs/decisions.md, GBCS cryptography).
   */
  generalCipheringFields: ByteRange;
  /** Security control byte and invocation counter. */
  securityHeader: ByteRange;
  /**
   * Everything between the ciphered-content length and the MAC: security header, grouping header,
   * GBZ payload and signature. Which of these bytes feed the MAC (as AAD) is the crypto layer's
   * call; all of them sit in this range.
   */
  authenticated: ByteRange;
  /** The general-signing APDU: from its DF tag to the end of the signature. */
  generalSigning: ByteRange;
  /**
   * What an ECDSA signature covers when present: from the octet after the DF tag to the end of the
   * GBZ content, i.e. without the tag and without the signature length and signature (as
   * SmartDCCInnovation/gbcs-parser verifies it).
   */
  signed: ByteRange;
  /** The 12 octets of the grouping-header date-time, or null when absent. */
  dateTime: ByteRange | null;
  messageCode: ByteRange;
  /** The GBZ payload (what the content length counts). */
  content: ByteRange;
  signature: ByteRange;
  mac: ByteRange;
  components: GbzComponentLayout[];
}

/** An encoded (or decoded) message: its exact bytes and where everything sits in them. */
export interface EncodedGbcsMessage {
  bytes: Uint8Array;
  layout: GbcsLayout;
}

/** What decodeGbcsMessage returns: the message, its exact bytes and its layout. */
export interface DecodedGbcsMessage extends GbcsMessage {
  mac: Uint8Array;
  bytes: Uint8Array;
  layout: GbcsLayout;
}
