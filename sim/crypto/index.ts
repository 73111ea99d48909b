export { emptyKeystore, euiKey, loadKeystore, RemotePartyRole } from './keystore.ts';
export type { Keystore, KeystoreEntry, KeyUsage } from './keystore.ts';
export { concatKdfSha256, createNodeGbcsCrypto } from './node-gbcs-crypto.ts';
