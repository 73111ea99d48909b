/**
 * GBCS cryptography against the RTDS 4.5.0 vectors: every wrapper MAC, every encrypted GBZ
 * component, and the pure constructions (OtherInfo, IV, AAD).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { RTDS_VECTORS } from '../bench/vectors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import {
  componentAad,
  computeWrapperMac,
  decryptComponent,
  encodeCipheredInformation,
  encryptComponent,
  gcmIv,
  kdfOtherInfo,
  KeyUse,
  readCipheredInformation,
  readGeneralCipheringEnvelope,
  sealWrapperMac,
  verifyWrapperMac,
  wrapperMacAad,
} from '../firmware/gbcs/security.ts';
import type { GbcsCrypto, MacKeyOptions } from '../firmware/gbcs/security.ts';
import { concatKdfSha256, createNodeGbcsCrypto, loadKeystore, RemotePartyRole } from '../sim/crypto/index.ts';
import type { Keystore } from '../sim/crypto/index.ts';

const VECTORS = RTDS_VECTORS;
const KEYSTORE = new URL('keystore/', VECTORS);

interface Vector {
  name: string;
  useCase: string;
  kind: 'COMMAND' | 'RESPONSE';
  bytes: Uint8Array;
}

function loadVectors(): Vector[] {
  const root = fileURLToPath(VECTORS);
  const out: Vector[] = [];
  for (const dir of readdirSync(root).filter((d) => d.includes('_')).sort()) {
    for (const file of readdirSync(`${root}/${dir}`).filter((f) => f.endsWith('.HEX')).sort()) {
      const kind = file.includes('_COMMAND_') ? 'COMMAND' : file.includes('_RESPONSE_') ? 'RESPONSE' : undefined;
      if (!kind) continue;
      out.push({ name: file.replace(/_GBCS\.HEX$/, ''), useCase: file.split('_')[0]!, kind, bytes: fromHex(readFileSync(`${root}/${dir}/${file}`, 'utf8')) });
    }
  }
  return out;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`vector layout: ${what}`);
}

// --- tiny local slicers (the real GBCS/GBZ/ZCL parsers live elsewhere) -------------------------

interface EncryptedComponent {
  cluster: number;
  /** Offset of the ciphered information (security header) in the message. */
  offset: number;
  cipheredInfo: Uint8Array;
}

/** Encrypted GBZ components of a message, by walking grouping header → GBZ. */
function encryptedComponents(message: Uint8Array): EncryptedComponent[] {
  const env = readGeneralCipheringEnvelope(message);
  const info = env.information;
  const base = info.byteOffset - message.byteOffset;
  let p = 2 + 1 + 8 + 9 + 9; // DF09, CRA, counter, originator, recipient
  p += info[p] === 0 ? 1 : 1 + info[p]!; // date-time
  p += 1 + info[p]!; // other information (message code …)
  let contentLength = info[p++]!;
  if (contentLength === 0x81) contentLength = info[p++]!;
  else if (contentLength === 0x82) {
    contentLength = (info[p]! << 8) | info[p + 1]!;
    p += 2;
  }
  check(info[p] === 0x01 && info[p + 1] === 0x09, 'GBZ profile 0x0109');
  const count = info[p + 2]!;
  let q = p + 3;
  const out: EncryptedComponent[] = [];
  for (let i = 0; i < count; i++) {
    const ctrl = info[q]!;
    check((ctrl & 0x10) === 0, 'no from-date-time in these vectors');
    const cluster = (info[q + 1]! << 8) | info[q + 2]!;
    const length = (info[q + 3]! << 8) | info[q + 4]!;
    const body = q + 5;
    if (ctrl & 0x02) {
      // additional header control, frame counter, ZCL frame control, sequence, command, ciphered length
      const cipheredLength = (info[body + 5]! << 8) | info[body + 6]!;
      check(7 + cipheredLength === length, 'ciphered length fills the component');
      out.push({ cluster, offset: base + body + 7, cipheredInfo: info.subarray(body + 7, body + 7 + cipheredLength) });
    }
    q = body + length;
  }
  check(q === p + contentLength, 'components fill the content');
  return out;
}

interface AttributeRecord {
  id: number;
  status: number;
  type?: number;
  value?: number;
}

