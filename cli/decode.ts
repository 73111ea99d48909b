import { readFileSync } from 'node:fs';
import { fromHex } from '../firmware/codec/hex.ts';
import { renderMmcXml } from '../firmware/gbcs/mmc-xml.ts';
import { parseResponse } from '../firmware/gbcs/parse.ts';
import type { ParseOptions } from '../firmware/gbcs/parse.ts';
import { createNodeGbcsCrypto, euiKey, loadKeystore, RemotePartyRole } from '../sim/crypto/index.ts';
import type { Keystore } from '../sim/crypto/index.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './usage.ts';

export const help = `hanlab decode — decode a GBCS message (Parse & Correlate, SECMP0015)

Usage: hanlab decode <HEX | @FILE | @-> [--xml] [--keystore DIR]

  HEX             the message as hex digits (white space allowed, e.g. a quoted paste)
  @FILE           a file holding the hex (an RTDS .HEX vector, say)
  @-              hex on standard input
  --xml           print MMC-style supplier XML instead of JSON
  --keystore DIR  a GBCS key store (<eui>-ka.pem / <eui>-ka.key …, as RTDS's keystore/): checks
                  the wrapper MAC and decrypts encrypted components; commands are checked with
                  the Access Control Broker's key (90B3D51F30000002 in RTDS) when the store has it

Prints the message as JSON (2-space indent): use case, message code, service reference, CRA
flag, counter, system titles, the date-time with its time status (isFromGsme, clockStatus
RELIABLE / UNRELIABLE / INVALID), the MAC verdict (valid / invalid / no-key) and each
component's attributes, scaled to m3 / kWh / GBP when the message carries the multiplier,
divisor and unit or the price trailing digit and currency. Without --keystore the header and
plaintext components still decode; encrypted ones say decryption "no-key".

Bad input exits with status 2 and one line: hanlab decode: at byte N: expected X, found Y.`;

/** RTDS's Access Control Broker, used when the key store's certificates name no ACB role. */
const RTDS_ACB = '90b3d51f30000002';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { xml: { type: 'boolean' }, keystore: { type: 'string' } }, true);
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'expected a message: HEX, @FILE or @- (see hanlab decode --help)' : `expected one message, found ${positionals.length} arguments`);
  }
  const text = await readInput(positionals[0]!);
  const options: ParseOptions = values.keystore === undefined ? {} : keyOptions(openKeystore(values.keystore));
  const parsed = await parseResponse(fromHex(text), options);
  process.stdout.write(values.xml ? renderMmcXml(parsed) : JSON.stringify(parsed, null, 2) + '\n');
  return 0;
}

async function readInput(arg: string): Promise<string> {
  if (arg === '@-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  if (arg.startsWith('@')) {
    const path = arg.slice(1);
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${reason(err)}`);
    }
  }
  return arg;
}

function openKeystore(dir: string): Keystore {
  try {
    return loadKeystore(dir);
  } catch (err) {
    // The directory itself: Node's own "ENOENT: …, stat '…'" becomes a few words.
    const cause = (err as Error).cause;
    if (/^keystore: cannot read directory /.test((err as Error).message) && cause !== undefined) {
      throw new UsageError(`--keystore: cannot read directory "${dir}" (${reason(cause)})`);
    }
    // loadKeystore names the file ("keystore: X: …").
    throw new UsageError(`--keystore: ${reason(err).replace(/^keystore: /, '')}`);
  }
}

function keyOptions(keystore: Keystore): ParseOptions {
  const acbs = keystore.withRole(RemotePartyRole.accessControlBroker, 'ka');
  const acb = acbs.length === 1 ? acbs[0]!.eui : keystore.get(RTDS_ACB, 'ka') ? RTDS_ACB : undefined;
  return { crypto: createNodeGbcsCrypto(keystore), ...(acb !== undefined && { accessControlBroker: Buffer.from(euiKey(acb), 'hex') }) };
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return 'no such file or directory';
  if (e && e.code === 'EISDIR') return 'is a directory';
  if (e && e.code === 'EACCES') return 'permission denied';
  if (e && e.code === 'ENOTDIR') return 'not a directory';
  return (e?.message ?? String(err)).split('\n')[0]!;
}
