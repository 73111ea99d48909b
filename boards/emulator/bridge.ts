/**
 * The emulator board's guest/host boundary: the only things that cross between the bundle running
 * in QuickJS (main.ts) and Node (host.ts). Kept to strings and numbers so nothing holds a handle
 * across the boundary: HAN bytes travel as upper-case hex, models and events as JSON text. Timers
 * are numbers the guest chose; the callbacks stay in the guest.
 */

/** `globalThis.__host`, installed by the host before the bundle runs. */
export interface EmulatorHost {
  /** The device clock, ms since the Unix epoch. */
  now(): number;
  /** Calls `__guest.timer(id)` after `ms`; `id` is the guest's. */
  setTimeout(id: number, ms: number): void;
  clearTimeout(id: number): void;
  /** One ZCL frame onto the HAN. */
  send(dst: string, clusterId: number, hex: string): void;
  state(json: string): void;
  screen(json: string): void;
  /** `data` is JSON text, or '' for none. */
  log(level: 'info' | 'warn', message: string, data: string): void;
  /** An event the device emitted, of a type the host asked for with `__guest.on`. */
  emitted(json: string): void;
  /** The device's DeviceConfig (firmware/runtime/app.ts) as JSON text. */
  config(): string;
  /** The display profile to draw the screen in, or '' for a board without a screen. */
  display(): string;
}

/** `globalThis.__guest`, installed by the bundle when it has run. */
export interface EmulatorGuest {
  /** false when the config was refused (the reason went to `__host.log`). */
  started: boolean;
  timer(id: number): void;
  frame(src: string, clusterId: number, hex: string): void;
  /** An event from outside the HAN (a button…), as JSON text. */
  send(json: string): void;
  /** The machine's snapshot `{ status, value, context }` as JSON text. */
  snapshot(): string;
  /** Forwards emitted events of this type to `__host.emitted`. */
  on(type: string): void;
  /** The framebuffer's bytes as hex, or '' before the first screen. */
  framebuffer(): string;
  stop(): void;
}

export const HOST_GLOBAL = '__host';
export const GUEST_GLOBAL = '__guest';
