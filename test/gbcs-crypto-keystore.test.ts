/**
 * The Node key store behind GbcsCrypto: what the RTDS keystore holds, absent keys (null, never a
 * throw) and malformed files (an Error naming the file).
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RTDS_VECTORS } from '../bench/vectors.ts';
import { fromHex } from '../firmware/codec/hex.ts';
import { decryptComponent, encryptComponent, kdfOtherInfo, KeyUse, verifyWrapperMac } from '../firmware/gbcs/security.ts';
import { createNodeGbcsCrypto, emptyKeystore, loadKeystore, RemotePartyRole } from '../sim/crypto/index.ts';

const VECTORS = RTDS_VECTORS;
const KEYSTORE = new URL('keystore/', VECTORS);
const GCS13A_RESPONSE = fromHex(
  // GCS13a SUCCESS_RELIABLE_GPF RESPONSE
  'DD0000000000007D1100000000DF090200000000000003E90800DB1234567890A30890B3D51F300100000C07DF0101FF000000008000000200743D01090103070200350000180001002E310000000091901C6BCFE6CEB6DCE66F5ED7E43326950EADA69EA8A4B33BF60ECF4B419FE4B34B5296381D9C7CE100D1232B311E9E76979F4A6FB9',
);

const device = fromHex('00DB1234567890A3');
const supplier = fromHex('90B3D51F30010000');
const otherInfo = kdfOtherInfo({ originator: device, keyUse: KeyUse.payloadEncryption, counter: 0x3e9n, recipient: supplier });

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hanlab-keystore-'));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('loadKeystore on the RTDS keystore', () => {
  const ks = loadKeystore(KEYSTORE);

  it('holds certificates for every party and private keys only for the DCC-side organisations', () => {
    const withPrivate = ks
      .entries()
      .filter((e) => e.privateKey && e.usage === 'ka' && !e.variant)
      .map((e) => e.eui)
      .sort();
    expect(withPrivate).toEqual(['123456789abcdef0', '90b3d51f30000002', '90b3d51f30000007', '90b3d51f30010000', '90b3d51f30010008', '90b3d51f30020000', '90b3d51f30030000', 'abababababababab']);
    for (const eui of ['00db1234567890a1', '00db1234567890a3']) {
      const e = ks.get(eui, 'ka');
      expect(e?.certificate).toBeDefined();
      expect(e?.privateKey).toBeUndefined();
    }
    expect(ks.get(supplier, 'ka')?.role).toBe(RemotePartyRole.supplier);
    expect(ks.get('90b3d51f30010000', 'ka', 'pp')?.privateKey).toBeDefined();
    expect(ks.get('0000000000000000', 'ka')).toBeUndefined();
  });

  it('agrees a key with our private key and their certificate, either way round', async () => {
    const crypto = createNodeGbcsCrypto(ks);
    const ab = await crypto.agreeKey({ partyA: device, partyB: supplier, otherInfo });
    const ba = await crypto.agreeKey({ partyA: supplier, partyB: device, otherInfo });
    expect(ab?.length).toBe(16);
    expect(ba).toEqual(ab);
  });

  it('resolves null when neither side has a private key, or a party is unknown', async () => {
    const crypto = createNodeGbcsCrypto(ks);
    expect(await crypto.agreeKey({ partyA: device, partyB: fromHex('00DB1234567890A1'), otherInfo })).toBeNull();
    expect(await crypto.agreeKey({ partyA: fromHex('0102030405060708'), partyB: supplier, otherInfo })).toBeNull();
  });
});

describe('without a key store', () => {
  const crypto = createNodeGbcsCrypto();

  it('agreeKey resolves null; MAC checks say no-key; components cannot be opened or made', async () => {
    expect(await crypto.agreeKey({ partyA: device, partyB: supplier, otherInfo })).toBeNull();
    expect(await createNodeGbcsCrypto(emptyKeystore()).agreeKey({ partyA: device, partyB: supplier, otherInfo })).toBeNull();
    expect(await verifyWrapperMac(GCS13A_RESPONSE, crypto)).toBe('no-key');
    const fields = { originator: device, recipient: supplier, counter: 0x3e9n };
    expect(await decryptComponent({ ...fields, ciphertext: new Uint8Array(3), tag: new Uint8Array(12) }, crypto)).toEqual({ status: 'no-key' });
    expect(await encryptComponent({ ...fields, plaintext: new Uint8Array(3) }, crypto)).toBeNull();
  });

  it('still does AES-GCM', async () => {
    const key = new Uint8Array(16).fill(1);
    const iv = new Uint8Array(12);
    const { ciphertext, tag } = await crypto.gcmEncrypt(key, iv, Uint8Array.of(0x31), Uint8Array.of(1, 2, 3));
    expect(tag.length).toBe(12);
    expect(await crypto.gcmDecrypt(key, iv, Uint8Array.of(0x31), ciphertext, tag)).toEqual(Uint8Array.of(1, 2, 3));
    expect(await crypto.gcmDecrypt(key, iv, Uint8Array.of(0x11), ciphertext, tag)).toBeNull();
  });
});

describe('a key store with only some keys', () => {
  it('decrypts with the supplier private key and the device certificate alone', async () => {
    const dir = tempDir();
    const src = fileURLToPath(KEYSTORE);
    copyFileSync(join(src, '90b3d51f30010000-ka.key'), join(dir, '90b3d51f30010000-ka.key'));
    copyFileSync(join(src, '00db1234567890a3-ka.pem'), join(dir, '00db1234567890a3-ka.pem'));
    writeFileSync(join(dir, 'README.txt'), 'ignored');
    const crypto = createNodeGbcsCrypto(loadKeystore(dir));
    expect(await verifyWrapperMac(GCS13A_RESPONSE, crypto)).toBe('valid');
  });
});

describe('malformed key files', () => {
  it('names the file that is not a key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '0011223344556677-ka.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    expect(() => loadKeystore(dir)).toThrow(/0011223344556677-ka\.pem: malformed key or certificate/);
    const dir2 = tempDir();
    writeFileSync(join(dir2, '0011223344556677-ka.key'), 'garbage');
    expect(() => loadKeystore(dir2)).toThrow(/0011223344556677-ka\.key: not a PEM or DER/);
  });

  it('names a key-agreement key that is not P-256, and a private key that does not match its certificate', () => {
    const dir = tempDir();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    writeFileSync(join(dir, '0011223344556677-ka.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadKeystore(dir)).toThrow(/0011223344556677-ka\.key: key-agreement key must be EC P-256/);

    const dir2 = tempDir();
    const src = fileURLToPath(KEYSTORE);
    copyFileSync(join(src, '90b3d51f30010000-ka.key'), join(dir2, '90b3d51f30020000-ka.key'));
    copyFileSync(join(src, '90b3d51f30020000-ka.pem'), join(dir2, '90b3d51f30020000-ka.pem'));
    expect(() => loadKeystore(dir2)).toThrow(/90b3d51f30020000-ka\.key.*private key does not match/);
  });

  it('names a missing directory', () => {
    expect(() => loadKeystore(join(tmpdir(), 'hanlab-no-such-keystore'))).toThrow(/cannot read directory .*hanlab-no-such-keystore/);
  });
});
