/**
 * Fuzzes every decoder (`npm run bench:fuzz -- [--inputs N] [--seed S] [--target NAME]`): GBCS
 * messages and Parse & Correlate, ZCL frames, DLMS date-times, Prepayment command payloads, HAN
 * topics, scenario files and board configs, each fed its share of N seeded inputs (default
 * 1,000,000), structure-aware mutations of real inputs plus random bytes and text. Prints per
 * target the inputs, inputs/s, outcomes (ok, expected errors by kind) and crashes (any other
 * exception, or one input over 1 s); crashing inputs are saved under a temp folder it names.
 * Exit 1 if anything crashed, 2 on bad arguments, 0 otherwise. The same seed gives the same
 * inputs and counts; inputs/s is this machine's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANG_MS, runFuzz, splitInputs } from './fuzz/engine.ts';
import type { FuzzTarget, TargetResult } from './fuzz/engine.ts';
import { FUZZ_TARGETS, targetByName } from './fuzz/registry.ts';
import { progress } from './progress.ts';

const USAGE = `usage: npm run bench:fuzz -- [--inputs N] [--seed S] [--target NAME[,NAME…]]
  --inputs N   inputs over all the targets, split by each target's share (default 1000000)
  --seed S     PRNG seed, a whole number 0..4294967295 (default 1)
  --target T   only these targets (repeatable or comma-separated): ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`;

function fail(message: string): never {
  console.error(`bench:fuzz: ${message}`);
  process.exit(2);
}

function wholeNumber(flag: string, text: string | undefined, max: number): number {
  if (text === undefined) fail(`${flag} needs a value`);
  const v = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(v) || v < 0 || v > max) fail(`${flag}: expected a whole number from 0 to ${max}, found ${JSON.stringify(text)}`);
  return v;
}

let inputs = 1_000_000;
let seed = 1;
const names: string[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
  const value = () => inline ?? args[++i];
  if (flag === '--help' || flag === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else if (flag === '--inputs') inputs = wholeNumber('--inputs', value(), 1e9);
  else if (flag === '--seed') seed = wholeNumber('--seed', value(), 0xffffffff);
  else if (flag === '--target') {
    const v = value();
    if (v === undefined) fail('--target needs a value');
    names.push(...v.split(',').filter((n) => n !== ''));
  } else fail(`unknown argument ${JSON.stringify(a)} (see --help)`);
}
const targets: FuzzTarget[] = names.length === 0 ? [...FUZZ_TARGETS] : names.map((n) => targetByName(n) ?? fail(`--target: unknown target ${JSON.stringify(n)}; expected one of ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`));

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const counts = splitInputs(inputs, targets);
console.log(`hanlab bench:fuzz — ${fmt(inputs)} inputs, seed ${seed}, ${targets.length} target(s) (Node ${process.versions.node}); hang = one input over ${HANG_MS} ms`);
console.log(targets.map((t, i) => `  ${t.name.padEnd(15)} ${fmt(counts[i]!).padStart(9)}  ${t.what}`).join('\n'));
console.log('');
console.log(`${'target'.padEnd(15)} ${'inputs'.padStart(9)} ${'inputs/s'.padStart(9)} ${'ok'.padStart(8)} ${'errors'.padStart(8)} ${'crashes'.padStart(7)} ${'slowest'.padStart(9)}`);

let crashDir: string | undefined;
function saveCrashes(r: TargetResult): void {
  crashDir ??= mkdtempSync(join(tmpdir(), 'hanlab-fuzz-'));
  r.samples.forEach((c, i) => {
    const base = join(crashDir!, `${r.name}-${i + 1}`);
    if (typeof c.input === 'string') writeFileSync(`${base}.txt`, c.input);
    else writeFileSync(`${base}.bin`, c.input);
    writeFileSync(`${base}.error.txt`, `${c.error}\n${c.stack ?? ''}\n`);
  });
}

function preview(input: Uint8Array | string): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 160 ? `${input.slice(0, 160)}…` : input) + ` (${input.length} chars)`;
  const hex = Buffer.from(input.subarray(0, 64)).toString('hex').toUpperCase();
  return `${hex}${input.length > 64 ? '…' : ''} (${input.length} bytes)`;
}

function report(r: TargetResult): void {
  const errors = [...r.errors.values()].reduce((s, n) => s + n, 0);
  const rate = r.decodeMs > 0 ? (r.inputs * 1000) / r.decodeMs : 0;
  console.log(`${r.name.padEnd(15)} ${fmt(r.inputs).padStart(9)} ${fmt(rate).padStart(9)} ${fmt(r.ok).padStart(8)} ${fmt(errors).padStart(8)} ${fmt(r.crashes).padStart(7)} ${`${r.slowestMs.toFixed(1)} ms`.padStart(9)}`);
  const kinds = [...r.errors.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = kinds.slice(0, 8);
  for (const [k, n] of shown) console.log(`    ${fmt(n).padStart(9)}  ${k}`);
  if (kinds.length > shown.length) {
    const rest = kinds.slice(shown.length);
    console.log(`    ${fmt(rest.reduce((s, [, n]) => s + n, 0)).padStart(9)}  … ${rest.length} more kind(s)`);
  }
  if (r.slowestMs > HANG_MS / 4 && r.slowestInput !== undefined) console.log(`    slowest input (${r.slowestMs.toFixed(0)} ms): ${preview(r.slowestInput)}`);
  if (r.crashes > 0) {
    saveCrashes(r);
    for (const [k, n] of r.crashKinds) console.log(`    CRASH ${fmt(n)}× ${k}`);
    for (const c of r.samples) console.log(`      ${c.error}\n        input ${preview(c.input)}`);
  }
}

// Progress on stderr: each target's start and end, and where it is every 10 s.
const { say, tick } = progress('fuzz');
const started = performance.now();
const results = await runFuzz({
  inputs,
  seed,
  targets,
  onInputs: (name, done, count) => (done === 0 ? say(`${name}: ${fmt(count)} inputs …`) : tick(() => `${name}: ${fmt(done)} of ${fmt(count)} inputs`)),
  onProgress: (r) => {
    say(`${r.name}: done, ${fmt(r.inputs)} inputs, ${fmt(r.crashes)} crashes`);
    report(r);
  },
});
const crashes = results.reduce((s, r) => s + r.crashes, 0);
const total = results.reduce((s, r) => s + r.inputs, 0);
console.log('');
console.log(`${fmt(total)} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s (inputs/s: time in the decoder only, input generation excluded); crashes: ${crashes}`);
if (crashDir) console.log(`crashing inputs saved in ${crashDir}`);
process.exit(crashes > 0 ? 1 : 0);
