/**
 * A GBCS key store read from a directory of PEM files, as in the RTDS test keystore:
 * `<eui>-ka.pem` / `<eui>-ds.pem` (certificate, or a bare public key) and `<eui>-ka.key` /
 * `<eui>-ds.key` (PKCS#8 or SEC1 private key, PEM or DER), the EUI as 16 hex digits.
 * A qualifier between the EUI and the usage (`90b3d51f30010000-pp-ka.key`) is kept as a
 * `variant`; key agreement uses the plain (variant-less) keys.
 *
 * Everything is read and checked when the store is loaded, so a malformed file is reported at
 * once, by name; later look-ups of absent keys simply return undefined.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KeyUsage = 'ka' | 'ds';

/** Remote-party roles seen in certificate subjects (OU) of the RTDS keystore. */
export const RemotePartyRole = { supplier: 2, accessControlBroker: 4 } as const;

export interface KeystoreEntry {
  /** 16 lowercase hex digits. */
  eui: string;
  usage: KeyUsage;
  /** Qualifier from the file name (`pp` in `…-pp-ka.key`), undefined for the plain key. */
  variant?: string;
  publicKey: KeyObject;
  privateKey?: KeyObject;
  certificate?: X509Certificate;
  /** Remote-party role from the certificate subject's OU (4 = Access Control Broker, 2 = supplier…). */
  role?: number;
  /** The files this entry was read from. */
  files: string[];
}

export interface Keystore {
  /** Directory it was loaded from (undefined for an empty store). */
  readonly dir: string | undefined;
  get(eui: string | Uint8Array, usage: KeyUsage, variant?: string): KeystoreEntry | undefined;
  entries(): readonly KeystoreEntry[];
  /** Entries whose certificate names this role, e.g. the ACB: `withRole(RemotePartyRole.accessControlBroker, 'ka')`. */
  withRole(role: number, usage?: KeyUsage): KeystoreEntry[];
}

const FILE_NAME = /^([0-9a-f]{16})(?:-([a-z0-9]+))?-(ka|ds)\.(pem|key)$/i;

export function euiKey(eui: string | Uint8Array): string {
  if (typeof eui === 'string') return eui.replace(/[\s:-]/g, '').toLowerCase();
  let s = '';
  for (const b of eui) s += b.toString(16).padStart(2, '0');
  return s;
}

function entryKey(eui: string, usage: KeyUsage, variant: string | undefined): string {
  return `${eui}/${usage}/${variant ?? ''}`;
}

class MapKeystore implements Keystore {
  constructor(
    readonly dir: string | undefined,
    private readonly map: Map<string, KeystoreEntry>,
  ) {}

  get(eui: string | Uint8Array, usage: KeyUsage, variant?: string): KeystoreEntry | undefined {
    return this.map.get(entryKey(euiKey(eui), usage, variant?.toLowerCase()));
  }

  entries(): readonly KeystoreEntry[] {
    return [...this.map.values()];
  }

  withRole(role: number, usage?: KeyUsage): KeystoreEntry[] {
    return this.entries().filter((e) => e.role === role && (usage === undefined || e.usage === usage));
  }
}

/** A key store with no keys: every key agreement resolves null. */
export function emptyKeystore(): Keystore {
  return new MapKeystore(undefined, new Map());
}

function fail(file: string, problem: string, cause?: unknown): never {
  throw new Error(`keystore: ${file}: ${problem}`, cause === undefined ? undefined : { cause });
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Material {
  certificate?: X509Certificate;
  publicKey?: KeyObject;
  privateKey?: KeyObject;
}

function readMaterial(file: string): Material {
  const data = readFileSync(file);
  const text = data.toString('latin1');
  try {
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      const certificate = new X509Certificate(data);
      return { certificate, publicKey: certificate.publicKey };
    }
    if (/-----BEGIN (EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) return { privateKey: createPrivateKey({ key: text, format: 'pem' }) };
    if (text.includes('-----BEGIN PUBLIC KEY-----')) return { publicKey: createPublicKey({ key: text, format: 'pem' }) };
    if (text.includes('-----BEGIN')) fail(file, 'unrecognised PEM block (expected CERTIFICATE, PRIVATE KEY, EC PRIVATE KEY or PUBLIC KEY)');
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('keystore: ')) throw e;
    fail(file, `malformed key or certificate: ${reason(e)}`, e);
  }
  // Not PEM: try DER (certificate, PKCS#8 / SEC1 private key, SPKI public key).
  try {
    const certificate = new X509Certificate(data);
    return { certificate, publicKey: certificate.publicKey };
  } catch {
    /* next */
  }
  for (const type of ['pkcs8', 'sec1'] as const) {
    try {
      return { privateKey: createPrivateKey({ key: data, format: 'der', type }) };
    } catch {
      /* next */
    }
  }
  try {
    return { publicKey: createPublicKey({ key: data, format: 'der', type: 'spki' }) };
  } catch (e) {
    fail(file, 'not a PEM or DER certificate, private key or public key', e);
  }
}

