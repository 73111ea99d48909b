/**
 * Mosquitto's side of the HAN identities (identities.ts): the password file, the per-user ACL and
 * the mosquitto.conf lines that make Mosquitto check them, for hanlab's own Mosquitto
 * (mosquitto.ts) and for a broker someone else runs (`hanlab sim|hil --print-broker-files DIR`).
 *
 * - `allow_anonymous false`: no account, no connection.
 * - `use_username_as_clientid true` (per listener, MOSQUITTO_LISTENER_CONFIG): the client id is
 *   the username whatever the client sends, so
 *   a device is its EUI on the broker and a session can only be taken over with its secret (a
 *   wrong secret is refused at CONNECT, before Mosquitto looks for the session). The embedded
 *   broker refuses a client id that is not the username instead: on either broker nobody gets a
 *   client id that is not their own account's.
 * - `password_file`: one `username:hash` line per account.
 * - `acl_file`: per-user `topic` lines from each account's write and read filters. Mosquitto's
 *   `pattern` lines (`han/+/+/%c/#`) would apply to every user, observers included, so each
 *   device's HAN rules are written out under its own `user` line instead: the same rules.
 * - `max_packet_size`: a packet over PACKET_MAX_BYTES disconnects its sender (limits.ts).
 * Mosquitto cannot refuse a retained publish per topic: devices drop retained HAN frames
 * themselves (limits.ts `hanInputRefusal`).
 */
import { execFileSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { IdentityRegistry } from './identities.ts';
import { PACKET_MAX_BYTES } from '../firmware/platform/han-limits.ts';

/** Which tool hashed the passwords. */
export type PasswordHasher = 'mosquitto_passwd' | 'node:crypto';

/** The ACL file for a registry: every account's rights under its own `user` line, nothing else. */
export function mosquittoAcl(identities: IdentityRegistry): string {
  const lines = ['# hanlab: the HAN identity registry as a Mosquitto ACL (generated; anything not listed is denied)', ''];
  for (const a of identities.values()) {
    lines.push(`user ${a.username}`);
    for (const f of a.write) lines.push(`topic write ${f}`);
    for (const f of a.read) lines.push(`topic read ${f}`);
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * The mosquitto.conf lines that make Mosquitto enforce the files, all global, so they can go
 * anywhere in the config (or in a file loaded with include_dir).
 */
export function mosquittoSecurityConfig(passwordFile: string, aclFile: string): string[] {
  return ['allow_anonymous false', `password_file ${passwordFile}`, `acl_file ${aclFile}`, `max_packet_size ${PACKET_MAX_BYTES}`];
}

/**
 * The one per-listener line: it must come right after each `listener` line the HAN's clients use.
 * Given before any listener (or in an included file) Mosquitto applies it to its default
 * listener and opens port 1883 for it.
 */
export const MOSQUITTO_LISTENER_CONFIG = ['use_username_as_clientid true'];

/**
 * One `username:$7$101$salt$hash` line: PBKDF2-HMAC-SHA512, 101 iterations, a 12-byte salt and a
 * 64-byte hash, base64: the format and parameters Mosquitto 2.0's mosquitto_passwd writes by
 * default (`-H sha512-pbkdf2`), which every Mosquitto since 2.0 reads.
 */
export function pbkdf2PasswordLine(username: string, password: string): string {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, 101, 64, 'sha512');
  return `${username}:$7$101$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Writes the password file (mode 0600) and says how it was hashed. With `mosquittoPasswd` (the
 * path of Mosquitto's own tool) the file is first written in plain text and hashed in place by
 * `mosquitto_passwd -U`, one process for every account (`-b` would take one per account): the
 * broker's own tool writes the format that broker reads, whatever its version defaults to.
 * Without it (no Mosquitto here, or files for a broker on another machine) the lines are hashed
 * with node:crypto in Mosquitto 2.0's documented `$7$` format.
 */
export function writePasswordFile(path: string, identities: IdentityRegistry, mosquittoPasswd: string | null): PasswordHasher {
  const accounts = [...identities.values()];
  if (mosquittoPasswd === null) {
    writeFileSync(path, accounts.map((a) => pbkdf2PasswordLine(a.username, a.password) + '\n').join(''), { mode: 0o600 });
    return 'node:crypto';
  }
  writeFileSync(path, accounts.map((a) => `${a.username}:${a.password}\n`).join(''), { mode: 0o600 });
  try {
    execFileSync(mosquittoPasswd, ['-U', path], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  } catch (err) {
    // Never leave the secrets behind in plain text.
    rmSync(path, { force: true });
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`mosquitto_passwd -U ${path} failed: ${stderr || (err as Error).message}`);
  }
  return 'mosquitto_passwd';
}
