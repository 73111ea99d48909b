/**
 * GBCS message security: the cryptographic constructions GBCS builds on AES-128-GCM and
 * static-static ECDH, and the provider interface the firmware calls to run them.
 *
 * Portable: `Uint8Array` and bigint only (no node:*, Buffer or process). The actual primitives
 * (P-256 ECDH, SHA-256, AES-GCM) live behind `GbcsCrypto`; the Node implementation is
 * `sim/crypto/`. Everything here was confirmed against the GBCS RTDS 4.5.0 vectors — see
 * docs/decisions.md, "GBCS cryptography".
 *
 * Two protections are handled:
 * - the **MAC** of the outer general-ciphering wrapper (`DD … 11 00000000 … MAC(12)`): a GMAC
 *   (GCM with no plaintext) over AAD = security control ‖ the wrapper's five header fields ‖ the
 *   general-signing APDU;
 * - **encrypted GBZ components** (ciphered information `31 00000000 ciphertext tag(12)`): GCM
 *   with AAD = the security control byte alone.
 * Both use IV = originator system title ‖ invocation counter (4, always 0 in GBCS) and a
 * per-transaction key: ECDH Z between two parties' key-agreement keys, then the SP 800-56A
 * concatenation KDF (SHA-256, 128 bits) with OtherInfo = AlgorithmID ‖ originator ‖ 0x09 ‖
 * key-use flag ‖ originator counter ‖ recipient.
 */
import { ByteReader, ByteWriter, concatBytes } from '../codec/bytes.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { hex2 } from '../codec/hex.ts';

/** Entity identifiers / system titles are EUI-64s. */
export const SYSTEM_TITLE_LENGTH = 8;
/** GBCS truncates every GCM tag (component tag and wrapper MAC) to 12 octets. */
export const GBCS_TAG_LENGTH = 12;
/** AES-128. */
export const GBCS_KEY_LENGTH = 16;
/** Security control of the general-ciphering wrapper: authenticated only, security suite 1. */
export const SECURITY_CONTROL_AUTHENTICATED = 0x11;
/** Security control of an encrypted GBZ component: authenticated and encrypted, suite 1. */
export const SECURITY_CONTROL_ENCRYPTED = 0x31;

/**
 * KDF AlgorithmID (7 octets) used by GBCS. Note: `06`, not the `05` of the DLMS Green Book's
 * 2.16.756.5.8.3.0 — the RTDS vectors only decrypt/verify with `60 85 74 06 08 03 00`.
 */
export const KDF_ALGORITHM_ID: Uint8Array = Uint8Array.of(0x60, 0x85, 0x74, 0x06, 0x08, 0x03, 0x00);

/** CRA flag of the grouping header. */
export const CraFlag = { command: 1, response: 2, alert: 3 } as const;
export type CraFlag = (typeof CraFlag)[keyof typeof CraFlag];

/**
 * First octet of the KDF transaction id: the message's CRA flag for a wrapper-MAC key,
 * 4 for a payload-encryption key.
 */
export const KeyUse = { commandMac: 1, responseMac: 2, alertMac: 3, payloadEncryption: 4 } as const;
export type KeyUse = (typeof KeyUse)[keyof typeof KeyUse];

/** What the crypto provider needs to agree a key: whose key-agreement keys, and the KDF input. */
export interface KeyAgreementInput {
  /** Entity id (8 octets) of one party. ECDH is symmetric: the order of the parties does not matter. */
  partyA: Uint8Array;
  /** Entity id (8 octets) of the other party. */
  partyB: Uint8Array;
  /** SP 800-56A OtherInfo, from `kdfOtherInfo`. */
  otherInfo: Uint8Array;
}

/** The primitives the firmware takes from its platform. */
export interface GbcsCrypto {
  /**
   * 16-octet key shared by two parties: static-static ECDH (P-256) between one party's
   * key-agreement private key and the other's public key, then the concatenation KDF
   * (SHA-256, counter 00000001, 128 bits) with `otherInfo`. Resolves null when the key store
   * lacks a private key for either side (or the other side's public key); never throws for that.
   */
  agreeKey(input: KeyAgreementInput): Promise<Uint8Array | null>;
  /** AES-128-GCM with a 12-octet tag. */
  gcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }>;
  /** AES-128-GCM decryption; null when the tag does not authenticate. */
  gcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Promise<Uint8Array | null>;
}

