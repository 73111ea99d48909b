/**
 * `hanlab board run`, `hanlab flash` and `hanlab hil` given bad configs and paths: each is refused
 * before anything is built, connected or run, with exit status 2 and exactly one line naming the
 * flag or file, the field, what was expected and what was found. The machine config (`config`)
 * used to go to the device unchecked: a negative poll interval polled flat out, 1e300 ms tripped
 * Node's timer overflow into a 1 ms loop.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GPF_DEFAULT_CONFIG, GSME_DEFAULT_CONFIG, PPMID_DEFAULT_CONFIG } from '../firmware/machines/index.ts';
import { PROFILE_OVERRIDES } from '../firmware/runtime/profiles.ts';
import { checkBoardDeviceConfig } from '../boards/config/config-file.ts';
import { defaultDeviceConfig } from '../boards/runner/config.ts';
import { MACHINE_CONFIG_SCHEMAS } from '../boards/config/device-config-schema.ts';
import { dutConfig } from '../hil/config.ts';

import { hanlab, spawnHanlab } from './support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hanlab-bad-board-'));
let n = 0;
/** A config file: the HIL config of `device` with `change` over it. */
function config(device: 'gsme' | 'gpf' | 'ppmid', change: Record<string, unknown>): string {
  const file = join(dir, `${device}-${++n}.json`);
  writeFileSync(file, JSON.stringify({ ...dutConfig({ device }), ...change }));
  return file;
}
/** As `hanlab flash` wants it: with wifi and mqtt. */
function flashConfig(change: Record<string, unknown>): string {
  return config('ppmid', { wifi: { ssid: 'lab', password: 'pw' }, mqtt: { host: '192.168.1.10', port: 1883 }, ...change });
}

// Never contacted: every case is refused before the board connects.
const BROKER = 'mqtt://127.0.0.1:1';
const run = (device: string, ...rest: string[]) => ['board', 'run', '--board', 'emulator', '--device', device, '--broker', BROKER, ...rest];

/**
 * In this process (test/support/cli.ts), but for the cases marked `child`: a folder under /proc
 * (where mkdir -p once looped forever) is tried in a child process with a timeout, which turns a
 * hang into a failed test; in this process it would hang the test file.
 */
