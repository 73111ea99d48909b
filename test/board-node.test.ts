/**
 * `hanlab board run` as the HIL harness uses it: child processes against an embedded broker on a
 * free port. A whole home of boards (GSME on the emulator, GPF and PPMID on the node board, `hil`
 * timing) gets the PPMID from no data to a fresh balance on its retained screen; SIGTERM ends a
 * board with status 0; bad flags, config or broker end it with status 2 and one line.
 */
import { euiBytes, issueUtrn, topUpKeyBytes } from '../firmware/codec/utrn.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { defaultDeviceConfig } from '../boards/runner/config.ts';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import type { EmbeddedBroker } from '../han/embedded-broker.ts';
import { deviceAccount, identityRegistry, observerAccount } from '../han/identities.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../sim/scenario/load.ts';
import { hubWanAccount } from '../sim/wan/parties.ts';
import type { ScreenModel } from '../firmware/display/screen-model.ts';
import { encodeConsumerTopUp } from '../firmware/machines/prepayment-commands.ts';
import { encodeZclFrame } from '../firmware/zcl/index.ts';
import { hanTopic } from '../han/topics.ts';
import { hanlab } from './support/cli.ts';

const cli = new URL('../bin/hanlab.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'hanlab-board-'));
let broker: EmbeddedBroker;
const children: ChildProcessWithoutNullStreams[] = [];

const WATCHER_PASSWORD = 'watching';
const DEVICES = ['gsme', 'gpf', 'ppmid'] as const;

beforeAll(async () => {
  // The default scenario's accounts (boards without --config are its home-1 devices, with its
  // secrets), the same devices at premises bench-1, and read-only watchers.
  const bench = DEVICES.map((d) => ({ ...defaultDeviceConfig(d), premises: 'bench-1' }));
  const identities = identityRegistry([
    ...simulationIdentities(builtinScenario(DEFAULT_SCENARIO)).values(),
    ...bench.map((c) => deviceAccount({ eui: c.eui, secret: c.secret!, premises: c.premises, device: c.device })),
    hubWanAccount('bench-1', defaultDeviceConfig('gpf').eui, defaultDeviceConfig('gpf').secret!),
    observerAccount('hanlab-test-screens', WATCHER_PASSWORD),
    observerAccount('hanlab-test-home', WATCHER_PASSWORD),
  ]);
  broker = await startEmbeddedBroker({ identities });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await broker.close();
});

interface Board {
  child: ChildProcessWithoutNullStreams;
  up: string;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

function spawnBoard(args: string[]): Promise<Board> {
  const child = spawn(process.execPath, [cli, 'board', 'run', ...args]);
  children.push(child);
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no up line in 20 s; stderr: ${err}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('hanlab board: up '));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, up: line, stdout: () => out, stderr: () => err, exit });
      }
    });
    exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before its up line; stderr: ${err}`));
    });
  });
}

/** `hanlab board ARGS…` in a child process: a board that is refused must also exit (nothing left open). */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'board', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function configFile(device: 'gsme' | 'gpf' | 'ppmid'): string {
  const file = join(tmp, `${device}.json`);
  writeFileSync(file, JSON.stringify({ ...defaultDeviceConfig(device), profile: 'hil', premises: 'bench-1' }));
  return file;
}

/** A tool on the broker: sees retained screens (as an observer) and, logged in as the GPF, frames addressed to the GPF. */
async function watcher(clientId: string, topics: string[], password = WATCHER_PASSWORD): Promise<{ client: MqttClient; messages: { topic: string; payload: Buffer }[] }> {
  const client = connect(broker.url, { clientId, username: clientId, password, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  const messages: { topic: string; payload: Buffer }[] = [];
  client.on('message', (topic, payload) => messages.push({ topic, payload }));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(topics, { qos: 0 });
  return { client, messages };
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('hanlab board run', () => {
  it('node PPMID alone: up line, polls the GPF over MQTT, retained screen, SIGTERM → 0', async () => {
    const ppmid = defaultDeviceConfig('ppmid');
    const gpfEui = ppmid.peers.gpf!;
    const tool = await watcher(gpfEui, [`han/home-1/${gpfEui}/#`], defaultDeviceConfig('gpf').secret);
    const board = await spawnBoard(['--board', 'node', '--device', 'ppmid', '--broker', broker.url, '--screenshots', join(tmp, 'shots'), '--state', join(tmp, 'alone-state')]);
    expect(board.up).toBe(`hanlab board: up board=node device=ppmid eui=${ppmid.eui} premises=home-1 broker=${broker.url} runtime=xstate`);
    await until('a frame from the PPMID to the GPF', () => tool.messages.some((m) => m.topic.startsWith(`han/home-1/${gpfEui}/${ppmid.eui}/`)), 10_000);

    const screens = await watcher('hanlab-test-screens', ['hanlab/home-1/ppmid/screen']);
    await until('the retained screen', () => screens.messages.length > 0, 5_000);
    const screen = JSON.parse(screens.messages[0]!.payload.toString()) as ScreenModel;
    expect(screen.freshness).toBe('noData');
    expect(board.stdout()).toContain('screen noData: ');
    expect(readdirSync(join(tmp, 'shots'))[0]).toMatch(/^0001-\d{8}T\d{6}-noData\.png$/);

    board.child.kill('SIGTERM');
    expect(await board.exit).toBe(0);
    await tool.client.endAsync();
    await screens.client.endAsync();
  }, 40_000);

  it('a home of boards: GSME on the emulator, GPF and PPMID on Node; the PPMID shows a fresh balance', async () => {
    const gpf = await spawnBoard(['--board', 'node', '--device', 'gpf', '--broker', broker.url, '--config', configFile('gpf'), '--state', join(tmp, 'home-gpf')]);
    const gsme = await spawnBoard(['--board', 'emulator', '--device', 'gsme', '--broker', broker.url, '--config', configFile('gsme')]);
    expect(gsme.up).toMatch(/^hanlab board: up board=emulator device=gsme eui=[0-9A-F]{16} premises=bench-1 broker=\S+ runtime=compact heap=\d+$/);
    const ppmid = await spawnBoard(['--board', 'node', '--device', 'ppmid', '--broker', broker.url, '--config', configFile('ppmid'), '--runtime', 'compact', '--state', join(tmp, 'home-ppmid')]);
    const screens = await watcher('hanlab-test-home', ['hanlab/bench-1/ppmid/screen']);
    let last: ScreenModel | null = null;
    await until(
      'a fresh balance on the PPMID',
      () => {
        const m = screens.messages.at(-1);
        if (m) last = JSON.parse(m.payload.toString()) as ScreenModel;
        return last !== null && last.freshness === 'fresh' && last.credit !== null;
      },
      20_000,
    );
    expect(last!.credit).toBeCloseTo(3.15, 1);
    expect(ppmid.stdout()).toMatch(/screen fresh: /);
    for (const b of [ppmid, gsme, gpf]) b.child.kill('SIGTERM');
    expect(await Promise.all([ppmid.exit, gsme.exit, gpf.exit])).toEqual([0, 0, 0]);
    await screens.client.endAsync();
  }, 60_000);

  it('kill -9 and restart from the storage folder: the GSME keeps the credit of an acknowledged top-up, the GPF its mirror', async () => {
    const state = (d: string) => join(tmp, `kill-${d}`);
    // The GSME wakes every 2 s (the scenario's own 30 min would outlast the test).
    const fast = join(tmp, 'gsme-fast.json');
    const g = { ...defaultDeviceConfig('gsme'), profile: 'hil', premises: 'bench-1' };
    writeFileSync(fast, JSON.stringify({ ...g, config: { ...g.config, wakeIntervalMs: 2000, wakeJitterMs: 0, ackTimeoutMs: 500 } }));
    const start = (d: 'gsme' | 'gpf') => spawnBoard(['--board', 'node', '--device', d, '--broker', broker.url, '--config', d === 'gsme' ? fast : configFile(d), '--state', state(d)]);
    let gpf = await start('gpf');
    let gsme = await start('gsme');
    const states = await watcher('hanlab-test-home', ['hanlab/bench-1/gsme/state', 'hanlab/bench-1/gpf/state']);
    const latest = (d: string) => {
      const m = states.messages.filter((x) => x.topic === `hanlab/bench-1/${d}/state`).at(-1);
      return m ? (JSON.parse(m.payload.toString()) as Record<string, unknown>) : null;
    };
    await until('a GSME report mirrored by the GPF', () => (latest('gpf')?.reportsReceived as number) > 0, 20_000);
    const configured = latest('gsme')!.creditGbp as number;

    // A top-up from the PPMID (its account, its topic): the GPF acknowledges it, the GSME applies it at its next wake.
    const ppmidCfg = { ...defaultDeviceConfig('ppmid'), premises: 'bench-1' };
    const gpfCfg = defaultDeviceConfig('gpf');
    // A £7 code the supplier issues for this GSME under its key (its config's topUpKey).
    const gsmeCfg = defaultDeviceConfig('gsme');
    const utrn = issueUtrn(topUpKeyBytes((gsmeCfg.config as { topUpKey?: string }).topUpKey)!, euiBytes(gsmeCfg.eui)!, 1, 700);
    const ppmidAsClient = await watcher(ppmidCfg.eui, [hanTopic('bench-1', ppmidCfg.eui, gpfCfg.eui, 0x0705)], ppmidCfg.secret);
    const frame = encodeZclFrame({ header: { frameType: 'cluster', direction: 'toServer', disableDefaultResponse: false, sequence: 0x33, commandId: 0x04 }, command: { kind: 'other', payload: encodeConsumerTopUp(2, utrn) } });
    ppmidAsClient.client.publish(hanTopic('bench-1', gpfCfg.eui, ppmidCfg.eui, 0x0705), Buffer.from(frame), { qos: 0 });
    await until('the GPF acknowledging the top-up', () => ppmidAsClient.messages.length > 0, 10_000);
    await until('the top-up applied', () => (latest('gsme')?.creditGbp as number) > configured + 6.9, 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; ack ${ppmidAsClient.messages.map((m) => m.payload.toString('hex')).join(',')}; gpf: ${gpf.stderr().slice(-1500)}; gsme: ${gsme.stderr().slice(-1500)}`);
    });
    await until('the GPF done with it and mirroring the new credit', () => (latest('gpf')?.pendingCommands as string[]).length === 0 && (latest('gpf')?.creditGbp as number) > configured + 6.9, 10_000);

    // kill -9 both, then start them again from their folders.
    const stored = JSON.parse(readFileSync(join(state('gsme'), 'gsme.nv'), 'utf8')) as { f: { pay: { credit: number } } };
    expect(stored.f.pay.credit / 100_000).toBeGreaterThan(configured + 6.9);
    gsme.child.kill('SIGKILL');
    gpf.child.kill('SIGKILL');
    await Promise.all([gsme.exit, gpf.exit]);
    const reports = (JSON.parse(readFileSync(join(state('gpf'), 'gpf.nv'), 'utf8')) as { f: { reportsReceived: number } }).f.reportsReceived;
    states.messages.length = 0;
    gpf = await start('gpf');
    // Before the GSME is back: the GPF's mirror and counts are what they were.
    await until('the restarted GPF state', () => latest('gpf') !== null, 10_000);
    expect(latest('gpf')!.reportsReceived).toBe(reports);
    expect(latest('gpf')!.creditGbp as number).toBeGreaterThan(configured + 6.9);
    expect(gpf.stderr()).toContain('state restored from storage');
    gsme = await start('gsme');
    await until('the restarted GSME state', () => latest('gsme') !== null, 10_000);
    // Its credit is what it last wrote, less the standing charge of the seconds since.
    expect(latest('gsme')!.creditGbp as number).toBeCloseTo(stored.f.pay.credit / 100_000, 2);
    expect(gsme.stderr()).toContain('state restored from storage');
    // Applied once: no second application after the restart, by the time the restarted GSME has
    // woken and reported (waited for, not slept: a busy machine may take longer than a wake).
    await until('a report from the restarted GSME', () => (latest('gpf')?.reportsReceived as number) > reports, 20_000);
    expect(gsme.stderr()).not.toContain('top-up applied');
    expect(latest('gsme')!.creditGbp as number).toBeLessThan(configured + 7.01);
    for (const b of [gsme, gpf]) b.child.kill('SIGTERM');
    expect(await Promise.all([gsme.exit, gpf.exit])).toEqual([0, 0]);
    await states.client.endAsync();
    await ppmidAsClient.client.endAsync();
  }, 90_000);

  const bad: [string, string[], RegExp][] = [
    ['no subcommand', ['--board', 'node'], /^hanlab board: expected 'hanlab board run …', found '\(nothing\)'$/],
    ['an unknown board', ['run', '--board', 'esp32', '--device', 'ppmid', '--broker', 'mqtt://127.0.0.1:1883'], /^hanlab board: --board: expected node, emulator, found "esp32"$/],
    ['an unknown device', ['run', '--board', 'node', '--device', 'meter', '--broker', 'mqtt://127.0.0.1:1883'], /^hanlab board: --device: expected gsme, gpf, ppmid, found "meter"$/],
    ['a bad broker URL', ['run', '--board', 'node', '--device', 'ppmid', '--broker', 'localhost'], /^hanlab board: --broker: expected mqtt:\/\/HOST:PORT, found "localhost"$/],
    ['an unknown flag', ['run', '--board', 'node', '--device', 'ppmid', '--broker', 'mqtt://127.0.0.1:1883', '--fast'], /^hanlab board: --fast: unknown option \(see hanlab board --help\)$/],
    ['a config that is not there', ['run', '--board', 'node', '--device', 'ppmid', '--broker', 'mqtt://127.0.0.1:1883', '--config', join(tmp, 'none.json')], /^hanlab board: --config .*none\.json: no such file$/],
  ];
  // Refused before anything is built or connected: in this process (test/support/cli.ts).
  for (const [what, args, message] of bad) {
    it(`${what}: exit 2, one line`, async () => {
      const r = await hanlab('board', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('a config with a bad field: exit 2 naming the field', async () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...defaultDeviceConfig('ppmid'), eui: '00db1234567890a5' }));
    const r = await hanlab('board', 'run', '--board', 'emulator', '--device', 'ppmid', '--broker', broker.url, '--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^hanlab board: --config .*bad\.json: eui: expected an EUI-64 of 16 upper-case hex digits, found "00db1234567890a5"$/);
    const other = join(tmp, 'gpf-for-ppmid.json');
    writeFileSync(other, JSON.stringify(defaultDeviceConfig('gpf')));
    const r2 = await hanlab('board', 'run', '--board', 'node', '--device', 'ppmid', '--broker', broker.url, '--config', other);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toMatch(/^hanlab board: --config .*: device: expected 'ppmid' \(this bundle's device\), found "gpf"$/);
  });

  it('a secret that is not 32 lower-case hex digits: exit 2 naming the field', async () => {
    const file = join(tmp, 'bad-secret.json');
    writeFileSync(file, JSON.stringify({ ...defaultDeviceConfig('ppmid'), secret: 'ABCDEF' }));
    const r = await hanlab('board', 'run', '--board', 'node', '--device', 'ppmid', '--broker', broker.url, '--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^hanlab board: --config .*bad-secret\.json: secret: expected a secret of 32 lower-case hex digits, found "ABCDEF"$/);
  });

  for (const board of ['node', 'emulator']) {
    it(`${board}: a secret the broker does not hold: refused at CONNECT, exit 2, one line naming it`, async () => {
      const file = join(tmp, `wrong-secret-${board}.json`);
      writeFileSync(file, JSON.stringify({ ...defaultDeviceConfig('ppmid'), secret: '0'.repeat(32) }));
      const r = await run(['run', '--board', board, '--device', 'ppmid', '--broker', broker.url, '--config', file]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^hanlab board: --broker: .*refused.*Not authorized/);
      expect(r.stdout).toBe('');
    }, 20_000);
  }

  for (const board of ['node', 'emulator']) {
    it(`${board}: no broker at the URL: exit 2, one line naming it`, async () => {
      // A port nothing listens on: a broker's, closed again.
      const gone = await startEmbeddedBroker();
      await gone.close();
      const r = await run(['run', '--board', board, '--device', 'ppmid', '--broker', gone.url]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`hanlab board: --broker: `);
      expect(r.stderr).toContain(gone.url);
      expect(r.stdout).toBe('');
    }, 20_000);
  }
});