// ---------------------------------------------------------------------------------------------
// Pure constructions
// ---------------------------------------------------------------------------------------------

function checkTitle(title: Uint8Array, what: string): void {
  if (title.length !== SYSTEM_TITLE_LENGTH) throw new EncodeError(`${what} must be ${SYSTEM_TITLE_LENGTH} octets, got ${title.length}`);
}

function checkCounter(counter: bigint): void {
  if (counter < 0n || counter > 0xffffffffffffffffn) throw new EncodeError(`originator counter out of range: ${counter}`);
}

/** GBCS transaction id as the KDF uses it: key-use flag (1) ‖ originator counter (8, big-endian). */
export function transactionId(keyUse: KeyUse, counter: bigint): Uint8Array {
  checkCounter(counter);
  return new ByteWriter().u8(keyUse).u64be(counter).finish();
}

export interface KdfOtherInfoFields {
  /** Originator entity id from the grouping header (PartyUInfo). */
  originator: Uint8Array;
  /** Which key: the CRA flag for a wrapper MAC, 4 for payload encryption. */
  keyUse: KeyUse;
  /** Originator counter from the grouping header. */
  counter: bigint;
  /** Recipient entity id from the grouping header. */
  recipient: Uint8Array;
}

/**
 * SP 800-56A OtherInfo, 33 octets:
 * AlgorithmID (7) ‖ PartyUInfo = originator (8) ‖ PartyVInfo = 0x09 ‖ transaction id (9) ‖ recipient (8).
 */
export function kdfOtherInfo(f: KdfOtherInfoFields): Uint8Array {
  checkTitle(f.originator, 'originator system title');
  checkTitle(f.recipient, 'recipient system title');
  const tid = transactionId(f.keyUse, f.counter);
  return concatBytes(KDF_ALGORITHM_ID, f.originator, Uint8Array.of(tid.length), tid, f.recipient);
}

/** GCM IV (12 octets): originator system title ‖ invocation counter (big-endian; 0 in GBCS). */
export function gcmIv(originator: Uint8Array, invocationCounter = 0): Uint8Array {
  checkTitle(originator, 'originator system title');
  return new ByteWriter().bytes(originator).u32be(invocationCounter).finish();
}

/** The five general-ciphering header fields as GBCS sends them: five empty octet strings. */
export const EMPTY_CIPHERING_FIELDS: Uint8Array = new Uint8Array(5);

/**
 * AAD of the wrapper MAC: security control ‖ (empty authentication key) ‖ the general-ciphering
 * fields transaction-id, originator-system-title, recipient-system-title, date-time and
 * other-information exactly as encoded (length-prefixed; in GBCS five `00`s) ‖ the
 * general-signing APDU (`DF 09 …` up to and including the signature length and any signature).
 */
export function wrapperMacAad(securityControl: number, cipheringFields: Uint8Array, information: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(securityControl), cipheringFields, information);
}

/** AAD of an encrypted GBZ component: the security control byte alone (authentication key empty). */
export function componentAad(securityControl = SECURITY_CONTROL_ENCRYPTED): Uint8Array {
  return Uint8Array.of(securityControl);
}

export interface MacKeyOptions {
  /**
   * Entity id of the Access Control Broker. Commands (CRA 1) are MACed by the ACB, not by their
   * originator: their MAC key is agreed between the ACB and the recipient device. Without it a
   * command's MAC cannot be checked or made ('no-key').
   */
  accessControlBroker?: Uint8Array;
}

/**
 * The two parties whose key-agreement keys give the wrapper-MAC key: for a command the ACB and
 * the recipient; for a response or alert the originator and the recipient. null when unknown.
 */
