/**
 * Runs one device on a board, on this machine, against an MQTT broker: what `hanlab board run`
 * does and what the HIL harness calls. The board's bundle is built first (as `hanlab build`
 * would, with the same flags), then run the board's way: the node board imports it as an ES
 * module; the emulator board hands it to QuickJS under the board's memory budget, with real
 * timers (or the clock and timers given, e.g. the HIL harness's virtual ones) and its HAN through
 * the host's MQTT connection (or the in-process bus). A GPF also gets the comms hub's WAN side
 * (wan/board-hub.ts): remote GBCS commands answered as the hub it lives in would.
 */
import type { HanBus } from '../../han/in-process-broker.ts';
import type { DeviceClock, TimerClock } from '../../firmware/platform/index.ts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { loadEmulatorEngine, realTime, startEmulatorBoard } from '../emulator/host.ts';
import type { NodeBoard, NodeBoardOptions } from '../node/board.ts';
import { startNodeBoard, stderrLog } from '../node/board.ts';
import { createScreenOutput } from '../node/screen.ts';
import type { ScreenModel } from '../../firmware/display/screen-model.ts';
import { loadBoard } from '../config/board-spec.ts';
import type { BoardSpec, DeviceKind, Runtime } from '../config/board-spec.ts';
import { buildDevice, ROOT } from '../bundler/bundle.ts';
import type { BuildFlags } from '../bundler/bundle.ts';
import { UsageError } from '../config/usage-error.ts';
import { InFlight } from '../../han/in-flight.ts';
import { connectHanDevice } from '../../han/mqtt-han.ts';
import { attachBoardWan } from './board-hub.ts';
import { checkBoardDeviceConfig } from '../config/config-file.ts';
import { defaultDeviceConfig } from './config.ts';
import type { BoardDeviceConfig } from '../config/device-config-schema.ts';
import { sourceBuild } from './source-build.ts';

export const BOARDS_RUN_HERE = ['node', 'emulator'] as const;

export interface RunBoardOptions {
  board: string;
  device: DeviceKind;
  /** mqtt://HOST:PORT, or the in-process bus (the HIL harness's DUTs in its own process). */
  broker: HanBus;
  /**
   * Its clock and timers (default real time). The HIL harness runs an emulator or node DUT in
   * its own process on its virtual clock (hil/clock.ts).
   */
  time?: { clock: DeviceClock; timers: TimerClock };
  /** Default: the device of the default scenario (defaultDeviceConfig). Its `secret` is the device's MQTT password. */
  config?: BoardDeviceConfig;
  /** Default: the board's own. */
  runtime?: Runtime;
  flags?: BuildFlags;
  screenshotsDir?: string;
  /**
   * Node board only: the device's storage folder (what it keeps through a restart or a kill);
   * default .hanlab/state/PREMISES/EUI in the working directory (not under dist/, which people
   * delete as build output: this is the device's non-volatile memory).
   */
  stateDir?: string;
  /** Node board only: run the TypeScript sources instead of the built bundle. */
  source?: boolean;
  /** How long to wait for the broker, ms (default 5000, as every command waits). */
  connectTimeoutMs?: number;
  /** Screen lines (default stdout) and log lines (default stderr). */
  out?(line: string): void;
  err?(line: string): void;
}

export interface RunningBoard {
  /** `hanlab board: up board=… device=… eui=… premises=… broker=… runtime=…[ heap=…]` */
  upLine: string;
  board: BoardSpec;
  config: BoardDeviceConfig;
  runtime: Runtime;
  /** The emulator's QuickJS heap now, bytes (undefined on the node board). */
  heapBytes?(): number;
  /** Settles with the reason when the board stops by itself (an emulator fault); never otherwise. */
  fault: Promise<string>;
  stop(): Promise<void>;
}

/**
 * The bundle under a name of its content, written aside and renamed: another process building the
 * same device at the same moment (a HIL run beside a test) cannot hand Node half a file, and a
 * rebuilt bundle is a new module rather than the one Node has cached. Under the repository, so
 * the bundle's `mqtt` and `pngjs` imports resolve.
 */
