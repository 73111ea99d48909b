import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../han/mosquitto.ts';
import { createServer } from 'node:net';
import { hanlab, spawnHanlab } from './support/cli.ts';

/** In this process (test/support/cli.ts). */
const sim = (...args: string[]) => hanlab('sim', ...args);

describe('hanlab sim: bad input exits 2 with one line naming what and where', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-cli-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: bad\noutages:\n  - { start: "+1h", duration: 3 hours }\n');

  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['an unknown flag', async () => ['--frobnicate'], /^hanlab sim: --frobnicate: unknown option \(see hanlab sim --help\)$/],
    ['a bad scenario field', async () => ['--scenario', bad], /bad\.yaml:3: outages\[0\]\.duration: expected a duration like '30m', '3h' or seconds, found "3 hours"$/],
    ['an unknown built-in', async () => ['--scenario', 'nope'], /unknown built-in scenario 'nope'; expected one of: .*han-outage-prepay/],
    ['a bad seed', async () => ['--seed', 'x'], /--seed: expected a whole number/],
    ['a bad --until', async () => ['--until', 'yesterday'], /--until: expected an ISO time .* found "yesterday"$/],
    ['--until outside the run', async () => ['--until', '+40d'], /--until: expected a time after the start .* no later than the end/],
    ['a bad broker URL', async () => ['--broker', 'http://x'], /--broker: expected mqtt:\/\/HOST:PORT, found "http:\/\/x"$/],
    ['a broker that is not there', async () => ['--broker', `mqtt://127.0.0.1:${await freePort()}`], /^hanlab sim: --broker: no MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await sim(...(await args()));
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stdout).toBe('');
    }, 30_000);
  }

  it('no broker: sim and board run say it in the same words, at once', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const board = await hanlab('board', 'run', '--board', 'node', '--device', 'ppmid', '--broker', url);
    const simRun = await sim('--broker', url);
    expect(simRun.stderr).toBe(`hanlab sim: --broker: no MQTT broker at ${url} (connection refused)\n`);
    expect(board.stderr).toBe(`hanlab board: --broker: no MQTT broker at ${url} (connection refused)\n`);
    expect([simRun.code, board.code]).toEqual([2, 2]);
  }, 30_000);

  it('a port that accepts and never answers: both give up after 5 s in the same words', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      // Child processes, side by side: each waits 5 s on a real socket, and must then exit (a
      // socket left open would keep it running: a failed test by its timeout).
      const t0 = performance.now();
      const [simRun, board] = await Promise.all([
        spawnHanlab(['sim', '--broker', url], { timeoutMs: 60_000 }),
        spawnHanlab(['board', 'run', '--board', 'node', '--device', 'ppmid', '--broker', url], { timeoutMs: 60_000 }),
      ]);
      // 5 s, plus two processes starting on a machine that may be busy with a whole test run (or two).
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(simRun.stderr).toBe(`hanlab sim: --broker: no MQTT broker at ${url} (nothing answered within 5 s)\n`);
      expect(board.stderr).toBe(`hanlab board: --broker: no MQTT broker at ${url} (nothing answered within 5 s)\n`);
      expect([simRun.code, board.code]).toEqual([2, 2]);
    } finally {
      silent.close();
    }
  }, 90_000);

  it('--help describes every flag', async () => {
    const r = await sim('--help');
    expect(r.code).toBe(0);
    for (const flag of ['--scenario', '--seed', '--until', '--json', '--broker', '--realtime', '--speed', '--compare', '--no-compare', '--dxi', '--db']) expect(r.stdout).toContain(flag);
  });
});

describe('hanlab sim --realtime', () => {
  it('paces virtual time at wall-clock speed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hanlab-rt-')), 'short.yaml');
    writeFileSync(file, 'name: short\nduration: 3s\n');
    const t0 = performance.now();
    const r = await sim('--scenario', file, '--realtime', '--json');
    const wall = performance.now() - t0;
    expect(r.code).toBe(0);
    expect(wall).toBeGreaterThan(2_500);
    const lines = r.stdout.trim().split('\n');
    // Real time is for watching over MQTT: without --broker it runs on the embedded broker and says where, first.
    expect(lines[0]).toMatch(/^\{"kind":"broker","url":"mqtt:\/\/127\.0\.0\.1:\d+"\}$/);
    expect(lines.at(-1)).toContain('"kind":"summary"');
  }, 30_000);

  it('prints the embedded broker first in the text timeline too', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hanlab-rt-')), 'short.yaml');
    writeFileSync(file, 'name: short\nduration: 2s\n');
    const r = await sim('--scenario', file, '--realtime');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Embedded MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ /);
  }, 30_000);
});