export function macKeyParties(craFlag: number, originator: Uint8Array, recipient: Uint8Array, options: MacKeyOptions = {}): [Uint8Array, Uint8Array] | null {
  if (craFlag === CraFlag.command) return options.accessControlBroker ? [options.accessControlBroker, recipient] : null;
  if (craFlag === CraFlag.response || craFlag === CraFlag.alert) return [originator, recipient];
  return null;
}

// ---------------------------------------------------------------------------------------------
// The general-ciphering wrapper, sliced just far enough for its MAC
// ---------------------------------------------------------------------------------------------

export interface GeneralCipheringEnvelope {
  /** transaction-id … other-information as encoded (5 length-prefixed octet strings; GBCS: 00 00 00 00 00). */
  cipheringFields: Uint8Array;
  securityControl: number;
  invocationCounter: number;
  /** The general-signing APDU the MAC covers: `DF 09 …` through the signature (length). */
  information: Uint8Array;
  /** The 12-octet MAC as received. */
  mac: Uint8Array;
  /** Offset of the MAC within the message. */
  macOffset: number;
  /** Offset of the security control byte within the message. */
  securityHeaderOffset: number;
  craFlag: number;
  counter: bigint;
  originator: Uint8Array;
  recipient: Uint8Array;
}

function berLength(r: ByteReader, what: string): number {
  const at = r.offset;
  const first = r.u8(what);
  if (first < 0x80) return first;
  if (first === 0x81) return r.u8(what);
  if (first === 0x82) return r.u16be(what);
  throw new DecodeError(at, `${what} (BER: < 0x80, 0x81 or 0x82 prefix)`, hex2(first));
}

/**
 * Slices a GBCS general-ciphering message (`DD …`) into what the MAC needs. Views, not copies.
 * Throws DecodeError (with the absolute offset) when the bytes are not such a message.
 */
export function readGeneralCipheringEnvelope(message: Uint8Array): GeneralCipheringEnvelope {
  const r = new ByteReader(message);
  r.expectU8(0xdd, 'general-ciphering tag');
  const fieldsStart = r.position;
  for (const name of ['transaction-id', 'originator-system-title', 'recipient-system-title', 'date-time', 'other-information']) {
    r.take(r.u8(`${name} length`), name);
  }
  const cipheringFields = message.subarray(fieldsStart, r.position);
  r.expectU8(0x00, 'key-info absent');
  const contentLength = berLength(r, 'ciphered content length');
  const content = r.sub(contentLength, 'ciphered content');
  r.end('general-ciphering message');
  const securityHeaderOffset = content.offset;
  const securityControl = content.u8('security control');
  const invocationCounter = content.u32be('invocation counter');
  if (content.remaining < GBCS_TAG_LENGTH) throw new DecodeError(content.offset, `information and a ${GBCS_TAG_LENGTH}-octet MAC`, `${content.remaining} octets`);
  const infoStart = content.offset;
  const info = content.sub(content.remaining - GBCS_TAG_LENGTH, 'general-signing APDU');
  const macOffset = content.offset;
  const mac = content.take(GBCS_TAG_LENGTH, 'MAC');
  const information = message.subarray(infoStart, macOffset);
  info.expectU8(0xdf, 'general-signing tag');
  info.expectU8(0x09, 'general-signing tag (second octet)');
  const craFlag = info.u8('CRA flag');
  const counter = info.u64be('originator counter');
  info.expectU8(SYSTEM_TITLE_LENGTH, 'originator system title length');
  const originator = info.take(SYSTEM_TITLE_LENGTH, 'originator system title');
  info.expectU8(SYSTEM_TITLE_LENGTH, 'recipient system title length');
  const recipient = info.take(SYSTEM_TITLE_LENGTH, 'recipient system title');
  return { cipheringFields, securityControl, invocationCounter, information, mac, macOffset, securityHeaderOffset, craFlag, counter, originator, recipient };
}

// ---------------------------------------------------------------------------------------------
// High-level helpers
// ---------------------------------------------------------------------------------------------

