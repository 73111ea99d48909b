/**
 * A simulated device's hardware clock on top of virtual time:
 *
 *   now() = virtual.now() + offsetMs + driftPpm × 1e-6 × (virtual.now() − start) + Σ jumps due
 *
 * where `start` is the virtual time at creation. Jumps (clock faults: a step change, e.g. a reset
 * after power loss or a bad manual set) are applied lazily from a list sorted by virtual time, so
 * they need no timers and read the same however the run is sliced. The result is rounded to whole
 * milliseconds. Nothing here corrects the clock: like real hardware, a device keeps any sync
 * correction in its own context (see firmware/platform/clock.ts).
 */
import type { DeviceClock } from '../../firmware/platform/clock.ts';

export interface DeviceClockOptions {
  /** Constant offset from true (virtual) time, ms. Default 0. */
  offsetMs?: number;
  /** Oscillator error, parts per million; positive runs fast. Default 0. */
  driftPpm?: number;
}

/** The virtual time source: anything with `now()` (a `VirtualClock`). */
export interface TimeSource {
  now(): number;
}

export interface ClockJump {
  /** Virtual time (ms) from which the jump applies. */
  atMs: number;
  /** Step, ms (negative: back in time). */
  deltaMs: number;
}

export interface SimDeviceClock extends DeviceClock {
  /** Step the clock by `deltaMs` from now on. */
  jump(deltaMs: number): void;
  /** Step the clock by `deltaMs` from virtual time `atMs` (past or future) on. */
  jumpAt(atMs: number, deltaMs: number): void;
  /** From virtual time `atMs` on, the clock reads `deviceMs` at `atMs` (and keeps drifting). */
  setAt(atMs: number, deviceMs: number): void;
  /** From virtual time `atMs` on, the oscillator runs `ppm` parts per million fast (+) or slow (−). */
  driftAt(atMs: number, ppm: number): void;
  /** The clock's error against true time now, ms (now() − virtual.now()). */
  errorMs(): number;
  readonly offsetMs: number;
  readonly driftPpm: number;
  readonly jumps: readonly ClockJump[];
}

export function createDeviceClock(virtual: TimeSource, options: DeviceClockOptions = {}): SimDeviceClock {
  const offsetMs = options.offsetMs ?? 0;
  const driftPpm = options.driftPpm ?? 0;
  if (!Number.isFinite(offsetMs)) throw new RangeError(`createDeviceClock: offsetMs must be finite, got ${offsetMs}`);
  if (!Number.isFinite(driftPpm)) throw new RangeError(`createDeviceClock: driftPpm must be finite, got ${driftPpm}`);
  const start = virtual.now();
  const jumps: ClockJump[] = [];

  // Drift is piecewise: a clock fault can change the oscillator's error part-way through a run.
  const drifts: { fromMs: number; ppm: number }[] = [{ fromMs: start, ppm: driftPpm }];
  const driftBy = (t: number): number => {
    let ms = 0;
    for (let i = 0; i < drifts.length; i++) {
      const from = drifts[i]!.fromMs;
      const to = Math.min(t, drifts[i + 1]?.fromMs ?? Infinity);
      if (to > from) ms += (drifts[i]!.ppm * (to - from)) / 1e6;
    }
    return ms;
  };

  const read = (t: number): number => {
    let value = t + offsetMs + driftBy(t);
    for (const j of jumps) {
      if (j.atMs > t) break;
      value += j.deltaMs;
    }
    return Math.round(value);
  };

  const jumpAt = (atMs: number, deltaMs: number): void => {
    if (!Number.isFinite(atMs) || !Number.isFinite(deltaMs)) {
      throw new RangeError(`DeviceClock.jumpAt: atMs and deltaMs must be finite (got ${atMs}, ${deltaMs})`);
    }
    // Stable insert: jumps at the same instant apply in the order they were added.
    let i = jumps.length;
    while (i > 0 && jumps[i - 1]!.atMs > atMs) i--;
    jumps.splice(i, 0, { atMs, deltaMs });
  };

  return {
    now: () => read(virtual.now()),
    jump: (deltaMs) => jumpAt(virtual.now(), deltaMs),
    jumpAt,
    setAt: (atMs, deviceMs) => {
      // The reading at atMs including every jump already due at atMs; this one goes after them.
      jumpAt(atMs, deviceMs - read(atMs));
    },
    errorMs: () => read(virtual.now()) - virtual.now(),
    driftAt: (atMs, ppm) => {
      if (!Number.isFinite(atMs) || !Number.isFinite(ppm)) throw new RangeError(`DeviceClock.driftAt: atMs and ppm must be finite (got ${atMs}, ${ppm})`);
      let i = drifts.length;
      while (i > 0 && drifts[i - 1]!.fromMs > atMs) i--;
      drifts.splice(i, 0, { fromMs: Math.max(atMs, start), ppm });
    },
    offsetMs,
    driftPpm,
    jumps,
  };
}
