import { DEVICES, RUNTIMES } from '../boards/config/board-spec.ts';
import type { DeviceKind, Runtime } from '../boards/config/board-spec.ts';
import { loadBoardDeviceConfig } from '../boards/config/config-file.ts';
import { BOARDS_RUN_HERE, runBoard } from '../boards/runner/run-board.ts';
import { parseCommandArgs } from './args.ts';
import { checkBrokerAnswers, checkBrokerUrl } from './broker-url.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './usage.ts';
import { checkWritableDirectory } from './writable.ts';

export const help = `hanlab board run — run one device on a board here, against an MQTT broker

Usage: hanlab board run --board node|emulator --device gsme|gpf|ppmid --broker mqtt://HOST:PORT
                        [--config FILE] [--runtime xstate|compact] [--no-stale-detection]
                        [--screenshots DIR] [--state DIR]

  --board NAME          node: the bundle on Node (MQTT.js, real timers, the terminal as screen);
                        emulator: the bundle in QuickJS under the board's memory budget
  --device NAME         which device the bundle holds
  --broker URL          the MQTT 3.1.1 broker of the HAN (e.g. mosquitto, or hanlab sim --broker)
  --config FILE         the device's config as JSON: {"device","premises","eui","peers","firmware",
                        "seed"?, "profile"?: "default"|"hil", "config"?: {…}, "secret"?}; default:
                        the device of the han-outage-prepay scenario at premises home-1, with the
                        secret a run of it gives (hanlab sim --print-broker-files). Every field,
                        and each machine setting in "config" (e.g. pollIntervalMs), is checked
                        before the board starts. "secret" (32 lower-case hex digits) is the
                        device's MQTT password; its username and client id are its "eui"
  --runtime NAME        the machine runtime (default: the board's: node xstate, emulator compact)
  --no-stale-detection  build a PPMID that never warns of stale data (to test the tests)
  --screenshots DIR     a PNG of the display every time its pixels change (PPMID)
  --state DIR           node board: the device's storage folder, what it keeps through a restart
                        or a power cut (kill -9): GSME credit and registers, the GPF's mirror and
                        commands not yet delivered, the PPMID's last reading. Default:
                        .hanlab/state/PREMISES/EUI here. An empty folder is a device new from the
                        factory. (The emulator board has no storage: it always starts new.)

Builds the bundle as 'hanlab build' does, connects, prints one line when it is up:
  hanlab board: up board=… device=… eui=… premises=… broker=… runtime=…[ heap=BYTES]
then the screen as text lines on stdout and its log on stderr, until SIGINT or SIGTERM (exit 0).
No broker at the URL (refused, or no answer within 5 s, as for sim --broker), or one that refuses
the EUI and secret: exit 2, one line naming it.`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) throw new UsageError(`${flag}: required (${allowed.join(', ')})`);
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected ${allowed.join(', ')}, found "${value}"`);
  return value as T;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      board: { type: 'string' },
      device: { type: 'string' },
      broker: { type: 'string' },
      config: { type: 'string' },
      runtime: { type: 'string' },
      'no-stale-detection': { type: 'boolean' },
      screenshots: { type: 'string' },
      state: { type: 'string' },
    },
    true,
  );
  if (positionals[0] !== 'run' || positionals.length !== 1) throw new UsageError(`expected 'hanlab board run …', found '${positionals.join(' ') || '(nothing)'}'`);
  const board = oneOf('--board', values.board, BOARDS_RUN_HERE);
  const device = oneOf<DeviceKind>('--device', values.device, DEVICES);
  if (values.broker === undefined) throw new UsageError('--broker: required (mqtt://HOST:PORT)');
  checkBrokerUrl('--broker', values.broker);
  const runtime = values.runtime === undefined ? undefined : oneOf<Runtime>('--runtime', values.runtime, RUNTIMES);
  const config = values.config === undefined ? undefined : loadBoardDeviceConfig(values.config, device);
  if (values.state !== undefined) {
    if (board !== 'node') throw new UsageError('--state: only the node board has storage');
    checkWritableDirectory('--state', values.state);
  }
  if (values.screenshots !== undefined) {
    if (device !== 'ppmid') throw new UsageError('--screenshots: only the ppmid has a screen');
    checkWritableDirectory('--screenshots', values.screenshots);
  }

  await checkBrokerAnswers('--broker', values.broker);

  // The up line comes first (a harness waits for it); the screen's first lines wait behind it.
  let held: string[] | null = [];
  const out = (line: string) => {
    if (held) held.push(line);
    else process.stdout.write(line + '\n');
  };
  const running = await runBoard({
    out,
    board,
    device,
    broker: values.broker,
    ...(config ? { config } : {}),
    ...(runtime ? { runtime } : {}),
    ...(values['no-stale-detection'] ? { flags: { staleDetection: false } } : {}),
    ...(values.screenshots !== undefined ? { screenshotsDir: values.screenshots } : {}),
    ...(values.state !== undefined ? { stateDir: values.state } : {}),
  });
  process.stdout.write(running.upLine + '\n');
  for (const line of held) process.stdout.write(line + '\n');
  held = null;

  const signals = ['SIGINT', 'SIGTERM'] as const;
  let onSignal: () => void = () => {};
  const stopped = new Promise<'signal'>((resolve) => (onSignal = () => resolve('signal')));
  for (const s of signals) process.once(s, onSignal);
  const why = await Promise.race([stopped, running.fault]);
  for (const s of signals) process.off(s, onSignal);
  await running.stop();
  if (why === 'signal') return EXIT_OK;
  process.stderr.write(`hanlab board: stopped: ${why}\n`);
  return EXIT_FAILURE;
}
