/** The harness's time (hil/clock.ts): real for DUTs on their own timers, virtual over the simulator's clock. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/clock/virtual-clock.ts';
import { createHarnessClock, realTime, virtualTime } from '../hil/clock.ts';

describe('virtual harness time', () => {
  it('sleep moves the clock, firing device timers in order, without waiting on the wall clock', async () => {
    const clock = new VirtualClock(1_000_000);
    const time = virtualTime(clock);
    const fired: number[] = [];
    time.timers.setTimeout(() => fired.push(time.now()), 2_000);
    time.timers.setTimeout(() => fired.push(time.now()), 500);
    const wall0 = performance.now();
    await time.sleep(60 * 60_000);
    expect(performance.now() - wall0).toBeLessThan(1_000);
    expect(fired).toEqual([500, 2_000]);
    expect(time.now()).toBe(60 * 60_000);
  });

  it('wait ends at the instant a device wakes it, else after its timeout', async () => {
    const clock = new VirtualClock(0);
    const time = virtualTime(clock);
    let wake: () => void = () => {};
    time.timers.setTimeout(() => wake(), 1_234);
    await time.wait(5_000, (w) => (wake = w));
    expect(time.now()).toBe(1_234);
    await time.wait(5_000, () => {});
    expect(time.now()).toBe(6_234);
  });

  it('settles after every timer (HAN traffic in flight) before time moves on', async () => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    const time = virtualTime(clock, async () => {
      await Promise.resolve();
      log.push(`settled at ${clock.now()}`);
    });
    time.timers.setTimeout(() => log.push('timer'), 10);
    await time.sleep(20);
    expect(log).toEqual(['settled at 0', 'timer', 'settled at 10']);
  });

  it('the hub clock on virtual time: harness time plus jumps', async () => {
    const clock = new VirtualClock(0);
    const time = virtualTime(clock);
    const hub = createHarnessClock(Date.UTC(2026, 0, 1), time.now);
    await time.sleep(1_000);
    hub.jump(40 * 60_000);
    expect(hub.now()).toBe(Date.UTC(2026, 0, 1) + 1_000 + 40 * 60_000);
  });
});

describe('real harness time', () => {
  it('wait resolves early when woken', async () => {
    const time = realTime();
    const t0 = time.now();
    await time.wait(5_000, (wake) => setTimeout(wake, 10));
    expect(time.now() - t0).toBeLessThan(2_000);
  });
});
