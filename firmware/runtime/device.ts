import { createActor } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import type { Platform } from '../platform/index.ts';
import { encodeZclFrame } from '../zcl/index.ts';
import { runDevice } from './device-core.ts';
import { persistKey, withRestored } from './persist.ts';
import type { DeviceActor, RunningDevice } from './device-core.ts';

export { runDevice } from './device-core.ts';
export type { DeviceActor, DeviceEvent, RunningDevice } from './device-core.ts';

/**
 * Runs one device machine on XState's own actor (Node, the simulator, boards with room for it).
 * With `platform.storage`, its record (keyed by the machine's id: gsme, gpf, ppmid) is read into
 * `input.restored` and its `persist` emits are written there.
 */
export function startDevice(machine: AnyStateMachine, platform: Platform, input: Record<string, unknown>): RunningDevice {
  const actor = createActor(machine, { input: { ...withRestored(input, platform.storage, machine.id), clock: platform.clock }, clock: platform.timers });
  return runDevice(actor as unknown as DeviceActor, platform, encodeZclFrame, persistKey(machine.id));
}
