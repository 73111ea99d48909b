import type { GbcsCrypto } from '../../firmware/gbcs/security.ts';
import { createNodeGbcsCrypto, emptyKeystore, extendKeystore, simulatedDeviceKey } from '../crypto/index.ts';
import { toHex } from '../../firmware/codec/hex.ts';
import { ACCESS_CONTROL_BROKER } from './hub.ts';
import { SUPPLIER } from './parties.ts';

/**
 * The WAN's key agreement in a simulation: seeded key pairs for the supplier, the Access Control
 * Broker and every simulated GSME, so a run needs no key files and its MACs and ciphertexts are
 * the same for the same seed. (`hanlab decode --keystore` is for real RTDS material.)
 */
export function simulatedWanCrypto(seed: number, deviceEuis: readonly string[]): GbcsCrypto {
  const parties = [SUPPLIER, toHex(ACCESS_CONTROL_BROKER), ...deviceEuis];
  return createNodeGbcsCrypto(extendKeystore(emptyKeystore(), parties.map((eui) => simulatedDeviceKey(eui, seed))));
}
