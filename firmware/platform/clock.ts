/**
 * A device's hardware clock: milliseconds since the Unix epoch as the device's own oscillator
 * counts them. It may drift or start unset; machines keep any correction (a clock sync from the
 * comms hub) in their own context, so the clock itself is read-only.
 */
export interface DeviceClock {
  now(): number;
}

/**
 * Timers, in XState's `Clock` shape so the same object drives `createActor(..., { clock })`: the
 * simulator passes its virtual clock, a board its real one.
 */
export interface TimerClock {
  setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}
