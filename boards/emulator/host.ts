/**
 * The emulator board's host: runs a device bundle built for the `emulator` board (main.ts) in
 * QuickJS under a memory limit, and gives it what a board's hardware would: timers, a clock, the
 * HAN, and somewhere for its state, screen and log to go (a Node-side Platform). The same bundle
 * that would be flashed runs here unchanged, so its heap is measured as a board would feel it.
 *
 * With real timers and an MQTT transport it is a standalone board; with the simulator's virtual
 * clock and in-flight counted transport it runs in lockstep inside a simulation, since every
 * guest call is synchronous: a frame's handler has sent its answers before it returns.
 *
 * Faults stay inside: a guest exception, an out-of-memory or a runaway call stops the board with
 * one logged line naming the device; the host process goes on.
 */
import { getQuickJS } from 'quickjs-emscripten';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { fromHex, toHex } from '../../firmware/codec/hex.ts';
import type { DisplayProfile } from '../../firmware/display/render/layout.ts';
import { DISPLAY_PROFILES } from '../../firmware/display/render/layout.ts';
import type { DeviceClock, Platform, TimerClock } from '../../firmware/platform/index.ts';
import type { DeviceEvent, RunningDevice } from '../../firmware/runtime/device-core.ts';
import { GUEST_GLOBAL, HOST_GLOBAL } from './bridge.ts';

export type EmulatorEngine = QuickJSWASMModule;

/** QuickJS, loaded once (the WebAssembly module); boards are then started synchronously. */
export function loadEmulatorEngine(): Promise<EmulatorEngine> {
  return getQuickJS();
}

/** A board's clock and timers on the host's real time. */
export function realTime(): { clock: DeviceClock; timers: TimerClock } {
  return {
    clock: { now: () => Date.now() },
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>) },
  };
}

export interface EmulatorBoardOptions {
  /** The bundle (`buildDevice({ board: 'emulator', … }).code`). */
  code: string;
  /** The DeviceConfig the guest asks for (checked by the guest, as a board checks its flash). */
  config: unknown;
  /** QuickJS heap limit, bytes (the board's budget). */
  memoryLimit: number;
  /** The host side: clock, timers, HAN, observer and log the guest's calls are routed to. */
  platform: Platform;
  /** Default mono128x64 (the emulator board's display); null: no screen. */
  display?: DisplayProfile | null;
  /** Name in log lines. Default: the config's device. */
  name?: string;
  /** Wall-time limit of one guest call, ms (a runaway loop is a fault). Default 5000. */
  callTimeoutMs?: number;
  /** Called once when the board stops, with why (null for a requested stop). */
  onStop?(reason: string | null): void;
}

export interface EmulatorFrameBuffer {
  width: number;
  height: number;
  bpp: 1 | 3;
  buffer: Uint8Array;
}

export interface EmulatorBoard extends RunningDevice {
  /** QuickJS `memory_used_size` now, bytes (0 once stopped). */
  heapBytes(): number;
  /** QuickJS's whole memory usage dump (JS_ComputeMemoryUsage: object, string, function and shape counts and sizes); null once stopped. */
  memoryUsage(): Record<string, number> | null;
  /** The screen as the guest last drew it; null before the first screen or without a display. */
  framebuffer(): EmulatorFrameBuffer | null;
  /** Whether the guest started its device (false: bad config, fault, or stopped). */
  readonly running: boolean;
  /** Why the board stopped by itself, or null. */
  readonly fault: string | null;
}

