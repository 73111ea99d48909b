import { describe, expect, it, onTestFinished } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../han/mosquitto.ts';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import { dutConfig, hilIdentities } from '../hil/config.ts';
import { junitXml } from '../hil/junit.ts';
import type { SuiteResult } from '../hil/types.ts';
import { hanlab, spawnHanlab } from './support/cli.ts';

/** In this process (test/support/cli.ts). */
const hil = (...args: string[]) => hanlab('hil', ...args);

describe('hanlab hil --dut mqtt://…: no broker, or no DUT, is said once, before any case', () => {
  const EUI = '00DB48FFFE00A003';

  it('no broker at the URL: exit 2 at once with one line (it used to hang after "no connection within 5 s")', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    // A child process: one that hangs is a failed test (its timeout), where a call in this process would just return.
    const r = await spawnHanlab(['hil', '--dut', `${url}#${EUI}`, '--device', 'ppmid'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`hanlab hil: --dut: no MQTT broker at ${url} (connection refused)\n`);
    // At once: a refused connection is not waited out like a silent one (5 s). Timed in this
    // process, once its modules are loaded, so that a busy machine's process start-up is not counted.
    await hil('--help');
    const t0 = performance.now();
    expect(await hil('--dut', `${url}#${EUI}`, '--device', 'ppmid')).toEqual(r);
    expect(performance.now() - t0).toBeLessThan(4000);
  }, 60_000);

  it('a broker without the DUT: "DUT not seen" within --dut-wait, exit 2, no case run; --junit made its folder first', async () => {
    const config = dutConfig({ device: 'ppmid', eui: EUI });
    const broker = await startEmbeddedBroker({ identities: hilIdentities(config) });
    const junitDir = mkdtempSync(join(tmpdir(), 'hanlab-hil-'));
    onTestFinished(() => rmSync(junitDir, { recursive: true, force: true }));
    const junit = join(junitDir, 'out', 'ppmid.xml');
    try {
      // A child process: the observer and the harness's devices it connected must not keep it running.
      const r = await spawnHanlab(['hil', '--dut', `${broker.url}#${EUI}`, '--device', 'ppmid', '--junit', junit, '--dut-wait', '1.5'], { timeoutMs: 60_000 });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/^hanlab hil: ppmid-conformance, \d+ cases/);
      expect(r.stdout).not.toMatch(/PASS|FAIL/);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^hanlab hil: --dut: DUT not seen: ${EUI} published no state or screen on ${broker.url.replace(/[.]/g, '\\.')} within 1\\.5 s`));
      expect(existsSync(join(junit, '..'))).toBe(true);
    } finally {
      await broker.close();
    }
  }, 90_000);

  it('--dut-wait: how long, by default 10 s, in the help', async () => {
    expect((await hil('--help')).stdout).toMatch(/--dut-wait S {8}how long a DUT at mqtt:\/\/… has to publish its state or screen before\n {22}the run ends with "DUT not seen" \(default 10 s\)/);
  });
});

describe('hanlab hil: bad flags exit 2 with one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['no --device', ['--dut', 'node'], /^hanlab hil: --device is required/],
    ['a bad --device', ['--dut', 'node', '--device', 'ihd'], /--device: expected ppmid, gpf or gsme, found "ihd"$/],
    ['no --dut', ['--device', 'ppmid'], /--dut is required/],
    ['a bad --dut', ['--dut', 'qemu', '--device', 'ppmid'], /--dut: expected emulator, node or mqtt:\/\/HOST:PORT#EUI, found "qemu"$/],
    ['a bad EUI', ['--dut', 'mqtt://127.0.0.1:1883#abc', '--device', 'ppmid'], /the EUI after # must be 16 upper-case hex digits, found "abc"$/],
    ['an unknown suite', ['--dut', 'node', '--device', 'ppmid', '--suite', 'nope'], /--suite: unknown suite "nope"/],
    ['a suite for another device', ['--dut', 'node', '--device', 'gsme', '--suite', 'ppmid-conformance'], /ppmid-conformance is for a ppmid DUT, not a gsme$/],
    ['a bad console spec', ['--dut', 'node', '--device', 'ppmid', '--console', 'COM3'], /--console: expected serial:\/dev\/PORT/],
    ['a console that cannot be opened', ['--dut', 'node', '--device', 'ppmid', '--console', 'serial:/dev/hanlab-no-such-tty'], /--console: cannot open \/dev\/hanlab-no-such-tty: ENOENT$/],
    ['an unknown flag', ['--dut', 'node', '--device', 'ppmid', '--fast'], /^hanlab hil: --fast: unknown option \(see hanlab hil --help\)$/],
    ['--dut-wait not a number', ['--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00A003', '--device', 'ppmid', '--dut-wait', '10s'], /^hanlab hil: --dut-wait: expected seconds, more than 0 and at most 3600, found "10s"$/],
    ['--dut-wait 0', ['--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00A003', '--device', 'ppmid', '--dut-wait', '0'], /--dut-wait: expected seconds, more than 0 and at most 3600, found "0"$/],
    ['--dut-wait for a DUT the harness starts', ['--dut', 'node', '--device', 'ppmid', '--dut-wait', '5'], /^hanlab hil: --dut-wait: only for a DUT at mqtt:\/\/…/],
    ['--wifi without --print-config', ['--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00A003', '--device', 'ppmid', '--wifi', 'lab'], /^hanlab hil: --wifi: only with --print-config/],
    ['--wifi for a DUT the harness starts', ['--print-config', '--dut', 'node', '--device', 'ppmid', '--wifi', 'lab'], /^hanlab hil: --wifi: needs --dut mqtt:\/\/HOST:PORT#EUI, the broker the board is to reach$/],
    ['--wifi ""', ['--print-config', '--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00A003', '--device', 'ppmid', '--wifi', ''], /^hanlab hil: --wifi: expected the WiFi network's name, found ""$/],
    ['--wifi-password without --wifi', ['--print-config', '--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00A003', '--device', 'ppmid', '--wifi-password', 'pw'], /^hanlab hil: --wifi-password: only with --wifi SSID$/],
    ['--no-stale-detection on a flashed board', ['--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00A003', '--device', 'ppmid', '--no-stale-detection'], /only for emulator and node/],
  ];
  for (const [what, args, pattern] of cases) {
    it(what, async () => {
      const r = await hil(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(pattern);
    });
  }

  it('--print-config gives the config a flashed board needs (its EUI, the harness peers, the hil profile)', async () => {
    const r = await hil('--print-config', '--device', 'ppmid', '--dut', 'mqtt://10.0.0.5:1883#00DB48FFFE00B003', '--premises', 'bench1');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({ device: 'ppmid', premises: 'bench1', eui: '00DB48FFFE00B003', profile: 'hil', peers: { gpf: '00DB48FFFE00A002' } });
    // Alone, the device config hanlab board run --config takes: no network sections.
    expect(c).not.toHaveProperty('wifi');
    expect(c).not.toHaveProperty('mqtt');
  });

  it('--print-config --wifi: the whole hanlab.json, the board\'s WiFi and the --dut broker added to the same config', async () => {
    const args = ['--print-config', '--device', 'ppmid', '--dut', 'mqtt://10.0.0.5:1883#00DB48FFFE00B003', '--premises', 'bench1'];
    const alone = JSON.parse((await hil(...args)).stdout);
    const open = JSON.parse((await hil(...args, '--wifi', 'bench net')).stdout);
    expect(open).toEqual({ ...alone, wifi: { ssid: 'bench net', password: '' }, mqtt: { host: '10.0.0.5', port: 1883 } });
    const r = await hil(...args, '--wifi', 'lab', '--wifi-password', 'pw');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...alone, wifi: { ssid: 'lab', password: 'pw' }, mqtt: { host: '10.0.0.5', port: 1883 } });
  });
});

describe('JUnit XML', () => {
  const result: SuiteResult = {
    suite: 'ppmid-conformance',
    device: 'ppmid',
    target: 'emulator',
    dutEui: '00DB48FFFE00A003',
    ms: 12_345,
    cases: [
      { name: 'fresh', status: 'passed', ms: 1000, steps: [] },
      { name: 'late <after> "one" & missed', status: 'failed', ms: 2000, steps: [], failedStep: 'DUT shows late', message: 'expected a late screen; saw fresh screen: "Updated 12:00 \u0001"', screen: null },
      { name: 'broker restart', status: 'skipped', ms: 0, steps: [], message: 'not our broker' },
    ],
  };
  const xml = junitXml([result]);

  it('counts tests, failures and skips', () => {
    expect(xml).toMatch(/<testsuites name="hanlab hil" tests="3" failures="1" skipped="1" time="12.345">/);
    expect(xml).toMatch(/<testsuite name="ppmid-conformance" hostname="emulator" tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<skipped /g)).toHaveLength(1);
  });

  it('is well-formed: escaped text, no control characters, balanced elements', () => {
    expect(xml).toContain('name="late &lt;after&gt; &quot;one&quot; &amp; missed"');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    // Every element opened is closed, in order (a tiny well-formedness check; no XML parser dependency).
    const stack: string[] = [];
    for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
    expect(xml).not.toMatch(/&(?!lt;|gt;|amp;|quot;|apos;)/);
  });
});
