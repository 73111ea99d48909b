/**
 * Stands in for `xstate` in compact board bundles (the build aliases the import). The machine
 * modules keep calling `setup(...).createMachine(...)`, `assign`, `raise` and `emit`; here those
 * return what the compact interpreter calls (the table, compiled with real XState, says which
 * built-in each action is): `assign`'s assignment as one function, the event or event expression
 * of `raise` and `emit`. So `setup(...).implementations` is the interpreter's implementations as
 * they are (compile.ts `implementationsFrom` gives the same from XState's built-ins), and a bundle
 * carries the machines' own actions and guards without XState or a conversion step. The state
 * structure itself comes from the table.
 */
import { assignProps } from './compile.ts';
import type { ImplementationFn } from './table.ts';

type Fn = (...args: never[]) => unknown;

export function assign(assignment: unknown): ImplementationFn {
  return typeof assignment === 'function' ? (assignment as ImplementationFn) : assignProps(assignment as Record<string, unknown>);
}

export function raise(event: unknown): unknown {
  return event;
}

export function emit(event: unknown): unknown {
  return event;
}

interface Implementations {
  actions?: Record<string, unknown>;
  guards?: Record<string, Fn>;
  delays?: Record<string, Fn | number>;
}

/**
 * `implementations` is what a compact bundle hands the interpreter; the machine itself
 * (`createMachine`) is only there for code that still builds one: a board bundle imports the
 * machine files' `*Setup` and `*Context` exports instead, and the pure `createMachine` call drops out.
 */
export function setup(impl: Implementations) {
  const implementations = { actions: impl.actions || {}, guards: impl.guards || {}, delays: impl.delays || {} };
  return {
    implementations,
    createMachine(config: { context?: unknown }) {
      return { config, implementations };
    },
  };
}