function roleOf(certificate: X509Certificate): number | undefined {
  const m = /(?:^|\n)OU=(\d+)/.exec(certificate.subject);
  return m ? Number(m[1]) : undefined;
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

/**
 * Reads every `<eui>[-variant]-(ka|ds).(pem|key)` file of `dir` (other files are ignored).
 * Throws an Error naming the file when one cannot be parsed, when a key-agreement key is not
 * P-256, or when a private key does not belong to the certificate beside it.
 */
export function loadKeystore(dir: string | URL): Keystore {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) throw new Error('not a directory');
    names = readdirSync(path).sort();
  } catch (e) {
    throw new Error(`keystore: cannot read directory ${path}: ${reason(e)}`, { cause: e });
  }
  const staged = new Map<string, { eui: string; usage: KeyUsage; variant: string | undefined; files: string[] } & Material>();
  for (const name of names) {
    const m = FILE_NAME.exec(name);
    if (!m) continue;
    const eui = m[1]!.toLowerCase();
    const variant = m[2]?.toLowerCase();
    const usage = m[3]!.toLowerCase() as KeyUsage;
    const file = join(path, name);
    const material = readMaterial(file);
    const k = entryKey(eui, usage, variant);
    const slot = staged.get(k) ?? { eui, usage, variant, files: [] };
    slot.files.push(file);
    if (material.certificate) {
      if (slot.certificate) fail(file, `a second certificate for ${eui}-${usage}`);
      slot.certificate = material.certificate;
    }
    if (material.privateKey) {
      if (slot.privateKey) fail(file, `a second private key for ${eui}-${usage}`);
      slot.privateKey = material.privateKey;
    }
    if (material.publicKey && !material.certificate) {
      if (slot.publicKey) fail(file, `a second public key for ${eui}-${usage}`);
      slot.publicKey = material.publicKey;
    }
    staged.set(k, slot);
  }
  const map = new Map<string, KeystoreEntry>();
  for (const [k, s] of staged) {
    const files = s.files.join(', ');
    const publicKey = s.certificate?.publicKey ?? s.publicKey ?? (s.privateKey ? createPublicKey(s.privateKey) : undefined);
    if (!publicKey) fail(files, 'no key material');
    if (s.certificate && s.publicKey && !sameKey(s.certificate.publicKey, s.publicKey)) fail(files, 'public key does not match the certificate');
    if (s.privateKey && !sameKey(createPublicKey(s.privateKey), publicKey)) fail(files, 'private key does not match the certificate / public key');
    const keyToCheck = s.privateKey ?? publicKey;
    if (s.usage === 'ka' && (keyToCheck.asymmetricKeyType !== 'ec' || keyToCheck.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
      fail(files, `key-agreement key must be EC P-256, got ${keyToCheck.asymmetricKeyType} ${keyToCheck.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
    }
    const entry: KeystoreEntry = { eui: s.eui, usage: s.usage, publicKey, files: s.files };
    if (s.variant !== undefined) entry.variant = s.variant;
    if (s.privateKey) entry.privateKey = s.privateKey;
    if (s.certificate) {
      entry.certificate = s.certificate;
      const role = roleOf(s.certificate);
      if (role !== undefined) entry.role = role;
    }
    map.set(k, entry);
  }
  return new MapKeystore(path, map);
}

/** A key store holding `base`'s entries and `extra` (an extra entry replaces a base one for the same EUI and usage). */
export function extendKeystore(base: Keystore, extra: readonly KeystoreEntry[]): Keystore {
  const map = new Map<string, KeystoreEntry>();
  for (const e of [...base.entries(), ...extra]) map.set(entryKey(euiKey(e.eui), e.usage, e.variant), e);
  return new MapKeystore(base.dir, map);
}
