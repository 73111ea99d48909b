import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hanlab } from './support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hanlab-flash-'));
const good = {
  device: 'ppmid',
  premises: 'home-1',
  eui: '00124B0000000003',
  peers: { gpf: '00124B0000000002' },
  firmware: 'secmp0015',
  wifi: { ssid: 'lab', password: 'secret-pw' },
  mqtt: { host: '192.168.1.10', port: 1883 },
};
function configFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('hanlab flash --dry-run', () => {
  it("takes what hanlab hil --print-config --wifi prints for a flashed board as it is", async () => {
    const printed = await hanlab('hil', '--print-config', '--device', 'gsme', '--dut', 'mqtt://192.168.1.20:1884#00DB48FFFE00B001', '--premises', 'bench1', '--wifi', 'lab', '--wifi-password', 'secret-pw');
    expect(printed.code).toBe(0);
    const config = JSON.parse(printed.stdout);
    expect(config).toMatchObject({ device: 'gsme', eui: '00DB48FFFE00B001', premises: 'bench1', profile: 'hil', wifi: { ssid: 'lab', password: 'secret-pw' }, mqtt: { host: '192.168.1.20', port: 1884 } });
    const file = configFile('printed-whole.json', printed.stdout);
    const r = await hanlab('flash', '--board', 'esp32', '--device', 'gsme', '--port', '/dev/null', '--config', file, '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Storage hanlab.json: ${Buffer.byteLength(JSON.stringify(config))} bytes  {"device":"gsme","premises":"bench1","eui":"00DB48FFFE00B001"`);
    expect(r.stdout).toContain('"mqtt":{"host":"192.168.1.20","port":1884}');
    // Neither the WiFi password, the broker secret nor the top-up key is shown.
    for (const hidden of ['secret-pw', config.secret, config.config.topUpKey]) expect(r.stdout).not.toContain(hidden);
  }, 60_000);

  it('prints the espruino command, the boot code and the Storage config with their sizes, and sends nothing', async () => {
    const cfg = configFile('good.json', good);
    const r = await hanlab('flash', '--board', 'espruino-wifi', '--device', 'ppmid', '--port', '/dev/hanlab-no-such-port', '--config', cfg, '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('board espruino-wifi (ESPRUINOWIFI), device ppmid, port /dev/hanlab-no-such-port');
    expect(lines[1]).toMatch(/^boot code \(flash, E\.setBootCode\): dist\/espruino-wifi\/ppmid\.js {2}\d+ bytes \(\d+ gzipped\) \+ modules MQTT, SSD1306/);
    expect(lines[2]).toMatch(/^Storage hanlab\.json: \d+ bytes {2}\{"device":"ppmid".*"password":"\*{8}"/);
    expect(r.stdout).not.toContain('secret-pw');
    expect(lines[3]).toMatch(
      /^command: node_modules\/\.bin\/espruino --port \/dev\/hanlab-no-such-port -b 115200 --board ESPRUINOWIFI --config SAVE_ON_SEND=1 --config RESET_BEFORE_SEND=true --storage hanlab\.json:\S+ppmid\.hanlab\.json \S+dist\/espruino-wifi\/ppmid\.js$/,
    );
    expect(lines[4]).toBe('dry run: nothing sent');
  }, 60_000);

  it('without --config leaves the board its own hanlab.json', async () => {
    const r = await hanlab('flash', '--board', 'esp32', '--device', 'gsme', '--port', 'COM3', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Storage hanlab.json: not written (no --config)');
    expect(r.stdout).toContain('--board ESP32');
    expect(r.stdout).not.toContain('--storage');
  }, 60_000);
});

describe('hanlab flash: bad input exits 2 with one line', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a board that is not Espruino', () => ['--board', 'node', '--device', 'ppmid', '--port', 'x', '--dry-run'], /^hanlab flash: --board: 'node' runs on node, not Espruino: nothing to flash/],
    ['the emulator', () => ['--board', 'emulator', '--device', 'ppmid', '--port', 'x', '--dry-run'], /runs on quickjs, not Espruino/],
    ['no --port', () => ['--board', 'esp32', '--device', 'ppmid', '--dry-run'], /^hanlab flash: --port: required/],
    ['an unknown device', () => ['--board', 'esp32', '--device', 'kettle', '--port', 'x'], /^hanlab flash: --device: unknown device 'kettle'/],
    ['a missing config file', () => ['--board', 'esp32', '--device', 'ppmid', '--port', 'x', '--config', join(dir, 'nope.json'), '--dry-run'], /--config \S+nope\.json: no such file$/],
    ['a config that is not JSON', () => ['--board', 'esp32', '--device', 'ppmid', '--port', 'x', '--config', configFile('notjson.json', '{ wifi'), '--dry-run'], /--config \S+notjson\.json: not JSON/],
    [
      'a config with a bad field',
      () => ['--board', 'esp32', '--device', 'ppmid', '--port', 'x', '--config', configFile('badport.json', { ...good, mqtt: { host: 'h', port: 70000 } }), '--dry-run'],
      /--config \S+badport\.json: mqtt\.port: /,
    ],
    [
      'a config without wifi',
      () => ['--board', 'esp32', '--device', 'ppmid', '--port', 'x', '--config', configFile('nowifi.json', { ...good, wifi: undefined }), '--dry-run'],
      /--config \S+nowifi\.json: wifi: missing: a board needs the device config plus "wifi": \{"ssid": "…", "password": "…"\}, as in boards\/esp32\/hanlab\.example\.json \(hanlab hil --print-config --dut mqtt:\/\/HOST:PORT#EUI --wifi SSID prints both\)$/,
    ],
    [
      'hil --print-config output without --wifi (no wifi, no mqtt)',
      () => {
        const { wifi: _w, mqtt: _m, ...device } = good;
        return ['--board', 'espruino-wifi', '--device', 'ppmid', '--port', 'x', '--config', configFile('printed.json', device), '--dry-run'];
      },
      /^hanlab flash: --config \S+printed\.json: wifi and mqtt: missing: .* plus "wifi": \{"ssid": "…", "password": "…"\} and "mqtt": \{"host": "…", "port": 1883\}, as in boards\/espruino-wifi\/hanlab\.example\.json \(hanlab hil --print-config --dut mqtt:\/\/HOST:PORT#EUI --wifi SSID prints both\)$/,
    ],
    [
      'a config for another device',
      () => ['--board', 'esp32', '--device', 'gsme', '--port', 'x', '--config', configFile('other.json', good), '--dry-run'],
      /--config \S+other\.json: device: expected 'gsme'/,
    ],
    ['an unknown flag', () => ['--board', 'esp32', '--device', 'ppmid', '--port', 'x', '--force'], /^hanlab flash: --force: unknown option \(see hanlab flash --help\)$/],
  ];
  for (const [what, args, message] of cases) {
    it(`for ${what}`, async () => {
      const r = await hanlab('flash', ...args());
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    }, 60_000);
  }
});
