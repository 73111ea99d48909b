/**
 * The node board (Linux, a Raspberry Pi): a device on Node's own timers and clock, its HAN over
 * MQTT.js, its screen on the terminal (and PNG files when asked), its storage in files and its log
 * on stderr. Used by the bundle's entry (main.ts) and, unbuilt, straight from source.
 */
import type { ScreenModel } from '../../firmware/display/screen-model.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';
import type { DeviceClock, Log, Platform, TimerClock } from '../../firmware/platform/index.ts';
import { startBoardDevice } from '../../firmware/runtime/app.ts';
import type { DeviceBuild, DeviceConfig } from '../../firmware/runtime/app.ts';
import type { RunningDevice } from '../../firmware/runtime/device-core.ts';
import { connectNodeHan } from './han-mqtt.ts';
import type { NodeHan } from './han-mqtt.ts';
import { createScreenOutput } from './screen.ts';
import { fileStorage } from './storage.ts';

export interface NodeBoardOptions {
  /** mqtt://HOST:PORT */
  broker: string;
  /** The device config, with the device's MQTT password as `secret` (the host side's; the device never reads it). */
  config: DeviceConfig & { secret?: string };
  display: DisplayProfile | null;
  /** A PNG per visible change of the screen goes here. */
  screenshotsDir?: string;
  /** Storage files go here; none: the device has no storage. */
  storageDir?: string;
  /** Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Screen text lines (default: stdout). */
  out?(line: string): void;
  /** Log lines (default: stderr). */
  err?(line: string): void;
  /**
   * Its clock and timers (default: Node's own). The HIL harness runs a node DUT in its own
   * process on its virtual clock (hil/clock.ts), every timer of the device on that clock.
   */
  time?: { clock: DeviceClock; timers: TimerClock };
  /** Its HAN (default: MQTT.js to `broker`); the board closes it when it stops. The HIL harness hands it one on its in-process bus. */
  han?: NodeHan;
}

export interface NodeBoard {
  device: RunningDevice | null;
  stop(): Promise<void>;
}

/** Log lines as a board here writes them: ISO time, who, level, message, data as JSON. */
export function stderrLog(prefix: string, err: (line: string) => void): Log {
  const line = (level: string, message: string, data?: Record<string, unknown>) =>
    err(`${new Date().toISOString()} ${prefix} ${level} ${message}${data && Object.keys(data).length > 0 ? ' ' + JSON.stringify(data) : ''}`);
  return { info: (m, d) => line('info', m, d), warn: (m, d) => line('warn', m, d) };
}

/** Connects and starts the device; rejects (naming the broker) when no broker answers. */
export async function startNodeBoard(build: DeviceBuild, o: NodeBoardOptions): Promise<NodeBoard> {
  const out = o.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = o.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const c = o.config;
  const log = stderrLog(`${c.device} ${c.eui}`, err);
  const han = o.han ?? (await connectNodeHan({ url: o.broker, premises: c.premises, eui: c.eui, secret: c.secret, device: c.device, log, connectTimeoutMs: o.connectTimeoutMs ?? 3000 }));
  const clock: DeviceClock = o.time?.clock ?? { now: () => Date.now() };
  const screen = o.display ? createScreenOutput({ write: out, profile: o.display, now: () => clock.now(), ...(o.screenshotsDir ? { screenshotsDir: o.screenshotsDir } : {}) }) : null;
  const platform: Platform = {
    clock,
    timers: o.time?.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>) },
    han,
    observe: {
      state: han.observe.state,
      screen: (model) => {
        han.observe.screen(model);
        screen?.show(model as ScreenModel);
      },
    },
    log,
    ...(o.storageDir ? { storage: fileStorage(o.storageDir) } : {}),
  };
  const device = startBoardDevice(build, platform, c);
  return {
    device,
    async stop() {
      device?.stop();
      await han.close();
    },
  };
}
