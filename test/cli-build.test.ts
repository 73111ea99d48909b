import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hanlab } from './support/cli.ts';

const root = new URL('../', import.meta.url).pathname;

describe('hanlab build', () => {
  it('builds the PPMID for Espruino WiFi and prints the file with its sizes', async () => {
    const r = await hanlab('build', '--board', 'espruino-wifi', '--device', 'ppmid');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /^dist\/espruino-wifi\/ppmid\.js {2}(\d+) bytes minified, (\d+) gzipped {2}\(espruino-wifi, ppmid, compact runtime, es5\)\n$/.exec(r.stdout);
    expect(m).not.toBeNull();
    const file = root + 'dist/espruino-wifi/ppmid.js';
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBe(Number(m![1]));
    expect(Number(m![2])).toBeLessThan(Number(m![1]));
  }, 60_000);

  it('names a runtime that is not the board default in the file name, and the no-stale flag', async () => {
    const r = await hanlab('build', '--board', 'emulator', '--device', 'gsme', '--runtime', 'xstate', '--no-stale-detection');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dist\/emulator\/gsme\.xstate\.no-stale\.js {2}\d+ bytes minified/);
  }, 60_000);

  const bad: [string, string[], RegExp][] = [
    ['no --board', ['--device', 'ppmid'], /^hanlab build: --board: required$/],
    ['an unknown board', ['--board', 'zx81', '--device', 'ppmid'], /^hanlab build: --board: unknown board 'zx81' \(boards: .*espruino-wifi/],
    ['no --device', ['--board', 'esp32'], /^hanlab build: --device: required \(gsme, gpf, ppmid\)$/],
    ['an unknown device', ['--board', 'esp32', '--device', 'toaster'], /^hanlab build: --device: unknown device 'toaster'/],
    ['an unknown runtime', ['--board', 'esp32', '--device', 'ppmid', '--runtime', 'fast'], /^hanlab build: --runtime: unknown runtime 'fast' \(runtimes: xstate, compact\)$/],
    ['an unknown flag', ['--board', 'esp32', '--device', 'ppmid', '--turbo'], /^hanlab build: --turbo: unknown option \(see hanlab build --help\)$/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 with one line for ${what}`, async () => {
      const r = await hanlab('build', ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    });
  }
});
