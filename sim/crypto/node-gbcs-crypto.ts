/**
 * `GbcsCrypto` on node:crypto: P-256 ECDH from a key store, the SP 800-56A concatenation KDF
 * with SHA-256, and AES-128-GCM with 12-octet tags.
 */
import { createCipheriv, createDecipheriv, createHash, diffieHellman } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { GBCS_KEY_LENGTH, GBCS_TAG_LENGTH, SYSTEM_TITLE_LENGTH } from '../../firmware/gbcs/security.ts';
import type { GbcsCrypto, KeyAgreementInput } from '../../firmware/gbcs/security.ts';
import { emptyKeystore } from './keystore.ts';
import type { Keystore } from './keystore.ts';

/**
 * NIST SP 800-56A concatenation KDF (single-step, hash = SHA-256):
 * K = leftmost keyBits of H(00000001 ‖ Z ‖ OtherInfo) ‖ H(00000002 ‖ Z ‖ OtherInfo) ‖ …
 */
export function concatKdfSha256(z: Uint8Array, otherInfo: Uint8Array, keyBits = GBCS_KEY_LENGTH * 8): Uint8Array {
  const bytes = Math.ceil(keyBits / 8);
  const out = new Uint8Array(bytes);
  const counter = new Uint8Array(4);
  for (let i = 1, at = 0; at < bytes; i++) {
    new DataView(counter.buffer).setUint32(0, i, false);
    const block = createHash('sha256').update(counter).update(z).update(otherInfo).digest();
    out.set(block.subarray(0, Math.min(block.length, bytes - at)), at);
    at += block.length;
  }
  return out;
}

function checkAes(key: Uint8Array, iv: Uint8Array): void {
  if (key.length !== GBCS_KEY_LENGTH) throw new RangeError(`AES-128 key must be ${GBCS_KEY_LENGTH} octets, got ${key.length}`);
  if (iv.length !== 12) throw new RangeError(`GCM IV must be 12 octets, got ${iv.length}`);
}

/** The ECDH shared secret Z (x-coordinate, 32 octets). */
function sharedSecret(privateKey: KeyObject, publicKey: KeyObject): Uint8Array {
  return new Uint8Array(diffieHellman({ privateKey, publicKey }));
}

/**
 * A GbcsCrypto whose key agreement uses `keystore` (absent: no keys, every agreeKey → null).
 * For a pair of parties it needs one party's key-agreement private key and the other's public
 * key (certificate); it tries both ways round.
 */
export function createNodeGbcsCrypto(keystore: Keystore = emptyKeystore()): GbcsCrypto {
  return {
    async agreeKey(input: KeyAgreementInput): Promise<Uint8Array | null> {
      for (const p of [input.partyA, input.partyB]) {
        if (p.length !== SYSTEM_TITLE_LENGTH) throw new RangeError(`party entity id must be ${SYSTEM_TITLE_LENGTH} octets, got ${p.length}`);
      }
      const a = keystore.get(input.partyA, 'ka');
      const b = keystore.get(input.partyB, 'ka');
      if (!a || !b) return null;
      let z: Uint8Array;
      if (a.privateKey) z = sharedSecret(a.privateKey, b.publicKey);
      else if (b.privateKey) z = sharedSecret(b.privateKey, a.publicKey);
      else return null;
      return concatKdfSha256(z, input.otherInfo);
    },

    async gcmEncrypt(key, iv, aad, plaintext) {
      checkAes(key, iv);
      const cipher = createCipheriv('aes-128-gcm', key, iv, { authTagLength: GBCS_TAG_LENGTH });
      cipher.setAAD(aad);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      const ciphertext = new Uint8Array(head.length + tail.length);
      ciphertext.set(head, 0);
      ciphertext.set(tail, head.length);
      return { ciphertext, tag: new Uint8Array(cipher.getAuthTag()) };
    },

    async gcmDecrypt(key, iv, aad, ciphertext, tag) {
      checkAes(key, iv);
      if (tag.length !== GBCS_TAG_LENGTH) return null;
      const decipher = createDecipheriv('aes-128-gcm', key, iv, { authTagLength: GBCS_TAG_LENGTH });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      const head = decipher.update(ciphertext);
      try {
        const tail = decipher.final();
        const plaintext = new Uint8Array(head.length + tail.length);
        plaintext.set(head, 0);
        plaintext.set(tail, head.length);
        return plaintext;
      } catch {
        return null;
      }
    },
  };
}
