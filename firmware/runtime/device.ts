import { createActor } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import type { Platform } from '../platform/index.ts';
import { encodeZclFrame } from '../zcl/index.ts';
import { compileMachine, createMachineActor, extractImplementations } from './compact/index.ts';
import type { CompactImplementations, MachineRuntime, StateTable } from './compact/index.ts';
import { runDevice } from './device-core.ts';
import { persistKey, withRestored } from './persist.ts';
import type { DeviceActor, RunningDevice } from './device-core.ts';

export { runDevice } from './device-core.ts';
export type { DeviceActor, DeviceEvent, RunningDevice } from './device-core.ts';

/** Each machine's state table and implementations, compiled once per process (a run starts dozens of devices). */
const compiled = new WeakMap<AnyStateMachine, { table: StateTable; implementations: CompactImplementations }>();

/**
 * Runs one device machine (Node, the simulator): on XState's own actor, or with `runtime`
 * 'compact' on the compact interpreter (firmware/runtime/compact/), the machine's table compiled
 * once. The same events give the same outputs on both (test/compact-runtime.test.ts).
 * With `platform.storage`, its record (keyed by the machine's id: gsme, gpf, ppmid) is read into
 * `input.restored` and its `persist` emits are written there.
 */
export function startDevice(machine: AnyStateMachine, platform: Platform, input: Record<string, unknown>, runtime: MachineRuntime = 'xstate'): RunningDevice {
  const machineInput = { ...withRestored(input, platform.storage, machine.id), clock: platform.clock };
  let actor: DeviceActor;
  if (runtime === 'compact') {
    let c = compiled.get(machine);
    if (c === undefined) compiled.set(machine, (c = { table: compileMachine(machine), implementations: extractImplementations(machine) }));
    actor = createMachineActor(machine, { input: machineInput, clock: platform.timers, table: c.table, implementations: c.implementations }, 'compact') as unknown as DeviceActor;
  } else {
    actor = createActor(machine, { input: machineInput, clock: platform.timers }) as unknown as DeviceActor;
  }
  return runDevice(actor, platform, encodeZclFrame, persistKey(machine.id));
}
