/**
 * Stands in for `xstate` in compact board bundles (the build aliases the import). The machine
 * modules keep calling `setup(...).createMachine(...)`, `assign`, `raise` and `emit`; here those
 * only record what they were given, in the shape `implementationsFrom` reads, so a bundle
 * carries the machines' own actions and guards without XState. The state structure itself comes
 * from the table the build compiled with real XState.
 */
type Fn = (...args: never[]) => unknown;

interface Builtin {
  (): void;
  type: string;
  resolve: true;
  assignment?: unknown;
  event?: unknown;
}

function builtin(type: string, key: 'assignment' | 'event', value: unknown): Builtin {
  const action = function () {
    throw new Error(type + ' runs only through the compact interpreter');
  } as unknown as Builtin;
  action.type = type;
  action.resolve = true;
  action[key] = value;
  return action;
}

export function assign(assignment: unknown): Builtin {
  return builtin('xstate.assign', 'assignment', assignment);
}

export function raise(event: unknown): Builtin {
  return builtin('xstate.raise', 'event', event);
}

export function emit(event: unknown): Builtin {
  return builtin('xstate.emit', 'event', event);
}

interface Implementations {
  actions?: Record<string, unknown>;
  guards?: Record<string, Fn>;
  delays?: Record<string, Fn | number>;
}

/**
 * `implementations` is what a compact bundle reads (compile.ts `implementationsFrom`); the machine
 * itself (`createMachine`) is only there for code that still builds one: a board bundle imports the
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