export interface WrapperMacInput {
  craFlag: number;
  counter: bigint;
  originator: Uint8Array;
  recipient: Uint8Array;
  /** The general-signing APDU (`DF 09 …` through the signature length and any signature). */
  information: Uint8Array;
  /** Default 0x11. */
  securityControl?: number;
  /** Default 0. */
  invocationCounter?: number;
  /** Default five empty octet strings. */
  cipheringFields?: Uint8Array;
}

export type MacVerdict = 'valid' | 'invalid' | 'no-key';

async function macKey(m: { craFlag: number; counter: bigint; originator: Uint8Array; recipient: Uint8Array }, crypto: GbcsCrypto, options: MacKeyOptions): Promise<Uint8Array | null> {
  const parties = macKeyParties(m.craFlag, m.originator, m.recipient, options);
  if (!parties) return null;
  const otherInfo = kdfOtherInfo({ originator: m.originator, keyUse: m.craFlag as KeyUse, counter: m.counter, recipient: m.recipient });
  return crypto.agreeKey({ partyA: parties[0], partyB: parties[1], otherInfo });
}

function checkWrapperSecurityControl(sc: number): void {
  if (sc !== SECURITY_CONTROL_AUTHENTICATED) throw new EncodeError(`wrapper security control must be ${hex2(SECURITY_CONTROL_AUTHENTICATED)} (authenticated only, suite 1), got ${hex2(sc)}`);
}

/** The 12-octet wrapper MAC, or null when the key store cannot agree the key. */
export async function computeWrapperMac(input: WrapperMacInput, crypto: GbcsCrypto, options: MacKeyOptions = {}): Promise<Uint8Array | null> {
  const sc = input.securityControl ?? SECURITY_CONTROL_AUTHENTICATED;
  checkWrapperSecurityControl(sc);
  const key = await macKey(input, crypto, options);
  if (!key) return null;
  const aad = wrapperMacAad(sc, input.cipheringFields ?? EMPTY_CIPHERING_FIELDS, input.information);
  const { tag } = await crypto.gcmEncrypt(key, gcmIv(input.originator, input.invocationCounter ?? 0), aad, new Uint8Array(0));
  return tag;
}

/** Checks the MAC of a complete general-ciphering message. */
export async function verifyWrapperMac(message: Uint8Array, crypto: GbcsCrypto, options: MacKeyOptions = {}): Promise<MacVerdict> {
  const env = readGeneralCipheringEnvelope(message);
  if (env.securityControl !== SECURITY_CONTROL_AUTHENTICATED) {
    throw new DecodeError(env.securityHeaderOffset, `security control ${hex2(SECURITY_CONTROL_AUTHENTICATED)}`, hex2(env.securityControl));
  }
  const key = await macKey(env, crypto, options);
  if (!key) return 'no-key';
  const aad = wrapperMacAad(env.securityControl, env.cipheringFields, env.information);
  const ok = await crypto.gcmDecrypt(key, gcmIv(env.originator, env.invocationCounter), aad, new Uint8Array(0), env.mac);
  return ok ? 'valid' : 'invalid';
}

/**
 * A copy of a complete general-ciphering message (its last 12 octets a placeholder) with the MAC
 * filled in; null when the key store cannot agree the key.
 */
export async function sealWrapperMac(message: Uint8Array, crypto: GbcsCrypto, options: MacKeyOptions = {}): Promise<Uint8Array | null> {
  const env = readGeneralCipheringEnvelope(message);
  const mac = await computeWrapperMac(env, crypto, options);
  if (!mac) return null;
  const out = message.slice();
  out.set(mac, env.macOffset);
  return out;
}

/** Grouping-header fields that select an encrypted component's key and IV. */
export interface ComponentKeyFields {
  /** Originator system title of the message (also the IV's fixed field). */
  originator: Uint8Array;
  recipient: Uint8Array;
  /** Originator counter of the grouping header. */
  counter: bigint;
}

export interface ComponentSecurityHeader {
  /** Default 0x31. */
  securityControl?: number;
  /** Default 0. */
  invocationCounter?: number;
}

