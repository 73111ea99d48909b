/**
 * The harness's clock: wall-clock pacing plus jumps. The harness's own devices (and through the
 * GPF's Time cluster, the device under test) read it; `jump` moves it forward by hours at once, so
 * a suite sees an update go late and stale in a second of wall time, as a test house would with a
 * hub whose clock it controls. Timers stay real: the devices' intervals run at wall speed (the
 * `hil` profile makes them short), only the hub's notion of now leaps.
 */
import type { DeviceClock, TimerClock } from '../../firmware/platform/clock.ts';

export interface HarnessClock extends DeviceClock {
  /** Moves now forward by `ms` (never backward: a hub clock stepping back is a different test). */
  jump(ms: number): void;
  /** Total of all jumps so far, ms. */
  jumped(): number;
}

export function createHarnessClock(startMs: number, wallNow: () => number = () => performance.now()): HarnessClock {
  if (!Number.isFinite(startMs)) throw new RangeError(`harness clock: start must be finite, got ${startMs}`);
  const wall0 = wallNow();
  let jumps = 0;
  return {
    now: () => Math.round(startMs + (wallNow() - wall0) + jumps),
    jump(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`harness clock: jump must be a finite non-negative ms, got ${ms}`);
      jumps += ms;
    },
    jumped: () => jumps,
  };
}

/** The process's own timers, in the platform's shape. */
export const realTimers: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};