function runnableCopy(code: string, device: DeviceKind): string {
  const dir = `${ROOT}dist/node/run/`;
  const file = `${dir}${device}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const part = `${file}.${process.pid}.part`;
  writeFileSync(part, code);
  renameSync(part, file);
  return file;
}

export async function runBoard(o: RunBoardOptions): Promise<RunningBoard> {
  const board = loadBoard(o.board);
  if (!(BOARDS_RUN_HERE as readonly string[]).includes(board.id)) {
    throw new UsageError(`--board: '${board.id}' runs on its own hardware (see hanlab flash); here: ${BOARDS_RUN_HERE.join(', ')}`);
  }
  if (!board.devices.includes(o.device)) throw new UsageError(`--device: board ${board.id} does not run a ${o.device}`);
  // Checked here too, not only where a file is read: bench:espruino hands its configs in directly.
  const config = o.config ? checkBoardDeviceConfig(o.config, o.device, '--config') : defaultDeviceConfig(o.device);
  const runtime = o.runtime ?? board.runtime;
  const out = o.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = o.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const connectTimeoutMs = o.connectTimeoutMs ?? 5000; // as sim's devices wait
  const up = `hanlab board: up board=${board.id} device=${o.device} eui=${config.eui} premises=${config.premises} broker=${typeof o.broker === 'string' ? o.broker : o.broker.url} runtime=${runtime}`;
  const noBroker = (e: unknown) => new UsageError(`--broker: ${(e as Error).message}`);

  if (board.id === 'node') {
    const broker = o.broker;
    const nodeLog = stderrLog(`${o.device} ${config.eui}`, err);
    // On the in-process bus the board's HAN is the simulator's transport (MQTT.js needs a socket).
    const han =
      typeof broker === 'string'
        ? undefined
        : await connectBoardHan(broker, o.device, config, nodeLog);
    const options: NodeBoardOptions = {
      broker: typeof broker === 'string' ? broker : broker.url,
      ...(han ? { han } : {}),
      ...(o.time ? { time: o.time } : {}),
      config,
      display: o.device === 'ppmid' ? board.display : null,
      storageDir: o.stateDir ?? join(process.cwd(), '.hanlab', 'state', config.premises, config.eui),
      connectTimeoutMs,
      out,
      err,
      ...(o.screenshotsDir ? { screenshotsDir: o.screenshotsDir } : {}),
    };
    let running: NodeBoard;
    try {
      if (o.source) running = await startNodeBoard(sourceBuild(o.device, runtime, o.flags), options);
      else {
        const built = await buildDevice({ board: board.id, device: o.device, runtime, ...(o.flags ? { flags: o.flags } : {}) });
        const mod = (await import(pathToFileURL(runnableCopy(built.code, o.device)).href)) as { start(options: NodeBoardOptions): Promise<NodeBoard> };
        running = await mod.start(options);
      }
    } catch (e) {
      await han?.close();
      if (e instanceof UsageError) throw e;
      if (/MQTT broker/.test((e as Error).message)) throw noBroker(e);
      throw e;
    }
    const wan = o.device === 'gpf' && running.device ? await attachBoardWan({ url: broker, config, gpf: running.device, log: stderrLog(`gpf ${config.eui} wan`, err) }).catch(async (e: unknown) => {
      await running.stop();
      throw noBroker(e);
    }) : null;
    return {
      upLine: up,
      board,
      config,
      runtime,
      fault: new Promise(() => {}),
      async stop() {
        await wan?.close();
        await running.stop();
      },
    };
  }

  // The emulator: the bundle in QuickJS, this process as its hardware.
  const built = await buildDevice({ board: board.id, device: o.device, runtime, ...(o.flags ? { flags: o.flags } : {}) });
  const log = stderrLog(`${o.device} ${config.eui}`, err);
  const transport = await connectBoardHan(o.broker, o.device, config, log, connectTimeoutMs).catch((e: unknown) => {
    throw noBroker(e);
  });
  const screen = o.device === 'ppmid' && board.display ? createScreenOutput({ write: out, profile: board.display, ...(o.screenshotsDir ? { screenshotsDir: o.screenshotsDir } : {}) }) : null;
  let shown: ScreenModel | null = null;
  let reportFault: (reason: string) => void = () => {};
  const fault = new Promise<string>((resolve) => (reportFault = resolve));
  const engine = await loadEmulatorEngine();
  // The guest needs no secret (the host does its MQTT), so it never holds one.
  const { secret: _hostOnly, ...guestConfig } = config;
  const emulator = startEmulatorBoard(engine, {
    code: built.code,
    config: guestConfig,
    memoryLimit: board.memory.budget,
    display: board.display,
    platform: {
      ...(o.time ?? realTime()),
      han: transport,
      observe: {
        state: transport.observe.state,
        screen: (model) => {
          transport.observe.screen(model);
          // Shown once the guest's turn is over, with the pixels it drew: the latest screen wins.
          if (screen && shown === null) queueMicrotask(() => {
            const m = shown!;
            shown = null;
            screen.show(m, emulator.framebuffer());
          });
          shown = model as ScreenModel;
        },
      },
      log,
    },
    onStop: (reason) => {
      if (reason !== null) reportFault(reason);
    },
  });
  if (!emulator.running) {
    await transport.close();
    throw new Error(`emulator ${o.device}: ${emulator.fault ?? 'the device did not start'}`);
  }
  const wan = o.device === 'gpf' ? await attachBoardWan({ url: o.broker, config, gpf: emulator, log }).catch(async (e: unknown) => {
    emulator.stop();
    await transport.close();
    throw noBroker(e);
  }) : null;
  return {
    upLine: `${up} heap=${emulator.heapBytes()}`,
    board,
    config,
    runtime,
    heapBytes: () => emulator.heapBytes(),
    fault,
    async stop() {
      await wan?.close();
      emulator.stop();
      await transport.close();
    },
  };
}

/** A board's radio when this process is the board: it logs in with the board's own secret. */
function connectBoardHan(url: HanBus, device: DeviceKind, config: BoardDeviceConfig, log: { info(m: string): void; warn(m: string): void }, connectTimeoutMs?: number) {
  return connectHanDevice({
    url,
    premises: config.premises,
    eui: config.eui,
    ...(config.secret !== undefined ? { secret: config.secret } : {}),
    device,
    inFlight: new InFlight(),
    // A board keeps no lockstep: nothing it sends or hears is counted.
    isSimDevice: () => false,
    onError: (e) => log.warn(e.message),
    log,
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
  });
}