const SIZE: Record<number, number> = { 0x18: 1, 0x19: 2, 0x20: 1, 0x21: 2, 0x22: 3, 0x23: 4, 0x25: 6, 0x2b: 4, 0x30: 1, 0xe2: 4 };

/** ZCL Read Attributes Response payload (records only; the ZCL header travels in clear). */
function readAttributesResponse(payload: Uint8Array): AttributeRecord[] {
  const out: AttributeRecord[] = [];
  let p = 0;
  while (p < payload.length) {
    const id = payload[p]! | (payload[p + 1]! << 8);
    const status = payload[p + 2]!;
    p += 3;
    if (status !== 0) {
      out.push({ id, status });
      continue;
    }
    const type = payload[p++]!;
    const n = SIZE[type];
    if (n === undefined) throw new Error(`type 0x${type.toString(16)} not in this test's table`);
    let value = 0;
    for (let i = n - 1; i >= 0; i--) value = value * 256 + payload[p + i]!;
    if (type === 0x2b && value >= 2 ** 31) value -= 2 ** 32;
    p += n;
    out.push({ id, status, type, value });
  }
  check(p === payload.length, 'records fill the payload');
  return out;
}

const EXPECTED_ATTRIBUTES: Record<string, number[]> = {
  GCS13a: [0x0302, 0x0301, 0x0300, 0x0000],
  GCS13b: [0x0700, 0x0701, 0x0702, 0x0703, 0x0302, 0x0301, 0x0300],
  GCS13c: [0x0302, 0x0301, 0x0300, 0x0100, 0x0102, 0x0104, 0x0106],
  GCS14: [0x0005, 0x0002, 0x0001, 0x0231, 0x0211, 0x0221],
};

const EXPECTED_CLUSTER: Record<string, number> = { GCS13a: 0x0702, GCS13b: 0x0702, GCS13c: 0x0702, GCS14: 0x0705 };

function flipBit(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[index] = out[index]! ^ (1 << bit);
  return out;
}

const h = (s: string): Uint8Array => fromHex(s);

// -----------------------------------------------------------------------------------------------

const vectors = loadVectors();
const responsesWithEncryption = vectors.filter((v) => v.kind === 'RESPONSE' && encryptedComponents(v.bytes).length > 0);

let keystore: Keystore;
let crypto: GbcsCrypto;
let options: MacKeyOptions;

beforeAll(() => {
  keystore = loadKeystore(KEYSTORE);
  crypto = createNodeGbcsCrypto(keystore);
  const acbs = keystore.withRole(RemotePartyRole.accessControlBroker, 'ka');
  expect(acbs.map((e) => e.eui)).toEqual(['90b3d51f30000002']);
  options = { accessControlBroker: h(acbs[0]!.eui) };
});

describe('RTDS vector set', () => {
  it('has every COMMAND/RESPONSE of the five use cases, and 15 responses with an encrypted component', () => {
    expect(vectors).toHaveLength(36);
    expect(responsesWithEncryption.map((v) => v.name).sort()).toEqual([
      'GCS13a_4.1.1_ERROR_RESPONSE',
      'GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE',
      'GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE',
      'GCS13a_4.1.1_SUCCESS_UNRELIABLE_RESPONSE',
      'GCS13c_4.1.2_ERROR_RESPONSE',
      'GCS13c_4.1.2_SUCCESS_RELIABLE_GPF_RESPONSE',
      'GCS13c_4.1.2_SUCCESS_RELIABLE_GSME_RESPONSE',
      'GCS13c_4.1.2_SUCCESS_UNRELIABLE_RESPONSE',
      'GCS13b_4.1.4_ERROR_RESPONSE',
      'GCS13b_4.1.4_SUCCESS_RELIABLE_GPF_RESPONSE',
      'GCS13b_4.1.4_SUCCESS_RELIABLE_GSME_RESPONSE',
      'GCS13b_4.1.4_SUCCESS_UNRELIABLE_RESPONSE',
      'GCS14_4.3_SUCCESS_RELIABLE_GPF_RESPONSE',
      'GCS14_4.3_SUCCESS_RELIABLE_GSME_RESPONSE',
      'GCS14_4.3_SUCCESS_UNRELIABLE_RESPONSE',
    ].sort());
  });
});

