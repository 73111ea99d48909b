import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    for (const flag of ['--scenario', '--seed', '--until', '--json', '--broker', '--realtime', '--dxi', '--db']) expect(r.stdout).toContain(flag);
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