export function startEmulatorBoard(engine: EmulatorEngine, o: EmulatorBoardOptions): EmulatorBoard {
  const p = o.platform;
  const name = o.name ?? String((o.config as { device?: unknown } | null)?.device ?? 'device');
  const display = o.display === undefined ? 'mono128x64' : o.display;
  const callTimeoutMs = o.callTimeoutMs ?? 5000;
  const hostTimers = new Map<number, unknown>();
  const emittedHandlers = new Map<string, ((e: DeviceEvent) => void)[]>();
  let vm: QuickJSContext | null = null;
  let runtime: QuickJSRuntime | null = null;
  let guest: QuickJSHandle | null = null;
  let deadline = 0;
  /** Guest calls on the stack (a host function may call back in): disposal waits for 0. */
  let depth = 0;
  let stopped = false;
  let disposed = false;
  let fault: string | null = null;
  let started = false;

  const hostFunctions: Record<string, (...args: (string | number)[]) => string | number | void> = {
    now: () => p.clock.now(),
    setTimeout: (id, ms) => {
      const gid = Number(id);
      hostTimers.set(
        gid,
        p.timers.setTimeout(() => {
          hostTimers.delete(gid);
          callGuest('timer', gid);
        }, Number(ms)),
      );
    },
    clearTimeout: (id) => {
      const h = hostTimers.get(Number(id));
      if (h === undefined) return;
      hostTimers.delete(Number(id));
      p.timers.clearTimeout(h);
    },
    send: (dst, clusterId, hex) => p.han.send(String(dst), Number(clusterId), fromHex(String(hex))),
    state: (json) => p.observe.state(JSON.parse(String(json))),
    screen: (json) => p.observe.screen?.(JSON.parse(String(json))),
    log: (level, message, data) => {
      const d = data === '' ? undefined : (JSON.parse(String(data)) as Record<string, unknown>);
      if (level === 'warn') p.log.warn(String(message), d);
      else p.log.info(String(message), d);
    },
    emitted: (json) => {
      const e = JSON.parse(String(json)) as DeviceEvent;
      for (const h of emittedHandlers.get(e.type) ?? []) h(e);
    },
    config: () => JSON.stringify(o.config ?? null),
    display: () => display ?? '',
  };

  function fail(reason: string): void {
    if (stopped) return;
    fault = reason;
    p.log.warn(`emulator ${name}: board stopped: ${reason}`, {});
    shutdown(reason);
  }

  /** The guest's error as one line; the limit is lifted first, so reading it cannot run out too. */
  function describe(err: QuickJSHandle): string {
    try {
      runtime!.setMemoryLimit(-1);
      const e = vm!.dump(err) as unknown;
      if (e && typeof e === 'object' && 'message' in e) {
        const x = e as { name?: string; message: string };
        return `${x.name ?? 'Error'}: ${x.message}`;
      }
      return String(e);
    } catch (dumpErr) {
      return `unreadable guest error (${String(dumpErr)})`;
    } finally {
      err.dispose();
    }
  }

  function afterCall(): void {
    if (stopped || !runtime || depth > 0) return;
    deadline = Date.now() + callTimeoutMs;
    const jobs = runtime.executePendingJobs();
    deadline = 0;
    if (jobs.error) {
      fail(`guest promise job failed: ${describe(jobs.error)}`);
      return;
    }
    // QuickJS's own limit counts allocations in this build (no malloc_usable_size), so the
    // budget in bytes is held against the heap it reports, after every turn of the guest.
    const used = heapUsed();
    if (used < 0) fail(`out of memory: the heap cannot even be measured under the limit of ${o.memoryLimit} bytes`);
    else if (used > o.memoryLimit) fail(`out of memory: heap ${used} bytes, over the budget of ${o.memoryLimit}`);
  }

  /** memory_used_size, or -1 when even measuring it runs out of memory. */
  function heapUsed(): number {
    if (stopped || !runtime || !vm) return 0;
    const ctx = vm;
    try {
      return runtime.computeMemoryUsage().consume((h) => (ctx.dump(h) as { memory_used_size: number }).memory_used_size);
    } catch {
      return -1;
    }
  }

  function callGuest(fn: string, ...args: (string | number)[]): unknown {
    if (stopped || !vm || !guest) return undefined;
    const ctx = vm;
    let result: ReturnType<QuickJSContext['callFunction']>;
    try {
      const f = ctx.getProp(guest, fn);
      const handles = args.map((a) => (typeof a === 'string' ? ctx.newString(a) : ctx.newNumber(a)));
      const outer = deadline;
      if (depth === 0) deadline = Date.now() + callTimeoutMs;
      depth++;
      try {
        result = ctx.callFunction(f, guest, ...handles);
      } finally {
        depth--;
        deadline = outer;
        for (const h of handles) h.dispose();
        f.dispose();
      }
    } catch (err) {
      fail(`host could not call the guest's ${fn}: ${String(err)}`);
      release();
      return undefined;
    }
    if (stopped) {
      // Stopped from inside this call (a nested fault, or stop()): the result is not wanted.
      if (result.error) result.error.dispose();
      else result.value.dispose();
      release();
      return undefined;
    }
    if (result.error) {
      fail(`guest ${fn} threw ${describe(result.error)}`);
      return undefined;
    }
    const value = result.value.consume((v) => ctx.dump(v) as unknown);
    afterCall();
    return value;
  }

  function shutdown(reason: string | null): void {
    if (stopped) return;
    stopped = true;
    for (const h of hostTimers.values()) p.timers.clearTimeout(h);
    hostTimers.clear();
    release();
    o.onStop?.(reason);
  }

  /** Frees the runtime once no guest call is on the stack. */
  function release(): void {
    if (!stopped || disposed || depth > 0) return;
    disposed = true;
    try {
      guest?.dispose();
      vm?.dispose();
    } catch (err) {
      // A guest that left objects behind cannot make the host fail; its memory goes with the runtime.
      p.log.warn(`emulator ${name}: runtime disposal: ${String(err)}`, {});
    }
    guest = null;
    vm = null;
    runtime = null;
  }

  try {
    vm = engine.newContext();
    runtime = vm.runtime;
    runtime.setInterruptHandler(() => deadline !== 0 && Date.now() > deadline);
    const ctx = vm;
    const hostObject = ctx.newObject();
    for (const [key, impl] of Object.entries(hostFunctions)) {
      ctx.newFunction(key, (...handles) => {
        const args = handles.map((h) => ctx.dump(h) as string | number);
        const out = impl(...args);
        if (typeof out === 'number') return ctx.newNumber(out);
        if (typeof out === 'string') return ctx.newString(out);
        return undefined;
      }).consume((f) => ctx.setProp(hostObject, key, f));
    }
    ctx.setProp(ctx.global, HOST_GLOBAL, hostObject);
    hostObject.dispose();
    // The limit applies to the device, not to the empty context and the bridge set up above.
    runtime.setMemoryLimit(o.memoryLimit);
    deadline = Date.now() + callTimeoutMs;
    depth++;
    let evaluated: ReturnType<QuickJSContext['evalCode']>;
    try {
      evaluated = ctx.evalCode(o.code, `${name}.js`);
    } finally {
      depth--;
      deadline = 0;
    }
    if (evaluated.error) {
      fail(`bundle threw ${describe(evaluated.error)}`);
    } else {
      evaluated.value.dispose();
      guest = ctx.getProp(ctx.global, GUEST_GLOBAL);
      if (ctx.typeof(guest) !== 'object') fail(`the bundle did not install ${GUEST_GLOBAL} (not an emulator build?)`);
      else {
        afterCall();
        started = !stopped && ctx.getProp(guest, 'started').consume((h) => ctx.dump(h) === true);
        if (!started && !stopped) p.log.warn(`emulator ${name}: device not started (see the config warning above)`, {});
      }
    }
  } catch (err) {
    fail(`could not start: ${String(err)}`);
  }

  const board: EmulatorBoard = {
    get running() {
      return started && !stopped;
    },
    get fault() {
      return fault;
    },
    send(event) {
      callGuest('send', JSON.stringify(event));
    },
    snapshot() {
      const text = callGuest('snapshot');
      return typeof text === 'string' ? (JSON.parse(text) as ReturnType<RunningDevice['snapshot']>) : { status: 'stopped', value: null, context: null };
    },
    on(type, handler) {
      const list = emittedHandlers.get(type) ?? [];
      list.push(handler);
      emittedHandlers.set(type, list);
      callGuest('on', type);
    },
    stop() {
      callGuest('stop');
      shutdown(null);
    },
    heapBytes: heapUsed,
    memoryUsage() {
      if (stopped || !runtime || !vm) return null;
      const ctx = vm;
      return runtime.computeMemoryUsage().consume((h) => ctx.dump(h) as Record<string, number>);
    },
    framebuffer() {
      if (!display) return null;
      const hex = callGuest('framebuffer');
      if (typeof hex !== 'string' || hex === '') return null;
      const d = DISPLAY_PROFILES[display];
      return { width: d.width, height: d.height, bpp: d.bpp, buffer: fromHex(hex) };
    },
  };

  p.han.onFrame((src, clusterId, bytes) => {
    callGuest('frame', src, clusterId, toHex(bytes));
  });
  return board;
}