/** The homes of a --json run's summary line. */
function summaryHomes(stdout: string): { label: string; premises: string }[] {
  return JSON.parse(stdout.trim().split('\n').at(-1)!).homes;
}

describe('hanlab sim --speed, --compare, --no-compare', () => {
  it('--speed X paces virtual time at X times wall-clock speed, one home, on the embedded broker', async () => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // Half an hour of the default (comparison) scenario at 1800×: one wall second.
    const r = await sim('--until', '+30m', '--speed', '1800', '--json');
    const wall = performance.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    // Not before its time (a little slack for timer rounding); the upper bound only catches a run
    // that is not paced at that speed (1× would take 30 minutes): a loaded 2-core machine can be
    // several seconds slow starting the broker and the home.
    expect(wall).toBeGreaterThan(950);
    expect(wall, `CPU ${JSON.stringify(process.cpuUsage(cpu0))}`).toBeLessThan(20_000);
    expect(r.stdout.split('\n')[0]).toMatch(/^\{"kind":"broker","url":"mqtt:\/\/127\.0\.0\.1:\d+"\}$/);
    // A person watching follows one home: a paced run compares nothing unless told to.
    expect(summaryHomes(r.stdout).map((h) => [h.label, h.premises])).toEqual([['scenario', 'home-1']]);
  }, 60_000);

  it('--speed with --compare runs the comparison homes too', async () => {
    const r = await sim('--until', '+10m', '--speed', '3600', '--compare', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(summaryHomes(r.stdout)).toHaveLength(13);
  }, 60_000);

  it('--no-compare runs only the scenario\'s own home; without it the comparison homes are named by their firmware', async () => {
    const one = await sim('--until', '+10m', '--no-compare', '--json');
    expect(one.code, one.stderr).toBe(0);
    expect(summaryHomes(one.stdout).map((h) => h.premises)).toEqual(['home-1']);
    expect(one.stdout).not.toContain('gsme=legacy');

    const all = await sim('--until', '+10m', '--json');
    expect(all.code, all.stderr).toBe(0);
    const homes = summaryHomes(all.stdout);
    expect(homes).toHaveLength(13);
    expect(homes.find((h) => h.label === 'gsme=legacy gpf=legacy ppmid=legacy')?.premises).toBe('home-1-legacy-gsme-legacy-gpf-legacy-ppmid');
    expect(homes.find((h) => h.label === 'gsme=secmp0015 gpf=legacy ppmid=secmp0015 fallback=off')?.premises).toBe('home-1-legacy-gpf-no-fallback');
    expect(new Set(homes.map((h) => h.premises)).size).toBe(13);
  }, 60_000);

  it('--print-broker-files holds the accounts of the homes the same flags run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-bf-'));
    const r = await sim('--print-broker-files', join(dir, 'a'), '--no-compare');
    const c = await sim('--print-broker-files', join(dir, 'b'), '--compare');
    expect([r.code, c.code]).toEqual([0, 0]);
    const files = (d: string) => readdirSync(d).map((f) => readFileSync(join(d, f), 'utf8')).join('\n');
    expect(files(join(dir, 'a'))).not.toContain('home-1-legacy-gsme');
    expect(files(join(dir, 'b'))).toContain('home-1-legacy-gsme');
  }, 60_000);
});

describe('hanlab sim: what only a broker carries', () => {
  it.each(['--ha-discovery', '--han-json', '--glow'])('%s is refused on the in-process bus: one line, exit 2', async (flag) => {
    const r = await sim(flag, '--until', '+1h');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`hanlab sim: ${flag}: only on a broker (--broker embedded|URL, --realtime or --speed X), not the in-process bus (see hanlab sim --help)\n`);
  });
});
