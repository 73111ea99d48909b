import { createECDH, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { euiKey } from './keystore.ts';
import type { KeystoreEntry } from './keystore.ts';

// Order of the P-256 group: a private scalar must lie in [1, n−1].
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * A key-agreement key pair for a simulated device, derived from its EUI and the run's seed. The
 * RTDS key store holds private keys for the remote parties only (suppliers, the ACB), never for
 * devices, so a simulated comms hub needs keys of its own; deriving them keeps a run's bytes,
 * MACs and ciphertexts included, the same for the same seed. Test keys: never for a real device.
 */
export function simulatedDeviceKey(eui: string, seed: number): KeystoreEntry {
  let counter = 0;
  let d = 0n;
  do {
    const h = createHash('sha256').update(`hanlab simulated device key-agreement key\0${euiKey(eui)}\0${seed}\0${counter++}`).digest();
    d = BigInt('0x' + h.toString('hex')) % P256_N;
  } while (d === 0n);
  const dBytes = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(dBytes);
  const pub = ecdh.getPublicKey();
  const b64 = (b: Buffer) => b.toString('base64url');
  const jwk = { kty: 'EC', crv: 'P-256', x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33, 65)) };
  return {
    eui: euiKey(eui),
    usage: 'ka',
    privateKey: createPrivateKey({ key: { ...jwk, d: b64(dBytes) }, format: 'jwk' }),
    publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
    files: [],
  };
}
