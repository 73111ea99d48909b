/**
 * `--print-broker-files DIR` of `hanlab sim` and `hanlab hil`: what a Mosquitto someone else runs
 * needs to hold a run's accounts (han/identities.ts), written into DIR:
 *
 *   DIR/hanlab.passwd   one `username:hash` line per account (mode 0600)
 *   DIR/hanlab.acl      each account's topics under its own `user` line
 *   DIR/hanlab.conf     allow_anonymous false, password_file, acl_file, max_packet_size (all
 *                       global): copy them into mosquitto.conf, or load the folder with
 *                       `include_dir DIR`
 *
 * and one line the owner must put under each `listener` the HAN uses, since it is a listener's
 * setting (in an included file Mosquitto would open a default listener on 1883 for it):
 * `use_username_as_clientid true`.
 *
 * The same files hanlab writes for its own Mosquitto (han/mosquitto-files.ts); the passwords
 * hashed by mosquitto_passwd when it is on this machine, else with node:crypto.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IdentityRegistry } from '../han/identities.ts';
import { MOSQUITTO_LISTENER_CONFIG, mosquittoAcl, mosquittoSecurityConfig, writePasswordFile } from '../han/mosquitto-files.ts';
import { findMosquittoPasswd } from '../han/mosquitto.ts';
import { UsageError } from './usage.ts';
import { checkWritableDirectory } from './writable.ts';

export const BROKER_FILES_FLAG = '--print-broker-files';

/** Writes the three files; returns the lines to print (what was written and what to do with it). */
export function writeBrokerFiles(dir: string, identities: IdentityRegistry): string[] {
  checkWritableDirectory(BROKER_FILES_FLAG, dir);
  const abs = resolve(dir);
  const passwd = `${abs}/hanlab.passwd`;
  const acl = `${abs}/hanlab.acl`;
  const conf = `${abs}/hanlab.conf`;
  let hasher: string;
  try {
    writeFileSync(acl, mosquittoAcl(identities));
    hasher = writePasswordFile(passwd, identities, findMosquittoPasswd());
    writeFileSync(
      conf,
      [
        '# hanlab: the HAN accounts (load with include_dir, or copy into mosquitto.conf).',
        `# Also put this under each listener the HAN uses (a listener's setting): ${MOSQUITTO_LISTENER_CONFIG.join('; ')}`,
        ...mosquittoSecurityConfig(passwd, acl),
        '',
      ].join('\n'),
    );
  } catch (err) {
    throw new UsageError(`${BROKER_FILES_FLAG}: cannot write the broker files in "${dir}": ${(err as Error).message}`);
  }
  return [
    `${passwd}  ${identities.size} accounts, hashed by ${hasher}`,
    `${acl}  their topics`,
    `${conf}  the mosquitto.conf lines that use them: add them to the broker's config (or include_dir ${abs})`,
    `and under each listener the HAN uses: ${MOSQUITTO_LISTENER_CONFIG.join('; ')}; then restart the broker`,
  ];
}
