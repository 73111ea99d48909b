/**
 * `hanlab flash`: a device's Espruino bundle and its hanlab.json into a board's flash, through
 * the espruino CLI (npm package `espruino`) as a child process. The code goes to flash Storage
 * as boot code (`SAVE_ON_SEND=1`: E.setBootCode, run at every power-on), never into RAM only;
 * the CLI also uploads the modules the bundle requires (MQTT, SSD1306) from espruino.com with it.
 * `--dry-run` prints what would be sent and touches no port.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { z } from 'zod';
import { BOARDS_DIR } from '../boards/config/board-spec.ts';
import type { BoardSpec } from '../boards/config/board-spec.ts';
import { ROOT, buildDevice } from '../boards/bundler/bundle.ts';
import { loadEspruinoConfig } from '../boards/bundler/espruino-config.ts';
import type { EspruinoConfig } from '../boards/bundler/espruino-config.ts';
import { parseCommandArgs } from './args.ts';
import { boardAndDevice } from './build.ts';
import { EXIT_FAILURE, UsageError } from './usage.ts';

export const help = `hanlab flash --board ID --device gsme|gpf|ppmid --port PORT [--config FILE] [--dry-run]

Builds the device's bundle for an Espruino board and writes it to the board's flash as boot code,
with FILE (checked first) as Storage file hanlab.json, using the espruino CLI
(node_modules/.bin/espruino). Without --config the board keeps the hanlab.json it has.

  --board ID      an Espruino board: espruino-wifi, esp32
  --device NAME   gsme, gpf or ppmid
  --port PORT     the board's serial port (/dev/ttyACM0, /dev/ttyUSB0, COM3…)
  --config FILE   hanlab.json: the device config (its "secret" is the board's MQTT password)
                  plus wifi {ssid, password} and mqtt {host, port}; copy and edit
                  boards/ID/hanlab.example.json, or for a HIL run use what
                  hanlab hil --print-config --dut mqtt://HOST:PORT#EUI --wifi SSID prints
  --dry-run       print the espruino command, the files and their sizes; send nothing`;

const flashSchema = z.strictObject({ espruinoBoard: z.string().min(1), baud: z.number().int().positive() });
const STORAGE_CONFIG = 'hanlab.json';
/** Modules the Espruino platform requires that the firmware image does not have built in. */
const UPLOADED_MODULES = ['MQTT', 'SSD1306'];

function loadFlashSpec(board: BoardSpec): z.infer<typeof flashSchema> {
  const file = `${BOARDS_DIR}${board.id}/flash.json`;
  if (!existsSync(file)) throw new UsageError(`--board: ${board.id} has no ${relative(ROOT, file)}`);
  const parsed = flashSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new UsageError(`${file}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** The config as printed: the WiFi password, the broker secret and a GSME's top-up key are not shown. */
function masked(config: EspruinoConfig): string {
  const own = config.config as Record<string, unknown> | undefined;
  const machine = own && own['topUpKey'] !== undefined ? { config: { ...own, topUpKey: '********' } } : {};
  return JSON.stringify({ ...config, wifi: { ...config.wifi, password: config.wifi.password ? '********' : '' }, ...(config.secret !== undefined ? { secret: '********' } : {}), ...machine });
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { board: { type: 'string' }, device: { type: 'string' }, port: { type: 'string' }, config: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    false,
  );
  const { board, device } = boardAndDevice(values);
  if (board.engine !== 'espruino') {
    throw new UsageError(`--board: '${board.id}' runs on ${board.engine}, not Espruino: nothing to flash (use 'hanlab build')`);
  }
  if (values.port === undefined || values.port === '') throw new UsageError('--port: required (the board\'s serial port, e.g. /dev/ttyACM0)');
  const spec = loadFlashSpec(board);
  const config = values.config !== undefined ? loadEspruinoConfig(values.config, device, board.id) : null;

  const built = await buildDevice({ board: board.id, device });
  const args = ['--port', values.port, '-b', String(spec.baud), '--board', spec.espruinoBoard, '--config', 'SAVE_ON_SEND=1', '--config', 'RESET_BEFORE_SEND=true'];
  let configFile: string | null = null;
  if (config) {
    configFile = `${dirname(built.file)}/${device}.${STORAGE_CONFIG}`;
    args.push('--storage', `${STORAGE_CONFIG}:${configFile}`);
  }
  args.push(built.file);
  const cli = `${ROOT}node_modules/.bin/espruino`;

  const out = process.stdout;
  out.write(`board ${board.id} (${spec.espruinoBoard}), device ${device}, port ${values.port}\n`);
  out.write(`boot code (flash, E.setBootCode): ${relative(ROOT, built.file)}  ${built.bytes} bytes (${built.gzipBytes} gzipped) + modules ${UPLOADED_MODULES.join(', ')} fetched by the espruino CLI\n`);
  if (config) {
    const json = JSON.stringify(config);
    out.write(`Storage ${STORAGE_CONFIG}: ${Buffer.byteLength(json)} bytes  ${masked(config)}\n`);
  } else {
    out.write(`Storage ${STORAGE_CONFIG}: not written (no --config): the board keeps its own\n`);
  }
  out.write(`command: ${relative(ROOT, cli)} ${args.map((a) => (/^[\w./:=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}\n`);
  if (values['dry-run']) {
    out.write('dry run: nothing sent\n');
    return 0;
  }
  if (config && configFile) writeFileSync(configFile, JSON.stringify(config));
  if (!existsSync(cli)) {
    process.stderr.write(`hanlab flash: ${cli} is missing (npm ci installs it)\n`);
    return EXIT_FAILURE;
  }
  const status = await new Promise<number>((resolve) => {
    const child = spawn(cli, args, { stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`hanlab flash: espruino did not start: ${err.message}\n`);
      resolve(EXIT_FAILURE);
    });
    child.on('exit', (code) => resolve(code === 0 ? 0 : EXIT_FAILURE));
  });
  return status;
}
