export { emptyKeystore, euiKey, extendKeystore, loadKeystore, RemotePartyRole } from './keystore.ts';
export { simulatedDeviceKey } from './device-keys.ts';
export type { Keystore, KeystoreEntry, KeyUsage } from './keystore.ts';
export { concatKdfSha256, createNodeGbcsCrypto } from './node-gbcs-crypto.ts';
