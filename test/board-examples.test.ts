/**
 * Every board folder has a `hanlab.example.json` to copy (the README's `flash … --config
 * hanlab.json` starts from one), and each passes the check its command makes: `hanlab flash
 * --config` on an Espruino board, `hanlab board run --config` on a board that runs here. A new
 * board folder without an example, or an example that drifted from the schema, fails here.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEspruinoConfig } from '../boards/bundler/espruino-config.ts';
import { BOARDS_DIR, DEVICES, listBoards, loadBoard } from '../boards/config/board-spec.ts';
import type { DeviceKind } from '../boards/config/board-spec.ts';
import { loadBoardDeviceConfig } from '../boards/config/config-file.ts';
import { BOARDS_RUN_HERE } from '../boards/runner/run-board.ts';
import { freePort } from '../han/mosquitto.ts';
import { hanlab } from './support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hanlab-examples-'));
const boards = listBoards();
const example = (board: string) => `${BOARDS_DIR}${board}/hanlab.example.json`;
const deviceOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { device: DeviceKind }).device;
const flashable = (board: string) => loadBoard(board).engine === 'espruino' && existsSync(`${BOARDS_DIR}${board}/flash.json`);
const runsHere = (board: string) => (BOARDS_RUN_HERE as readonly string[]).includes(board);

describe('boards/*/hanlab.example.json', () => {
  it('every board folder takes a config (flash or board run) and has its example', () => {
    expect(boards).toEqual(expect.arrayContaining(['esp32', 'espruino-wifi', 'emulator', 'node']));
    for (const board of boards) {
      expect(flashable(board) || runsHere(board), `${board}: neither flashed nor run here`).toBe(true);
      expect(existsSync(example(board)), `${example(board)} is missing`).toBe(true);
      expect(DEVICES).toContain(deviceOf(example(board)));
    }
  });

  for (const board of boards.filter(flashable)) {
    it(`${board}: passes flash's check, and flash --dry-run takes it`, async () => {
      const file = example(board);
      const device = deviceOf(file);
      const config = loadEspruinoConfig(file, device, board);
      expect(config).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      const r = await hanlab('flash', '--board', board, '--device', device, '--port', '/dev/null', '--config', `boards/${board}/hanlab.example.json`, '--dry-run');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Storage hanlab.json: ${Buffer.byteLength(JSON.stringify(config))} bytes  {"device":"${device}"`);
      expect(r.stdout).toMatch(/\ndry run: nothing sent\n$/);
    }, 60_000);
  }

  for (const board of boards.filter(runsHere)) {
    it(`${board}: passes board run's check (board run gets as far as the broker)`, async () => {
      const file = example(board);
      const device = deviceOf(file);
      expect(loadBoardDeviceConfig(file, device)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      // Nothing listens at the URL: the config was checked first, so the one line is about the broker.
      const url = `mqtt://127.0.0.1:${await freePort()}`;
      const r = await hanlab('board', 'run', '--board', board, '--device', device, '--broker', url, '--config', `boards/${board}/hanlab.example.json`);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`hanlab board: --broker: no MQTT broker at ${url} (connection refused)\n`);
    }, 60_000);
  }

  it('the same checks refuse an example with a field gone wrong (one line, exit 2)', async () => {
    const espruino = { ...JSON.parse(readFileSync(example('espruino-wifi'), 'utf8')), eui: '00124b0000000003' };
    const node = { ...JSON.parse(readFileSync(example('node'), 'utf8')), peers: {} };
    writeFileSync(join(dir, 'espruino.json'), JSON.stringify(espruino));
    writeFileSync(join(dir, 'node.json'), JSON.stringify(node));
    const f = await hanlab('flash', '--board', 'espruino-wifi', '--device', espruino.device, '--port', '/dev/null', '--config', join(dir, 'espruino.json'), '--dry-run');
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^hanlab flash: --config \S+espruino\.json: eui: expected an EUI-64 of 16 upper-case hex digits, found "00124b0000000003"\n$/);
    const b = await hanlab('board', 'run', '--board', 'node', '--device', node.device, '--broker', 'mqtt://127.0.0.1:1', '--config', join(dir, 'node.json'));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^hanlab board: --config \S+node\.json: peers\.gsme: expected an EUI-64 of 16 upper-case hex digits, found nothing\n$/);
  }, 60_000);
});
