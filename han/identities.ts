/**
 * Who may connect to a HAN broker and what each may do: the identity registry both brokers are
 * given (SECMP0015 section 5: "Each device also proves its EUI to the broker … no device can
 * speak as another"). The stand-in for ZigBee's per-device link keys is a per-device secret:
 *
 * - a device connects with MQTT username = client id = its EUI-64 and password = its secret (32
 *   lower-case hex digits). It may publish HAN frames only as their source
 *   (`han/+/+/{eui}/#`), receive only frames addressed to it (`han/+/{eui}/#`), and write only its
 *   own observability topics (`hanlab/{premises}/{device}/#`, under its device name and its EUI);
 * - an observer (read-only tools, dashboards, the HIL harness's eye) may only read `hanlab/#`;
 * - the WAN stand-in's parties have accounts of their own (sim/wan/parties.ts).
 *
 * A connection whose username is unknown, whose client id is not its username, or whose
 * password is wrong is refused at CONNECT (CONNACK 5, not authorized), so a taken EUI cannot take
 * over the device's session. The embedded broker checks the registry itself; for Mosquitto
 * hanlab writes a password file and a per-user ACL from it (mosquitto-files.ts).
 *
 * In the simulator the secrets are derived from the run's seed and the username
 * (`simulatedSecret`): runs stay reproducible and need no key files, and nothing secret reaches
 * a timeline. Test secrets: anyone who knows the seed knows them, so never a real device's.
 */
import { createHmac } from 'node:crypto';

export interface Account {
  /** MQTT username, and the client id it must connect with. */
  readonly username: string;
  /** A device's secret (32 lower-case hex digits); an observer's password is its broker owner's. */
  readonly password: string;
  /** Topic filters (MQTT wildcards) it may publish to. */
  readonly write: readonly string[];
  /** Topic filters whose messages it may receive. */
  readonly read: readonly string[];
}

/** Username → account. */
export type IdentityRegistry = ReadonlyMap<string, Account>;

/** What an MQTT client connects with. */
export interface Credentials {
  username: string;
  password: string;
}

/** A device secret: 32 lower-case hex digits (128 bits). */
export const SECRET_PATTERN = /^[0-9a-f]{32}$/;

/** The read-only account for people's tools (`mosquitto_sub -u hanlab-observer -P hanlab …`). */
export const OBSERVER_USERNAME = 'hanlab-observer';
/**
 * Its password on hanlab's own brokers: printed in the docs on purpose. Reading `hanlab/#` shows
 * what the devices already publish for anyone to watch; what must stay secret is the devices'
 * write access, and that takes their own secrets.
 */
export const OBSERVER_PASSWORD = 'hanlab';

/** Usernames go into Mosquitto's password file (`user:hash`) and ACL (`user NAME`) as they are. */
const USERNAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The simulator's secret for `username` in a run with `seed`: HMAC-SHA-256 of the username under
 * a key derived from the seed, truncated to 128 bits. The same seed gives the same secrets on
 * every machine and broker; a different seed gives unrelated ones.
 */
export function simulatedSecret(seed: number, username: string): string {
  const key = createHmac('sha256', 'hanlab simulated HAN secret v1').update(String(seed)).digest();
  return createHmac('sha256', key).update(username).digest('hex').slice(0, 32);
}

export interface DeviceAccountOptions {
  eui: string;
  secret: string;
  premises: string;
  /** Its name in `hanlab/{premises}/{device}/…` (gsme, gpf, ppmid, harness-gpf…); its EUI is always allowed too. */
  device?: string;
}

/** A HAN device's account: speaks only as itself, hears only what is addressed to it. */
export function deviceAccount(o: DeviceAccountOptions): Account {
  const names = [...new Set([o.device ?? o.eui, o.eui])];
  return {
    username: o.eui,
    password: o.secret,
    write: [`han/+/+/${o.eui}/#`, ...names.map((n) => `hanlab/${o.premises}/${n}/#`)],
    read: [`han/+/${o.eui}/#`],
  };
}

/** A read-only account: `hanlab/#` (screens and states), nothing else. */
export function observerAccount(username = OBSERVER_USERNAME, password = OBSERVER_PASSWORD): Account {
  return { username, password, write: [], read: ['hanlab/#'] };
}

/**
 * The registry of these accounts. The same username twice (a home's devices listed by two
 * callers) is merged when the passwords agree; different passwords for one username is a bug in
 * the caller and throws, as does a username the broker files could not hold.
 */
export function identityRegistry(accounts: Iterable<Account>): IdentityRegistry {
  const byName = new Map<string, Account>();
  for (const a of accounts) {
    if (!USERNAME.test(a.username)) throw new TypeError(`identity registry: username ${JSON.stringify(a.username)} must be 1 to 128 of A-Z a-z 0-9 _ . -`);
    if (a.password === '' || /[\r\n]/.test(a.password)) throw new TypeError(`identity registry: ${a.username} needs a one-line, non-empty password`);
    const known = byName.get(a.username);
    if (known === undefined) {
      byName.set(a.username, { ...a, write: [...a.write], read: [...a.read] });
      continue;
    }
    if (known.password !== a.password) throw new Error(`identity registry: ${a.username} is listed twice with different passwords`);
    byName.set(a.username, { ...known, write: [...new Set([...known.write, ...a.write])], read: [...new Set([...known.read, ...a.read])] });
  }
  return byName;
}