describe('wrapper MAC (GMAC over the general-signing APDU)', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s verifies', async (_name, v) => {
    expect(await verifyWrapperMac(v.bytes, crypto, options)).toBe('valid');
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: recomputing gives the same MAC, and sealing restores it', async (_name, v) => {
    const env = readGeneralCipheringEnvelope(v.bytes);
    const mac = await computeWrapperMac(env, crypto, options);
    expect(mac && toHex(mac)).toBe(toHex(env.mac));
    const blank = v.bytes.slice();
    blank.fill(0, env.macOffset);
    const sealed = await sealWrapperMac(blank, crypto, options);
    expect(sealed && toHex(sealed)).toBe(toHex(v.bytes));
  });

  it('fails when one bit of the MAC, the counter, the payload or the security control changes', async () => {
    for (const v of [vectors.find((x) => x.name === 'GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_COMMAND')!, vectors.find((x) => x.name === 'GCS14_4.3_SUCCESS_RELIABLE_GPF_RESPONSE')!]) {
      const env = readGeneralCipheringEnvelope(v.bytes);
      const infoAt = env.information.byteOffset - v.bytes.byteOffset;
      expect(await verifyWrapperMac(flipBit(v.bytes, env.macOffset + 11, 7), crypto, options)).toBe('invalid'); // MAC
      expect(await verifyWrapperMac(flipBit(v.bytes, infoAt + 10), crypto, options)).toBe('invalid'); // counter, last octet
      expect(await verifyWrapperMac(flipBit(v.bytes, env.macOffset - 2, 3), crypto, options)).toBe('invalid'); // GBZ payload
      // a different security suite would mean a different algorithm: refused outright
      await expect(verifyWrapperMac(flipBit(v.bytes, env.securityHeaderOffset), crypto, options)).rejects.toThrow(/security control 0x11/);
    }
  });

  it('cannot check a command without knowing the Access Control Broker', async () => {
    const cmd = vectors.find((x) => x.kind === 'COMMAND')!;
    expect(await verifyWrapperMac(cmd.bytes, crypto)).toBe('no-key');
    // …and a command "MACed by its originator" (the supplier) is not what RTDS does
    const env = readGeneralCipheringEnvelope(cmd.bytes);
    expect(await verifyWrapperMac(cmd.bytes, crypto, { accessControlBroker: env.originator })).toBe('invalid');
  });
});

