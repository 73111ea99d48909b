/**
 * A device build made in this process from the firmware's sources instead of a bundle: what
 * `hanlab build` puts in `hanlab:device`, for running the node board straight from TypeScript.
 */
import { createActor } from 'xstate';
import { gpfMachine, gsmeMachine, ppmidMachine } from '../../firmware/machines/index.ts';
import type { DeviceBuild } from '../../firmware/runtime/app.ts';
import { createMachineActor } from '../../firmware/runtime/compact/index.ts';
import type { DeviceActor } from '../../firmware/runtime/device-core.ts';
import type { DeviceKind, Runtime } from '../config/board-spec.ts';
import type { BuildFlags } from '../bundler/bundle.ts';
import { FRAME_ENCODERS } from '../bundler/bundle.ts';

const MACHINES = { gsme: gsmeMachine, gpf: gpfMachine, ppmid: ppmidMachine };

export function sourceBuild(device: DeviceKind, runtime: Runtime, flags: BuildFlags = {}): DeviceBuild {
  const machine = MACHINES[device];
  return {
    device,
    runtime,
    buildFlags: flags,
    encodeFrame: FRAME_ENCODERS[device],
    createDeviceActor: (input, timers) =>
      (runtime === 'xstate'
        ? createActor(machine, { input: input as never, clock: timers })
        : createMachineActor(machine, { input, clock: timers }, 'compact')) as unknown as DeviceActor,
  };
}
