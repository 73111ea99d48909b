/**
 * `hanlab sim` given input a user measured crashing it (stack traces, Node's raw messages, a hang):
 * every one now exits 2 with exactly one line on stderr naming the flag or file, the line or
 * field, what was expected and what was found, and prints nothing on stdout.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { hanlab, spawnHanlab } from './support/cli.ts';
import type { CliRun } from './support/cli.ts';

/**
 * In this process (test/support/cli.ts), but for the cases marked `child`: a refusal that once
 * looped forever (mkdir -p under /proc) runs in a child process with a timeout, which turns a hang
 * into a failed test; in this process it would hang the test file.
 */
function sim(args: string[], child = false): Promise<CliRun> {
  return child ? spawnHanlab(['sim', ...args], { timeoutMs: 60_000 }) : hanlab('sim', ...args);
}

const dir = mkdtempSync(join(tmpdir(), 'hanlab-bad-input-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A run whose start and end the messages can name, whatever the default scenario becomes. */
const pinned = file('pinned.yaml', 'name: pinned\nstart: 2026-01-15T00:00:00Z\nduration: 1d\n');

/** Nine aliases of nine aliases …: 9^7 copies of one list once expanded. */
const bomb = file(
  'bomb.yaml',
  'name: bomb\n' +
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
    ['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]\n`).join(''),
);
const manyAliases = file('aliases.yaml', 'name: many\nx: &x 1\ny:\n' + '  - *x\n'.repeat(1110));
const deepJson = file('deep.json', '['.repeat(200_000) + ']'.repeat(200_000));
const deepYaml = file('deep.yaml', 'name: deep\nd: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n');
const bigText = `name: big\ndescription: ${'x'.repeat(1 << 20)}\n`;
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nested = (levels: number) => 'name: x\nextra: ' + '['.repeat(levels) + ']'.repeat(levels) + '\n';

type Case = [what: string, args: string[], stderr: string | RegExp, child?: 'child'];
const cases: Case[] = [
  [
    '--until +99999999d: a valid offset no Date can hold',
    ['--scenario', pinned, '--until', '+99999999d'],
    'hanlab sim: --until: expected a time after the start (2026-01-15T00:00:00Z) and no later than the end (2026-01-16T00:00:00Z), found "+99999999d" (past the year 275760)',
  ],
  [
    '--until past the end names the offset and its time',
    ['--scenario', pinned, '--until', '+40d'],
    'hanlab sim: --until: expected a time after the start (2026-01-15T00:00:00Z) and no later than the end (2026-01-16T00:00:00Z), found "+40d" (2026-02-24T00:00:00Z)',
  ],
  [
    'a YAML alias bomb: refused at the key that expands',
    ['--scenario', bomb],
    `hanlab sim: ${bomb}:6: e: expected aliases (*name) that copy at most 1000 values in all, found more (refused as an alias bomb)`,
  ],
  [
    '1,110 aliases of one anchor',
    ['--scenario', manyAliases],
    `hanlab sim: ${manyAliases}:3: y: expected aliases (*name) that copy at most 1000 values in all, found more (refused as an alias bomb)`,
  ],
  [
    'JSON nested 200,000 deep',
    ['--scenario', deepJson],
    `hanlab sim: ${deepJson}:1: expected at most 32 levels of nesting (a scenario's deepest field is 4 down), found more`,
  ],
  [
    'YAML nested 20,000 deep (yaml overflowed its stack at ~800)',
    ['--scenario', deepYaml],
    `hanlab sim: ${deepYaml}:2: expected at most 32 levels of nesting (a scenario's deepest field is 4 down), found more`,
  ],
  [
    '33 levels is one too many',
    ['--scenario', file('deep33.yaml', nested(32))],
    `hanlab sim: ${join(dir, 'deep33.yaml')}:2: expected at most 32 levels of nesting (a scenario's deepest field is 4 down), found more`,
  ],
  [
    '32 levels is read, and the field is then refused by name',
    ['--scenario', file('deep32.yaml', nested(31))],
    new RegExp(`^hanlab sim: ${esc(join(dir, 'deep32.yaml'))}:2: extra: unknown key 'extra'; known keys: name, description, seed, `),
  ],
  [
    '--seed -1: one line, not parseArgs\'s three',
    ['--seed', '-1'],
    `hanlab sim: --seed: expected a value, found "-1", which looks like an option (for a value starting with '-' write --seed=-1) (see hanlab sim --help)`,
  ],
  ['--seed=-1 is then read as the value', ['--seed=-1'], 'hanlab sim: --seed: expected a whole number 0…4294967295, found "-1"'],
  ['--broker port 99999', ['--broker', 'mqtt://127.0.0.1:99999'], 'hanlab sim: --broker: expected a port from 1 to 65535, found 99999 in "mqtt://127.0.0.1:99999"'],
  ['--broker port 0 (connecting to it waited forever)', ['--broker', 'mqtt://127.0.0.1:0'], 'hanlab sim: --broker: expected a port from 1 to 65535, found 0 in "mqtt://127.0.0.1:0"'],
  // Root may write anywhere access() looks, so these are folders no one can create files in.
  ['--screenshots under /proc (mkdir -p there looped forever)', ['--screenshots', '/proc/hanlab-no-such-dir/shots'], /^hanlab sim: --screenshots: cannot write to directory "\/proc\/hanlab-no-such-dir\/shots" \((ENOENT|EACCES)\)$/, 'child'],
  ['--screenshots /proc: a folder that exists, unwritable even for root', ['--screenshots', '/proc'], /^hanlab sim: --screenshots: cannot write to directory "\/proc" \((ENOENT|EACCES)\)$/, 'child'],
  [
    'a top-up at an offset no Date can hold',
    ['--scenario', file('topup.yaml', 'name: t\ntopUps:\n  - { at: "+99999999d", amount: 5 }\n')],
    `hanlab sim: ${join(dir, 'topup.yaml')}:3: topUps[0].at: expected a time within the run (2026-01-15T00:00:00Z to 2026-01-16T00:00:00Z), found "+99999999d" (past the year 275760)`,
  ],
  [
    'a run past 2136, the end of ZCL UTCTime',
    ['--scenario', file('far.yaml', 'name: far\nduration: 100000000d\n')],
    `hanlab sim: ${join(dir, 'far.yaml')}:2: duration: expected a run that ends by 2136-02-07T06:28:14Z, the last time ZCL UTCTime can carry (at most 40199d6h28m14s from the start), found "100000000d" (ends past the year 275760)`,
  ],
  [
    'GSME retries 1e300',
    ['--scenario', file('retries.yaml', 'name: t\ndevices:\n  gsme:\n    retries: 1e300\n')],
    `hanlab sim: ${join(dir, 'retries.yaml')}:4: devices.gsme.retries: expected an integer from 0 to 255, found 1e+300`,
  ],
  [
    'a poll interval longer than a board timer waits',
    ['--scenario', file('poll.yaml', 'name: t\ndevices:\n  ppmid:\n    pollInterval: 30d\n')],
    `hanlab sim: ${join(dir, 'poll.yaml')}:4: devices.ppmid.pollInterval: expected a duration of at most 24d20h31m23s647ms (the longest a board's timer waits), found "30d"`,
  ],
  [
    'a "__proto__" key is a key, not a prototype whose fields were read',
    ['--scenario', file('proto.json', '{ "name": "x", "__proto__": { "seed": 5 } }')],
    new RegExp(`^hanlab sim: ${esc(join(dir, 'proto.json'))}:1: __proto__: unknown key '__proto__'; known keys: name, `),
  ],
  ...(['0', '-5', 'fast', '1e3', 'Infinity', '', '60x', '0.0'] as const).map((x): Case => [
    `--speed ${JSON.stringify(x)}`,
    ['--scenario', pinned, `--speed=${x}`],
    `hanlab sim: --speed: expected a positive number (0.5, 60, 3600), found "${x}" (see hanlab sim --help)`,
  ]),
  ['--speed without a value', ['--scenario', pinned, '--speed'], 'hanlab sim: --speed: expected a value, found nothing (see hanlab sim --help)'],
  [
    '--realtime and --speed together',
    ['--scenario', pinned, '--realtime', '--speed', '60'],
    'hanlab sim: --realtime and --speed: give one of them (--realtime is --speed 1) (see hanlab sim --help)',
  ],
  ['--compare and --no-compare together', ['--scenario', pinned, '--compare', '--no-compare'], 'hanlab sim: --compare and --no-compare: give one of them (see hanlab sim --help)'],
  [
    'a file far bigger than any scenario',
    ['--scenario', file('big.yaml', bigText)],
    `hanlab sim: ${join(dir, 'big.yaml')}: expected a scenario of at most 1048576 bytes, found ${Buffer.byteLength(bigText)} bytes`,
  ],
];

describe.concurrent('hanlab sim: bad input is one line on stderr, exit 2', () => {
  for (const [what, args, stderr, child] of cases) {
    it(what, async ({ expect }) => {
      const r = await sim(args, child === 'child');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      if (typeof stderr === 'string') expect(r.stderr).toBe(stderr + '\n');
      else {
        expect(r.stderr.endsWith('\n') && !r.stderr.slice(0, -1).includes('\n')).toBe(true);
        expect(r.stderr.slice(0, -1)).toMatch(stderr);
      }
    }, 90_000);
  }
});
