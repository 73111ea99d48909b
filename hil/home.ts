/**
 * The rest of the home, played by the harness: the simulator's own machines for every device
 * except the one under test, each on its own MQTT connection, on the harness clock (the GPF's
 * clock is the hub's, so its Time cluster carries the harness's jumps to the DUT) and the harness
 * time's timers (clock.ts: real ones unless the run is on virtual time).
 *
 * The harness is also the HAN's fault injector: a link can be cut in either direction (frames are
 * dropped at the sender, as radio loss would), a device restarted (a GPF restart empties its
 * mirror) or stopped. Every frame the DUT sends to a harness device is recorded: the DUT is only
 * ever seen from the outside.
 */
import { gpfMachine, gsmeMachine, ppmidMachine } from '../firmware/machines/index.ts';
import type { Eui64, Platform } from '../firmware/platform/index.ts';
import type { DeviceKind } from '../firmware/runtime/app.ts';
import { startDevice } from '../firmware/runtime/device.ts';
import type { RunningDevice } from '../firmware/runtime/device.ts';
import { PROFILE_OVERRIDES } from '../firmware/runtime/profiles.ts';
import { decodeZclFrame } from '../firmware/zcl/index.ts';
import type { ZclFrame } from '../firmware/zcl/index.ts';
import { InFlight } from '../han/in-flight.ts';
import type { HanBus } from '../han/in-process-broker.ts';
import { connectHanDevice } from '../han/mqtt-han.ts';
import type { HanDevice } from '../han/mqtt-han.ts';
import type { HarnessClock, HilTime } from './clock.ts';
import { realTime } from './clock.ts';
import { HIL_EUIS } from './config.ts';

const MACHINES = { gsme: gsmeMachine, gpf: gpfMachine, ppmid: ppmidMachine } as const;

export interface HarnessDeviceSetup {
  firmware?: 'secmp0015' | 'legacy';
  /** Machine config over the `hil` profile. */
  config?: Record<string, unknown>;
}

/** A frame the DUT sent to one of the harness's devices, as that device received it. */
export interface SeenFrame {
  /** Harness ms (`HilTime.now()`). */
  wallMs: number;
  dst: DeviceKind | 'intruder';
  clusterId: number;
  bytes: Uint8Array;
  frame: ZclFrame | null;
}

export interface HarnessLogLine {
  device: DeviceKind;
  level: 'info' | 'warn';
  message: string;
  data?: Record<string, unknown>;
}

export interface HarnessHome {
  readonly roles: readonly DeviceKind[];
  start(role: DeviceKind, setup?: HarnessDeviceSetup): Promise<void>;
  stop(role: DeviceKind): Promise<void>;
  running(role: DeviceKind): boolean;
  device(role: DeviceKind): RunningDevice;
  /** The device's HAN connection (to send raw bytes, e.g. a malformed frame). */
  transport(role: DeviceKind): HanDevice;
  /** Drops every frame from `from` to `to` (both EUIs or roles) until `restore`. */
  cut(from: DeviceKind, to: DeviceKind): void;
  restore(): void;
  /** Frames from the DUT, oldest first. */
  seen(): readonly SeenFrame[];
  logs(): readonly HarnessLogLine[];
  close(): Promise<void>;
}

export interface HarnessHomeOptions {
  url: HanBus;
  premises: string;
  dut: { device: DeviceKind; eui: Eui64 };
  clock: HarnessClock;
  /** The harness time: when a frame was seen, the devices' timers. Default real time. */
  time?: HilTime;
  /** A harness device's broker password, by its EUI (config.ts `hilSecret`). */
  secretFor(eui: Eui64): string;
  /** The harness GSME's top-up key (utrn.ts), unless a case's setup gives one. */
  topUpKey?: string;
  onError?(err: Error): void;
}

export function createHarnessHome(o: HarnessHomeOptions): HarnessHome {
  const roles = (['gpf', 'gsme', 'ppmid'] as const).filter((r) => r !== o.dut.device);
  const euiOf = (role: DeviceKind): Eui64 => (role === o.dut.device ? o.dut.eui : HIL_EUIS[role]);
  const devices = new Map<DeviceKind, { device: RunningDevice; transport: HanDevice }>();
  const cuts = new Set<string>();
  const seen: SeenFrame[] = [];
  const logs: HarnessLogLine[] = [];
  // Harness devices are not in lockstep (the boards are not on the harness's timers): nothing is counted in flight.
  const inFlight = new InFlight();
  const onError = o.onError ?? (() => {});
  const time = o.time ?? realTime();

  const peersOf = (role: DeviceKind): Record<string, Eui64> =>
    role === 'gpf' ? { gsme: euiOf('gsme'), ppmid: euiOf('ppmid') } : { gpf: euiOf('gpf') };

  async function start(role: DeviceKind, setup: HarnessDeviceSetup = {}): Promise<void> {
    if (!roles.includes(role as (typeof roles)[number])) throw new Error(`harness: ${role} is the device under test`);
    await stop(role);
    const eui = euiOf(role);
    const transport = await connectHanDevice({
      url: o.url,
      premises: o.premises,
      eui,
      secret: o.secretFor(eui),
      device: `harness-${role}`,
      inFlight,
      isSimDevice: () => false,
      drop: ({ dst }) => cuts.has(`${eui}>${dst}`),
      onError,
      log: { warn: (message, data) => logs.push({ device: role, level: 'warn', message, ...(data ? { data } : {}) }) },
      reconnectPeriodMs: 250,
    });
    transport.onFrame((src, clusterId, bytes) => {
      if (src !== o.dut.eui) return;
      let frame: ZclFrame | null = null;
      try {
        frame = decodeZclFrame(bytes);
      } catch {
        frame = null;
      }
      seen.push({ wallMs: time.now(), dst: role, clusterId, bytes, frame });
    });
    const platform: Platform = {
      clock: o.clock,
      timers: time.timers,
      han: transport,
      observe: transport.observe,
      log: {
        info: (message, data) => logs.push({ device: role, level: 'info', message, ...(data ? { data } : {}) }),
        warn: (message, data) => logs.push({ device: role, level: 'warn', message, ...(data ? { data } : {}) }),
      },
    };
    const config = { ...PROFILE_OVERRIDES.hil[role], ...(role === 'gsme' && o.topUpKey ? { topUpKey: o.topUpKey } : {}), ...(setup.config ?? {}) };
    const device = startDevice(MACHINES[role], platform, { eui, peers: peersOf(role), firmware: setup.firmware ?? 'secmp0015', seed: 11, config });
    devices.set(role, { device, transport });
  }

  async function stop(role: DeviceKind): Promise<void> {
    const d = devices.get(role);
    if (!d) return;
    devices.delete(role);
    d.device.stop();
    await d.transport.close();
  }

  const get = (role: DeviceKind) => {
    const d = devices.get(role);
    if (!d) throw new Error(`harness: the ${role} is not running`);
    return d;
  };

  return {
    roles,
    start,
    stop,
    running: (role) => devices.has(role),
    device: (role) => get(role).device,
    transport: (role) => get(role).transport,
    cut(from, to) {
      cuts.add(`${euiOf(from)}>${euiOf(to)}`);
    },
    restore: () => cuts.clear(),
    seen: () => seen,
    logs: () => logs,
    async close() {
      for (const role of [...devices.keys()]) await stop(role);
    },
  };
}