type Case = [what: string, args: () => string[], stderr: (args: string[]) => string | RegExp, child?: 'child'];
const at = (args: string[]) => args[args.indexOf('--config') + 1]!;
const cases: Case[] = [
  ['pollIntervalMs: -1', () => run('ppmid', '--config', config('ppmid', { config: { pollIntervalMs: -1 } })), (a) => `hanlab board: --config ${at(a)}: config.pollIntervalMs: expected a whole number of ms from 2 to 2147483647, found -1`],
  ['pollIntervalMs: "fast"', () => run('ppmid', '--config', config('ppmid', { config: { pollIntervalMs: 'fast' } })), (a) => `hanlab board: --config ${at(a)}: config.pollIntervalMs: expected a whole number of ms from 2 to 2147483647, found "fast"`],
  ['pollIntervalMs: 1e300', () => run('ppmid', '--config', config('ppmid', { config: { pollIntervalMs: 1e300 } })), (a) => `hanlab board: --config ${at(a)}: config.pollIntervalMs: expected a whole number of ms from 2 to 2147483647, found 1e+300`],
  [
    'an unknown machine config key, with the one meant',
    () => run('ppmid', '--config', config('ppmid', { config: { pollIntervalMS: 1000 } })),
    (a) =>
      `hanlab board: --config ${at(a)}: config.pollIntervalMS: unknown key 'pollIntervalMS' (did you mean 'pollIntervalMs'?); known keys: pollIntervalMs, responseTimeoutMs, hanLostAfter, expectedUpdateIntervalMs, graceMs, clockProblemToleranceMs, changeTimeFallback, staleDetection, lowCreditPounds, pendingTimeoutMs, clockSyncThresholdMs`,
  ],
  ['a GSME key on a PPMID', () => run('ppmid', '--config', config('ppmid', { config: { wakeIntervalMs: 1000 } })), (a) => new RegExp(`^hanlab board: --config ${esc(at(a))}: config\\.wakeIntervalMs: unknown key 'wakeIntervalMs'; known keys: pollIntervalMs, `)],
  ['wakeIntervalMs: 0', () => run('gsme', '--config', config('gsme', { config: { wakeIntervalMs: 0 } })), (a) => `hanlab board: --config ${at(a)}: config.wakeIntervalMs: expected a whole number of ms from 1 to 2147483647, found 0`],
  ['initialCredit: -5', () => run('gsme', '--config', config('gsme', { config: { initialCredit: -5 } })), (a) => `hanlab board: --config ${at(a)}: config.initialCredit: expected a whole number of money units from 0 to 2147483647 (int32), found -5`],
  ['touTierByHour of 2 hours', () => run('gsme', '--config', config('gsme', { config: { touTierByHour: [1, 2] } })), (a) => `hanlab board: --config ${at(a)}: config.touTierByHour: expected a list of 24 tiers (1 to 4), one per hour, found a list of 2 items`],
  ['block thresholds descending', () => run('gsme', '--config', config('gsme', { config: { blockThresholdsKwh: [3, 2, 1] } })), (a) => `hanlab board: --config ${at(a)}: config.blockThresholdsKwh: expected a list of 3 thresholds in kWh, ascending, found a list of 3 items`],
  ['GPF maxPendingCommands 1.5', () => run('gpf', '--config', config('gpf', { config: { maxPendingCommands: 1.5 } })), (a) => `hanlab board: --config ${at(a)}: config.maxPendingCommands: expected a whole number from 0 to 255, found 1.5`],
  ['config a list', () => run('ppmid', '--config', config('ppmid', { config: [] })), (a) => `hanlab board: --config ${at(a)}: config: expected an object of PPMID settings (pollIntervalMs, responseTimeoutMs, …), found an empty list`],
  ['seed 0', () => run('ppmid', '--config', config('ppmid', { seed: 0 })), (a) => `hanlab board: --config ${at(a)}: seed: expected a whole number from 1 to 2147483647, found 0`],
  ['a PPMID without its GPF', () => run('ppmid', '--config', config('ppmid', { peers: {} })), (a) => `hanlab board: --config ${at(a)}: peers.gpf: expected an EUI-64 of 16 upper-case hex digits, found nothing`],
  ['--config a directory', () => run('ppmid', '--config', dir), () => `hanlab board: --config ${dir}: is a directory`],
  ['--broker port 99999', () => ['board', 'run', '--board', 'node', '--device', 'ppmid', '--broker', 'mqtt://127.0.0.1:99999'], () => 'hanlab board: --broker: expected a port from 1 to 65535, found 99999 in "mqtt://127.0.0.1:99999"'],
  ['--broker port 0', () => ['board', 'run', '--board', 'node', '--device', 'ppmid', '--broker', 'mqtt://127.0.0.1:0'], () => 'hanlab board: --broker: expected a port from 1 to 65535, found 0 in "mqtt://127.0.0.1:0"'],
  ['--screenshots under /proc', () => run('ppmid', '--screenshots', '/proc/hanlab-no-such-dir'), () => /^hanlab board: --screenshots: cannot write to directory "\/proc\/hanlab-no-such-dir" \((ENOENT|EACCES)\)$/, 'child'],
  ['flash: pollIntervalMs -1', () => ['flash', '--board', 'espruino-wifi', '--device', 'ppmid', '--port', '/dev/null', '--dry-run', '--config', flashConfig({ config: { pollIntervalMs: -1 } })], (a) => `hanlab flash: --config ${at(a)}: config.pollIntervalMs: expected a whole number of ms from 2 to 2147483647, found -1`],
  ['flash: seed 1.5', () => ['flash', '--board', 'espruino-wifi', '--device', 'ppmid', '--port', '/dev/null', '--dry-run', '--config', flashConfig({ seed: 1.5 })], (a) => `hanlab flash: --config ${at(a)}: seed: expected a whole number from 1 to 2147483647, found 1.5`],
  ['flash: --port -x', () => ['flash', '--board', 'espruino-wifi', '--device', 'ppmid', '--port', '-x'], () => `hanlab flash: --port: expected a value, found "-x", which looks like an option (for a value starting with '-' write --port=-x) (see hanlab flash --help)`],
  ['hil: --junit under /proc, refused before the suite', () => ['hil', '--dut', 'emulator', '--device', 'ppmid', '--junit', '/proc/hanlab.xml'], () => /^hanlab hil: --junit: cannot write a file in directory "\/proc" \((ENOENT|EACCES)\)$/, 'child'],
  ['hil: --junit a directory', () => ['hil', '--dut', 'emulator', '--device', 'ppmid', '--junit', dir], () => `hanlab hil: --junit: expected a file name, found the directory "${dir}"`],
  ['hil: --screens under /proc', () => ['hil', '--dut', 'emulator', '--device', 'ppmid', '--screens', '/proc/hanlab-shots'], () => /^hanlab hil: --screens: cannot write to directory "\/proc\/hanlab-shots" \((ENOENT|EACCES)\)$/, 'child'],
];

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe.concurrent('board run, flash, hil: bad configs and paths are one line on stderr, exit 2', () => {
  for (const [what, args, stderr, child] of cases) {
    it(what, async ({ expect }) => {
      const a = args();
      const r = child === 'child' ? await spawnHanlab(a, { timeoutMs: 60_000 }) : await hanlab(...a);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const want = stderr(a);
      if (typeof want === 'string') expect(r.stderr).toBe(want + '\n');
      else {
        expect(r.stderr.endsWith('\n') && !r.stderr.slice(0, -1).includes('\n')).toBe(true);
        expect(r.stderr.slice(0, -1)).toMatch(want);
      }
    }, 90_000);
  }
});

describe('the device config schema takes every config hanlab itself writes', () => {
  for (const device of ['gsme', 'gpf', 'ppmid'] as const) {
    it(`${device}: the firmware defaults, the hil profile, the default and HIL board configs`, () => {
      const defaults = { gsme: GSME_DEFAULT_CONFIG, gpf: GPF_DEFAULT_CONFIG, ppmid: PPMID_DEFAULT_CONFIG }[device];
      expect(MACHINE_CONFIG_SCHEMAS[device].safeParse(defaults).error).toBeUndefined();
      expect(MACHINE_CONFIG_SCHEMAS[device].safeParse(PROFILE_OVERRIDES.hil[device]).error).toBeUndefined();
      expect(checkBoardDeviceConfig(defaultDeviceConfig(device), device, 'default')).toMatchObject({ device });
      expect(checkBoardDeviceConfig(dutConfig({ device }), device, 'hil')).toMatchObject({ device, profile: 'hil' });
    });
  }
});
