/**
 * The accounts outside hanlab's own brokers: the secret a board's config carries (`hil
 * --print-config`, never printed by `flash`), and the Mosquitto files `--print-broker-files`
 * writes for someone else's broker, loaded the way its owner would (`include_dir`) into a
 * Mosquitto of this test's own (a free port, stopped by PID; never the machine's 1883).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { SECRET_PATTERN } from '../../han/identities.ts';
import { findMosquitto, freePort, mosquittoAvailable, startMosquitto } from '../../han/mosquitto.ts';
import { MOSQUITTO_LISTENER_CONFIG } from '../../han/mosquitto-files.ts';
import { dutConfig, HIL_OBSERVER, hilSecret } from '../../hil/config.ts';
import { simulationSecret } from '../../sim/run/identities.ts';
import { builtinScenario } from '../../sim/scenario/load.ts';
import { deviceAccount, identityRegistry } from '../../han/identities.ts';
import { hanlab, spawnHanlab } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hanlab-broker-files-'));

const haveMosquitto = mosquittoAvailable();
if (!haveMosquitto) console.warn('security: the Mosquitto broker-file tests are skipped: no mosquitto binary on PATH (or /usr/sbin, /usr/local/sbin)');

describe('a board config carries its secret', () => {
  it('hil --print-config: the DUT config with a 32-hex secret, the same every time, different per EUI', async () => {
    const [a, b, other] = await Promise.all([
      // One in a child process: the same secret in another process (nothing random per process).
      spawnHanlab(['hil', '--print-config', '--device', 'ppmid']),
      hanlab('hil', '--print-config', '--device', 'ppmid'),
      hanlab('hil', '--print-config', '--device', 'ppmid', '--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00B003'),
    ]);
    expect(a.code).toBe(0);
    const config = JSON.parse(a.stdout) as { secret: string; eui: string };
    expect(config.secret).toMatch(SECRET_PATTERN);
    expect(config).toEqual(dutConfig({ device: 'ppmid' }));
    expect(b.stdout).toBe(a.stdout);
    expect((JSON.parse(other.stdout) as { secret: string }).secret).not.toBe(config.secret);
  }, 30_000);

  it('flash --dry-run never prints the secret', async () => {
    const secret = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    const file = join(dir, 'flash.json');
    writeFileSync(file, JSON.stringify({ ...dutConfig({ device: 'ppmid' }), secret, wifi: { ssid: 'lab', password: '' }, mqtt: { host: '192.168.1.10' } }));
    const r = await hanlab('flash', '--board', 'espruino-wifi', '--device', 'ppmid', '--port', '/dev/hanlab-no-such-port', '--config', file, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"secret":"********"');
    expect(r.stdout).not.toContain(secret);
  }, 60_000);
});

describe.skipIf(!haveMosquitto)('Mosquitto password files', () => {
  it("hashed with node:crypto ($7$, when there is no mosquitto_passwd) as Mosquitto's own tool would: it logs the right secret in and refuses a wrong one", async () => {
    const eui = '00DB48FFFE00C001';
    const secret = simulationSecret(builtinScenario('matrix-new-new'), eui);
    const broker = await startMosquitto({ identities: identityRegistry([deviceAccount({ eui, secret, premises: 'p' })]), mosquittoPasswd: null });
    try {
      expect(broker.passwordHasher).toBe('node:crypto');
      const ok = await connectAsync(broker.url, { clientId: eui, username: eui, password: secret, reconnectPeriod: 0 });
      await ok.endAsync();
      await expect(connectAsync(broker.url, { clientId: eui, username: eui, password: secret.replace(/.$/, '0'), reconnectPeriod: 0 }, false)).rejects.toThrow(/Not authorized/);
    } finally {
      await broker.close();
    }
  });
});

describe.skipIf(!haveMosquitto)('--print-broker-files: files for a Mosquitto someone else runs', () => {
  const brokers: ChildProcess[] = [];
  afterAll(() => {
    for (const b of brokers) if (b.exitCode === null && b.pid !== undefined) process.kill(b.pid, 'SIGTERM');
  });

  /**
   * Mosquitto as its owner would run it: a listener of its own with the per-listener line, and
   * the folder with include_dir (nothing in it may open a listener: the machine's 1883 is not ours).
   */
  async function ownersMosquitto(filesDir: string): Promise<string> {
    const port = await freePort();
    const conf = join(mkdtempSync(join(tmpdir(), 'hanlab-owner-')), 'mosquitto.conf');
    // As root Mosquitto would switch to user "mosquitto", who cannot read the 0600 password file.
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, ...MOSQUITTO_LISTENER_CONFIG, `user ${userInfo().username}`, 'persistence false', `include_dir ${filesDir}`, ''].join('\n'));
    const child = spawn(findMosquitto()!, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    brokers.push(child);
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const url = `mqtt://127.0.0.1:${port}`;
    for (let i = 0; i < 250; i++) {
      const c = await connectAsync(url, { clientId: 'probe', reconnectPeriod: 0, connectTimeout: 500 }, false).catch((e: Error) => e);
      if (c instanceof Error && /Not authorized/.test(c.message)) return url; // up, and refusing strangers
      if (!(c instanceof Error)) throw new Error('the owner’s Mosquitto let an anonymous client in');
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`mosquitto did not come up: ${log}`);
  }

  it('hanlab sim: the scenario runs on that broker with the timeline of the embedded one', async () => {
    const files = join(dir, 'sim');
    const w = await hanlab('sim', '--print-broker-files', files, '--scenario', 'matrix-new-new');
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/hanlab\.passwd {2}\d+ accounts, hashed by (mosquitto_passwd|node:crypto)/);
    expect(statSync(join(files, 'hanlab.passwd')).mode & 0o777).toBe(0o600);
    const conf = readFileSync(join(files, 'hanlab.conf'), 'utf8');
    expect(conf).toContain('allow_anonymous false\npassword_file ');
    expect(conf).not.toMatch(/^use_username_as_clientid/m); // a listener's line: never in the included file
    expect(conf).toContain('max_packet_size 66560');
    // No secret in plain text anywhere in the files.
    expect(readFileSync(join(files, 'hanlab.passwd'), 'utf8')).not.toContain(simulationSecret(builtinScenario('matrix-new-new'), builtinScenario('matrix-new-new').devices.gsme.eui));
    const url = await ownersMosquitto(files);
    const args = ['sim', '--json', '--scenario', 'matrix-new-new', '--until', '+2h'];
    const [embedded, owners] = await Promise.all([hanlab(...args), hanlab(...args, '--broker', url)]);
    expect(owners.stderr).toBe('');
    expect(owners.stdout.length).toBeGreaterThan(1000);
    expect(owners.stdout).toBe(embedded.stdout);
  }, 60_000);

  it('hanlab hil: the DUT (secret from --print-config) and the harness observer log in; a wrong secret does not', async () => {
    const files = join(dir, 'hil');
    const w = await hanlab('hil', '--print-broker-files', files, '--device', 'gpf', '--dut', 'mqtt://127.0.0.1:1883#00DB48FFFE00B002');
    expect(w.code).toBe(0);
    const url = await ownersMosquitto(files);
    const config = dutConfig({ device: 'gpf', eui: '00DB48FFFE00B002' });
    for (const [username, password] of [[config.eui, config.secret!], [`${config.eui}-WAN`, config.secret!], [HIL_OBSERVER, hilSecret(config, HIL_OBSERVER)]] as const) {
      const c = await connectAsync(url, { clientId: username, username, password, reconnectPeriod: 0 });
      await c.endAsync();
    }
    await expect(connectAsync(url, { clientId: config.eui, username: config.eui, password: hilSecret(config, 'someone else'), reconnectPeriod: 0 }, false)).rejects.toThrow(/Not authorized/);
  }, 30_000);
});