export type ComponentDecryption = { status: 'ok'; plaintext: Uint8Array } | { status: 'invalid' } | { status: 'no-key' };

function componentKey(f: ComponentKeyFields, crypto: GbcsCrypto): Promise<Uint8Array | null> {
  const otherInfo = kdfOtherInfo({ originator: f.originator, keyUse: KeyUse.payloadEncryption, counter: f.counter, recipient: f.recipient });
  return crypto.agreeKey({ partyA: f.originator, partyB: f.recipient, otherInfo });
}

function checkComponentSecurityControl(sc: number): void {
  if (sc !== SECURITY_CONTROL_ENCRYPTED) throw new EncodeError(`component security control must be ${hex2(SECURITY_CONTROL_ENCRYPTED)} (authenticated and encrypted, suite 1), got ${hex2(sc)}`);
}

/** Decrypts the ciphertext of an encrypted GBZ component (the ZCL payload after its clear ZCL header). */
export async function decryptComponent(
  input: ComponentKeyFields & ComponentSecurityHeader & { ciphertext: Uint8Array; tag: Uint8Array },
  crypto: GbcsCrypto,
): Promise<ComponentDecryption> {
  const sc = input.securityControl ?? SECURITY_CONTROL_ENCRYPTED;
  checkComponentSecurityControl(sc);
  if (input.tag.length !== GBCS_TAG_LENGTH) return { status: 'invalid' };
  const key = await componentKey(input, crypto);
  if (!key) return { status: 'no-key' };
  const plaintext = await crypto.gcmDecrypt(key, gcmIv(input.originator, input.invocationCounter ?? 0), componentAad(sc), input.ciphertext, input.tag);
  return plaintext ? { status: 'ok', plaintext } : { status: 'invalid' };
}

/** Encrypts a GBZ component's ZCL payload; null when the key store cannot agree the key. */
export async function encryptComponent(
  input: ComponentKeyFields & ComponentSecurityHeader & { plaintext: Uint8Array },
  crypto: GbcsCrypto,
): Promise<{ ciphertext: Uint8Array; tag: Uint8Array } | null> {
  const sc = input.securityControl ?? SECURITY_CONTROL_ENCRYPTED;
  checkComponentSecurityControl(sc);
  const key = await componentKey(input, crypto);
  if (!key) return null;
  return crypto.gcmEncrypt(key, gcmIv(input.originator, input.invocationCounter ?? 0), componentAad(sc), input.plaintext);
}

/** The ciphered information of an encrypted component: security header, ciphertext, tag. */
export interface CipheredInformation {
  securityControl: number;
  invocationCounter: number;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

/**
 * Splits `31 00000000 ciphertext tag(12)` (the bytes after the component's 2-octet ciphered
 * length). `base` is the offset of `bytes[0]` in the outer message, for errors.
 */
export function readCipheredInformation(bytes: Uint8Array, base = 0): CipheredInformation {
  const r = new ByteReader(bytes, base);
  const securityControl = r.u8('security control');
  const invocationCounter = r.u32be('invocation counter');
  if (r.remaining < GBCS_TAG_LENGTH) throw new DecodeError(r.offset, `ciphertext and a ${GBCS_TAG_LENGTH}-octet tag`, `${r.remaining} octets`);
  const ciphertext = r.take(r.remaining - GBCS_TAG_LENGTH, 'ciphertext');
  const tag = r.take(GBCS_TAG_LENGTH, 'tag');
  return { securityControl, invocationCounter, ciphertext, tag };
}

/** The mirror of readCipheredInformation (without the 2-octet length, which the GBZ writer adds). */
export function encodeCipheredInformation(c: CipheredInformation): Uint8Array {
  if (c.tag.length !== GBCS_TAG_LENGTH) throw new EncodeError(`tag must be ${GBCS_TAG_LENGTH} octets, got ${c.tag.length}`);
  return new ByteWriter().u8(c.securityControl).u32be(c.invocationCounter).bytes(c.ciphertext).bytes(c.tag).finish();
}
