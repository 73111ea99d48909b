/**
 * The harness's time, in two layers.
 *
 * `HilTime` is how the harness itself waits: `now()` (harness ms, monotonic), `sleep`, `wait` (a
 * sleep that an event may end early) and the `timers` it hands to the devices it runs. No wait,
 * timeout or "since" about the DUT in the harness (expect.ts, the suites, home.ts, run.ts, wan.ts,
 * observer.ts) reads `performance.now()` or sets a timer of its own: it goes through the run's
 * `HilTime`. (Process and connection housekeeping stays real: a child board's start-up and
 * kill timeouts, the observer's 5 s connection limit.)
 *
 * - `realTime()`: the wall clock and the process's timers. The only choice when the DUT has timers
 *   the harness does not own: a flashed board on a broker (`mqtt://…`), and the `emulator` and
 *   `node` boards, which are child processes (`hanlab board run`) on their own real timers.
 * - `virtualTime(clock, settle)`: the simulator's `VirtualClock` (sim/clock/virtual-clock.ts);
 *   `sleep(ms)` runs the clock `ms` ahead, firing every device timer due on the way and awaiting
 *   `settle` (HAN traffic in flight) after each, so waiting costs no wall time. It is only sound
 *   when every timer that matters is on that clock: a DUT run in this process on the same clock,
 *   its HAN on the in-process bus: the `inproc`, `inproc-emulator` and `inproc-node` targets
 *   (run.ts). The `node` target (a child process on Node's own timers, MQTT.js) cannot.
 *
 * `HarnessClock` is the hub's clock on top: harness time plus jumps. The harness's own devices
 * (and through the GPF's Time cluster, the device under test) read it; `jump` moves it forward by
 * hours at once, so a suite sees an update go late and stale in a second, as a test house would
 * with a hub whose clock it controls.
 */
import type { DeviceClock, TimerClock } from '../firmware/platform/clock.ts';
import type { VirtualClock } from '../sim/clock/virtual-clock.ts';

export interface HilTime {
  readonly kind: 'real' | 'virtual';
  /** Harness ms: monotonic, only differences mean anything (step durations, "since"). */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Resolves after `ms`, or earlier when the `wake` given to `arm` is called (a publication came). */
  wait(ms: number, arm: (wake: () => void) => void): Promise<void>;
  /** Epoch ms, as a device's real-time clock would read it (the DUT's own, unjumped). */
  epochMs(): number;
  /** The timers of the devices the harness runs itself. */
  readonly timers: TimerClock;
}

/** The process's own timers, in the platform's shape. */
export const realTimers: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

export function realTime(): HilTime {
  return {
    kind: 'real',
    now: () => performance.now(),
    epochMs: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    wait: (ms, arm) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        arm(() => {
          clearTimeout(t);
          resolve();
        });
      }),
    timers: realTimers,
  };
}

/**
 * Virtual harness time on `clock`. `settle` is awaited after every timer that fires (and before
 * the first): it must resolve once everything the timer set off has been delivered and handled
 * (e.g. `() => inFlight.whenIdle()`). `wait` ends at the first settled instant after a wake.
 */
export function virtualTime(clock: VirtualClock, settle: () => Promise<void> = async () => {}): HilTime {
  const origin = clock.now();
  const timers = clock.forDevice(0);
  return {
    kind: 'virtual',
    now: () => clock.now() - origin,
    epochMs: () => clock.now(),
    sleep: async (ms) => {
      await clock.run(clock.now() + Math.max(0, ms), settle);
    },
    wait: async (ms, arm) => {
      let woken = false;
      arm(() => {
        woken = true;
        clock.stop();
      });
      const until = clock.now() + Math.max(0, ms);
      // A wake during the settle before the first timer would be missed by stop(): look again.
      while (!woken && clock.now() < until) {
        const r = await clock.run(until, settle);
        if (!r.stopped) break;
      }
    },
    timers,
  };
}

export interface HarnessClock extends DeviceClock {
  /** Moves now forward by `ms` (never backward: a hub clock stepping back is a different test). */
  jump(ms: number): void;
  /** Total of all jumps so far, ms. */
  jumped(): number;
}

/** The hub's clock: `startMs` (epoch ms) plus the harness time passed since (`harnessNow`), plus jumps. */
export function createHarnessClock(startMs: number, harnessNow: () => number = () => performance.now()): HarnessClock {
  if (!Number.isFinite(startMs)) throw new RangeError(`harness clock: start must be finite, got ${startMs}`);
  const t0 = harnessNow();
  let jumps = 0;
  return {
    now: () => Math.round(startMs + (harnessNow() - t0) + jumps),
    jump(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`harness clock: jump must be a finite non-negative ms, got ${ms}`);
      jumps += ms;
    },
    jumped: () => jumps,
  };
}
