/**
 * Parse & Correlate throughput over the 36 RTDS 4.5.0 vectors (`npm run bench:decode`):
 *   plain  — parseResponse without keys: structure, ZCL of the plaintext components, scaling;
 *   keyed  — with the RTDS key store and the ACB: wrapper-MAC check (ECDH + KDF + GMAC) and
 *            decryption of the encrypted components on top.
 * Each runs for about 2 s after a short warm-up; prints messages per second. No budget.
 */
import { RTDS_VECTORS } from './vectors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { fromHex } from '../firmware/codec/hex.ts';
import { parseResponse } from '../firmware/gbcs/parse.ts';
import type { ParseOptions } from '../firmware/gbcs/parse.ts';
import { createNodeGbcsCrypto, loadKeystore } from '../sim/crypto/index.ts';
import { progress } from './progress.ts';

const VECTORS = RTDS_VECTORS;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const { step } = progress('decode');

function loadVectors(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const folder of readdirSync(VECTORS).sort()) {
    if (folder === 'keystore') continue;
    for (const file of readdirSync(new URL(`${folder}/`, VECTORS)).sort()) {
      if (file.endsWith('.HEX')) out.push(fromHex(readFileSync(new URL(`${folder}/${file}`, VECTORS), 'utf8')));
    }
  }
  return out;
}

async function measure(name: string, messages: Uint8Array[], options: ParseOptions): Promise<void> {
  const pass = async () => {
    for (const m of messages) await parseResponse(m, options);
  };
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) await pass();
  let count = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    await pass();
    count += messages.length;
  }
  const seconds = (performance.now() - start) / 1000;
  const rate = count / seconds;
  console.log(`${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-GB').padStart(9)} msg/s  (${count.toLocaleString('en-GB')} messages in ${seconds.toFixed(2)} s, ${((1e6 * seconds) / count).toFixed(1)} µs/msg)`);
}

const messages = loadVectors();
if (messages.length !== 36) throw new Error(`expected the 36 RTDS vectors, found ${messages.length}`);
const keystore = loadKeystore(new URL('keystore/', VECTORS));
const keyed: ParseOptions = { crypto: createNodeGbcsCrypto(keystore), accessControlBroker: fromHex('90B3D51F30000002') };

// Sanity: the keyed run really checks MACs and decrypts.
const check = await Promise.all(messages.map((m) => parseResponse(m, keyed)));
if (!check.every((p) => p.mac === 'valid' && p.components.every((c) => !c.encrypted || c.decryption === 'ok'))) throw new Error('keyed parse did not verify/decrypt every vector');

console.log(`hanlab bench:decode — parseResponse over ${messages.length} RTDS 4.5.0 vectors, ~${SECONDS} s each (Node ${process.versions.node})`);
await step(`plain, ~${SECONDS} s`, () => measure('plain (no keys: structure + ZCL + scaling)', messages, {}));
await step(`keyed, ~${SECONDS} s`, () => measure('keyed (MAC check + decryption)', messages, keyed));