describe('encrypted GBZ components (AES-128-GCM, AAD = 0x31)', () => {
  it.each(responsesWithEncryption.map((v) => [v.name, v] as const))('%s decrypts to the use case’s Read Attributes Response and re-encrypts identically', async (_name, v) => {
    const env = readGeneralCipheringEnvelope(v.bytes);
    const [component, ...more] = encryptedComponents(v.bytes);
    expect(more).toEqual([]);
    expect(component!.cluster).toBe(EXPECTED_CLUSTER[v.useCase]);
    const ci = readCipheredInformation(component!.cipheredInfo, component!.offset);
    expect([ci.securityControl, ci.invocationCounter, ci.tag.length]).toEqual([0x31, 0, 12]);
    const fields = { originator: env.originator, recipient: env.recipient, counter: env.counter };
    const result = await decryptComponent({ ...fields, ciphertext: ci.ciphertext, tag: ci.tag }, crypto);
    if (result.status !== 'ok') throw new Error(`decryption ${result.status}`);
    const records = readAttributesResponse(result.plaintext);
    expect(records.map((r) => r.id)).toEqual(EXPECTED_ATTRIBUTES[v.useCase]);
    if (!v.name.includes('ERROR')) expect(records.every((r) => r.status === 0)).toBe(true);

    const again = await encryptComponent({ ...fields, plaintext: result.plaintext }, crypto);
    expect(again && toHex(encodeCipheredInformation({ securityControl: 0x31, invocationCounter: 0, ...again }))).toBe(toHex(component!.cipheredInfo));
  });

  it('GCS13a: CurrentSummationDelivered 12345, divisor 1000, multiplier 1, unit m³', async () => {
    const v = vectors.find((x) => x.name === 'GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE')!;
    const env = readGeneralCipheringEnvelope(v.bytes);
    const ci = readCipheredInformation(encryptedComponents(v.bytes)[0]!.cipheredInfo);
    const result = await decryptComponent({ originator: env.originator, recipient: env.recipient, counter: env.counter, ...ci }, crypto);
    expect(result.status === 'ok' && toHex(result.plaintext)).toBe('02030022E8030001030022010000000300300100000025393000000000');
    const records = readAttributesResponse((result as { plaintext: Uint8Array }).plaintext);
    expect(records).toEqual([
      { id: 0x0302, status: 0, type: 0x22, value: 1000 },
      { id: 0x0301, status: 0, type: 0x22, value: 1 },
      { id: 0x0300, status: 0, type: 0x30, value: 1 },
      { id: 0x0000, status: 0, type: 0x25, value: 12345 },
    ]);
  });

  it('GCS13a ERROR: the divisor read failed with HARDWARE_FAILURE', async () => {
    const v = vectors.find((x) => x.name === 'GCS13a_4.1.1_ERROR_RESPONSE')!;
    const env = readGeneralCipheringEnvelope(v.bytes);
    const ci = readCipheredInformation(encryptedComponents(v.bytes)[0]!.cipheredInfo);
    const result = await decryptComponent({ originator: env.originator, recipient: env.recipient, counter: env.counter, ...ci }, crypto);
    const records = readAttributesResponse((result as { plaintext: Uint8Array }).plaintext);
    expect(records[0]).toEqual({ id: 0x0302, status: 0xc0 });
    expect(records[3]).toEqual({ id: 0x0000, status: 0, type: 0x25, value: 12345 });
  });

  it('GCS13b/GCS13c: block and TOU registers', async () => {
    const values = async (name: string): Promise<Record<number, number | undefined>> => {
      const v = vectors.find((x) => x.name === name)!;
      const env = readGeneralCipheringEnvelope(v.bytes);
      const ci = readCipheredInformation(encryptedComponents(v.bytes)[0]!.cipheredInfo);
      const r = await decryptComponent({ originator: env.originator, recipient: env.recipient, counter: env.counter, ...ci }, crypto);
      return Object.fromEntries(readAttributesResponse((r as { plaintext: Uint8Array }).plaintext).map((x) => [x.id, x.value]));
    };
    expect(await values('GCS13b_4.1.4_SUCCESS_RELIABLE_GPF_RESPONSE')).toMatchObject({ 0x0700: 0, 0x0701: 1, 0x0702: 2, 0x0703: 3, 0x0302: 1000 });
    expect(await values('GCS13c_4.1.2_SUCCESS_RELIABLE_GPF_RESPONSE')).toMatchObject({ 0x0100: 1000, 0x0102: 2000, 0x0104: 3000, 0x0106: 4000 });
  });

  it('GCS14 component 2: CreditRemaining £25, EmergencyCreditRemaining £5, debts', async () => {
    const v = vectors.find((x) => x.name === 'GCS14_4.3_SUCCESS_RELIABLE_GSME_RESPONSE')!;
    const env = readGeneralCipheringEnvelope(v.bytes);
    const ci = readCipheredInformation(encryptedComponents(v.bytes)[0]!.cipheredInfo);
    const result = await decryptComponent({ originator: env.originator, recipient: env.recipient, counter: env.counter, ...ci }, crypto);
    const records = readAttributesResponse((result as { plaintext: Uint8Array }).plaintext);
    expect(records).toEqual([
      { id: 0x0005, status: 0, type: 0x2b, value: 2_500_000 }, // AccumulatedDebt
      { id: 0x0002, status: 0, type: 0x2b, value: 500_000 }, // EmergencyCreditRemaining
      { id: 0x0001, status: 0, type: 0x2b, value: 2_500_000 }, // CreditRemaining
      { id: 0x0231, status: 0, type: 0x23, value: 5000 },
      { id: 0x0211, status: 0, type: 0x23, value: 5000 },
      { id: 0x0221, status: 0, type: 0x23, value: 5000 },
    ]);
  });

  it('refuses a flipped ciphertext or tag bit, or the wrong counter', async () => {
    const v = vectors.find((x) => x.name === 'GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE')!;
    const env = readGeneralCipheringEnvelope(v.bytes);
    const ci = readCipheredInformation(encryptedComponents(v.bytes)[0]!.cipheredInfo);
    const f = { originator: env.originator, recipient: env.recipient, counter: env.counter };
    expect((await decryptComponent({ ...f, ciphertext: flipBit(ci.ciphertext, 0), tag: ci.tag }, crypto)).status).toBe('invalid');
    expect((await decryptComponent({ ...f, ciphertext: ci.ciphertext, tag: flipBit(ci.tag, 11, 7) }, crypto)).status).toBe('invalid');
    expect((await decryptComponent({ ...f, counter: f.counter + 1n, ciphertext: ci.ciphertext, tag: ci.tag }, crypto)).status).toBe('invalid');
    expect((await decryptComponent({ ...f, ciphertext: ci.ciphertext, tag: ci.tag.subarray(0, 11) }, crypto)).status).toBe('invalid');
  });
});

