/**
 * Runtime selection for device machines: `xstate` (XState's own actor) or `compact` (the machine
 * compiled to a state table, run by interpreter.ts). Both give the surface the device runtime uses:
 * `start`, `send`, `getSnapshot()` (`value`, `context`, `status`), `on(type | '*')` for emitted
 * events, `subscribe({ error })`, `stop`.
 *
 * This module imports XState (for the `xstate` choice and to compile): it is for Node, the
 * simulator and the emulator. A small board's bundle takes interpreter.ts, the table as JSON
 * (`compileMachineToJson` at build time) and the implementations instead.
 */
import { createActor } from 'xstate';
import type { AnyEventObject, AnyStateMachine } from 'xstate';
import { compileMachine, extractImplementations } from './compile.ts';
import { createHostMerge } from './host-merge.ts';
import { createCompactActor } from './interpreter.ts';
import type { CompactClock, CompactImplementations, CompactObserver, CompactSnapshot, Subscription } from './interpreter.ts';
import type { StateTable } from './table.ts';

export { CompileError, compileMachine, compileMachineToJson, extractImplementations } from './compile.ts';
export { createCompactActor } from './interpreter.ts';
export type { CompactActor, CompactActorOptions, CompactClock, CompactImplementations, CompactObserver, CompactSnapshot, ImplementationFn, StateValue, Subscription } from './interpreter.ts';
export type { Json, Ref, StateTable, TableAction, TableEvent, TableState, TableStateType, TableTransition } from './table.ts';

export type MachineRuntime = 'xstate' | 'compact';

/** The global setTimeout / clearTimeout, as XState's default clock. */
const GLOBAL_TIMERS: CompactClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};


export interface MachineActorOptions {
  input?: unknown;
  clock?: CompactClock;
  /** A precompiled table (compact only); compiled from the machine when absent. */
  table?: StateTable;
  /** The machine's implementations (compact only; extractImplementations), taken from it when absent. */
  implementations?: CompactImplementations;
}

/** What the device runtime needs of an actor, whichever runtime runs it. */
export interface MachineActor {
  start(): MachineActor;
  send(event: AnyEventObject): void;
  getSnapshot(): Pick<CompactSnapshot, 'status' | 'value' | 'context' | 'error'>;
  on(type: string, handler: (event: AnyEventObject) => void): Subscription;
  subscribe(observer: CompactObserver): Subscription;
  stop(): void;
}

/** Creates (does not start) an actor for `machine` on the chosen runtime. */
export function createMachineActor(machine: AnyStateMachine, options: MachineActorOptions = {}, runtime: MachineRuntime = 'xstate'): MachineActor {
  if (runtime === 'compact') {
    return createCompactActor(options.table ?? compileMachine(machine), options.implementations ?? extractImplementations(machine), { input: options.input, clock: options.clock ?? GLOBAL_TIMERS, merge: createHostMerge() }) as MachineActor;
  }
  const actor = createActor(machine, { input: options.input, ...(options.clock ? { clock: options.clock } : {}) });
  const result: MachineActor = {
    start: () => {
      actor.start();
      return result;
    },
    send: (event) => actor.send(event),
    getSnapshot: () => actor.getSnapshot() as ReturnType<MachineActor['getSnapshot']>,
    on: (type, handler) => actor.on(type, handler as never),
    subscribe: (observer) => actor.subscribe(observer as never),
    stop: () => void actor.stop(),
  };
  return result;
}