describe('constructions', () => {
  const device = h('00DB1234567890A3');
  const supplier = h('90B3D51F30010000');

  it('OtherInfo = AlgorithmID ‖ originator ‖ 09 ‖ key use ‖ counter ‖ recipient', () => {
    expect(toHex(kdfOtherInfo({ originator: device, keyUse: KeyUse.payloadEncryption, counter: 0x3e9n, recipient: supplier }))).toBe(
      '60857406080300' + '00DB1234567890A3' + '09' + '04' + '00000000000003E9' + '90B3D51F30010000',
    );
    expect(toHex(kdfOtherInfo({ originator: supplier, keyUse: KeyUse.commandMac, counter: 0x3e9n, recipient: device })).slice(30, 34)).toBe('0901');
    expect(() => kdfOtherInfo({ originator: device.subarray(1), keyUse: 1, counter: 0n, recipient: supplier })).toThrow(/8 octets/);
  });

  it('IV = originator system title ‖ invocation counter; AADs', () => {
    expect(toHex(gcmIv(device))).toBe('00DB1234567890A300000000');
    expect(toHex(gcmIv(device, 0x01020304))).toBe('00DB1234567890A301020304');
    expect(toHex(componentAad())).toBe('31');
    expect(toHex(wrapperMacAad(0x11, new Uint8Array(5), h('DF09')))).toBe('110000000000DF09');
  });

  it('the envelope slicer finds the grouping-header fields', () => {
    const v = vectors.find((x) => x.name === 'GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_RESPONSE')!;
    const env = readGeneralCipheringEnvelope(v.bytes);
    expect([env.craFlag, env.counter, toHex(env.originator), toHex(env.recipient), env.securityControl, env.invocationCounter, toHex(env.cipheringFields)]).toEqual([
      2, 0x3e9n, '00DB1234567890A3', '90B3D51F30010000', 0x11, 0, '0000000000',
    ]);
    expect(env.macOffset).toBe(v.bytes.length - 12);
    expect(() => readGeneralCipheringEnvelope(v.bytes.subarray(0, 40))).toThrow(/at byte 8: expected ciphered content/);
  });

  it('KDF known answers (keys published in SmartDCC gbcs-parser test/crypto.test.ts for the same test keys)', async () => {
    const a0 = h('00DB1234567890A0');
    const acb = h('90B3D51F30000002');
    const key = async (a: Uint8Array, b: Uint8Array, originator: Uint8Array, keyUse: 1 | 2 | 3 | 4, counter: bigint, recipient: Uint8Array) => {
      const k = await crypto.agreeKey({ partyA: a, partyB: b, otherInfo: kdfOtherInfo({ originator, keyUse, counter, recipient }) });
      return k && toHex(k);
    };
    expect(await key(acb, a0, supplier, 1, 0x100000000n, a0)).toBe('6A93E360717394015DF93E031218C9A6');
    expect(await key(supplier, a0, a0, 2, 0x100000000n, supplier)).toBe('03FD30815577C49EB7E3834B63EF8302');
    expect(await key(a0, supplier, a0, 3, 0x7d1n, supplier)).toBe('558FB1FA6660AF0D9E8365C47804B8FA'); // order of parties irrelevant
  });

  it('concatenation KDF: one SHA-256 block per 256 bits, counter big-endian from 1', () => {
    const z = new Uint8Array(32).fill(7);
    const long = concatKdfSha256(z, h('AA'), 512);
    expect(long.length).toBe(64);
    expect(toHex(concatKdfSha256(z, h('AA'), 128))).toBe(toHex(long.subarray(0, 16)));
    expect(toHex(long.subarray(0, 32))).not.toBe(toHex(long.subarray(32)));
  });
});
