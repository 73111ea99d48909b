import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { createDeviceClock } from '../sim/clock/device-clock.ts';
import { VirtualClock } from '../sim/clock/virtual-clock.ts';

const T0 = Date.UTC(2024, 0, 1);

describe('VirtualClock', () => {
  it('starts at the given epoch and fires timers by due time, then insertion order', async () => {
    const clock = new VirtualClock(T0);
    expect(clock.now()).toBe(T0);
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${clock.now() - T0}`);
    clock.setTimeout(at('c'), 300);
    clock.setTimeout(at('a1'), 100);
    clock.setTimeout(at('b'), 200);
    clock.setTimeout(at('a2'), 100);
    clock.setTimeout(at('z'), 0);
    clock.setTimeout(at('a3'), 100);
    expect(clock.pending).toBe(6);
    await clock.run(T0 + 1000);
    expect(fired).toEqual(['z@0', 'a1@100', 'a2@100', 'a3@100', 'b@200', 'c@300']);
    expect(clock.pending).toBe(0);
  });

  it('clearTimeout cancels; unknown ids are ignored', async () => {
    const clock = new VirtualClock(T0);
    const fired: number[] = [];
    const a = clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => fired.push(2), 20);
    const c = clock.setTimeout(() => fired.push(3), 30);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    clock.clearTimeout(12345);
    clock.clearTimeout(undefined);
    expect(clock.pending).toBe(2);
    clock.setTimeout(() => clock.clearTimeout(c), 25);
    await clock.run(T0 + 100);
    expect(fired).toEqual([2]);
  });

  it('runs a timer scheduled at delay 0 from a callback at the same instant, after the current one', async () => {
    const clock = new VirtualClock(T0);
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push(`first@${clock.now() - T0}`);
      clock.setTimeout(() => fired.push(`zero@${clock.now() - T0}`), 0);
      clock.setTimeout(() => fired.push(`later@${clock.now() - T0}`), 5);
    }, 50);
    clock.setTimeout(() => fired.push(`second@${clock.now() - T0}`), 50);
    await clock.run(T0 + 100);
    expect(fired).toEqual(['first@50', 'second@50', 'zero@50', 'later@55']);
  });

  it('awaits settle after every timer, even one due at the same instant', async () => {
    const clock = new VirtualClock(T0);
    const events: string[] = [];
    clock.setTimeout(() => events.push('t1'), 10);
    clock.setTimeout(() => events.push('t2'), 10);
    clock.setTimeout(() => events.push('t3'), 20);
    let n = 0;
    const settle = async (): Promise<void> => {
      const k = n++;
      events.push(`settle${k}:start`);
      await new Promise((r) => setTimeout(r, 2)); // a real (wall-clock) wait
      // A timer added while settling, at the current instant, still fires before time moves.
      if (k === 1) clock.setTimeout(() => events.push(`from-settle@${clock.now() - T0}`), 0);
      events.push(`settle${k}:end`);
    };
    await clock.run(T0 + 30, settle);
    expect(events).toEqual([
      'settle0:start', // the run settles start-up traffic first
      'settle0:end',
      't1',
      'settle1:start',
      'settle1:end',
      't2',
      'settle2:start',
      'settle2:end',
      'from-settle@10',
      'settle3:start',
      'settle3:end',
      't3',
      'settle4:start',
      'settle4:end',
    ]);
  });

  it('run(until) fires timers due at until, not later ones, and ends at until', async () => {
    const clock = new VirtualClock(T0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 1000);
    clock.setTimeout(() => fired.push(2), 1001);
    const result = await clock.run(T0 + 1000);
    expect(result).toEqual({ fired: 1, stopped: false });
    expect(fired).toEqual([1]);
    expect(clock.now()).toBe(T0 + 1000);
    await clock.run(T0 + 5000);
    expect(fired).toEqual([1, 2]);
    expect(clock.now()).toBe(T0 + 5000);
    // No timers at all: time still moves to until.
    await clock.runFor(60_000);
    expect(clock.now()).toBe(T0 + 65_000);
    await expect(clock.run(T0)).rejects.toThrow(/before now/);
  });

  it('rejects the run with the error a callback throws, keeping later timers', async () => {
    const clock = new VirtualClock(T0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => {
      throw new Error('device bug');
    }, 20);
    clock.setTimeout(() => fired.push(3), 30);
    await expect(clock.run(T0 + 100)).rejects.toThrow('device bug');
    expect(fired).toEqual([1]);
    expect(clock.now()).toBe(T0 + 20);
    expect(clock.pending).toBe(1);
    expect(clock.isRunning).toBe(false);
  });

  it('rejects the run when settle rejects', async () => {
    const clock = new VirtualClock(T0);
    clock.setTimeout(() => {}, 10);
    let calls = 0;
    await expect(
      clock.run(T0 + 100, async () => {
        if (calls++ === 1) throw new Error('frame lost');
      }),
    ).rejects.toThrow('frame lost');
  });

  it('stop() ends the run after the current timer; now stays there', async () => {
    const clock = new VirtualClock(T0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => {
      fired.push(2);
      clock.stop();
    }, 20);
    clock.setTimeout(() => fired.push(3), 20);
    const result = await clock.run(T0 + 100);
    expect(result).toEqual({ fired: 2, stopped: true });
    expect(fired).toEqual([1, 2]);
    expect(clock.now()).toBe(T0 + 20);
    expect(clock.pending).toBe(1);
  });

  it('refuses a second concurrent run', async () => {
    const clock = new VirtualClock(T0);
    clock.setTimeout(() => {}, 10);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = clock.run(T0 + 100, () => gate);
    await expect(clock.run(T0 + 100)).rejects.toThrow(/already in progress/);
    release();
    await first;
  });

  it('calls onAdvance for every interval of constant state, after it settled', async () => {
    const intervals: Array<[number, number]> = [];
    const clock = new VirtualClock(T0, { onAdvance: (from, to) => void intervals.push([from - T0, to - T0]) });
    clock.setTimeout(() => {}, 100);
    clock.setTimeout(() => {}, 100);
    clock.setTimeout(() => {}, 250);
    await clock.run(T0 + 1000);
    expect(intervals).toEqual([
      [0, 100],
      [100, 250],
      [250, 1000],
    ]);
  });

  it('keeps order over many timers with cancellations (binary heap)', async () => {
    const clock = new VirtualClock(T0);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const expected: Array<{ due: number; seq: number }> = [];
    const fired: number[] = [];
    const ids: number[] = [];
    for (let seq = 0; seq < 20_000; seq++) {
      const delay = rand(5000);
      ids.push(clock.setTimeout(() => fired.push(seq), delay));
      expected.push({ due: delay, seq });
    }
    const cancelled = new Set<number>();
    for (let i = 0; i < 12_000; i++) {
      const seq = rand(20_000);
      cancelled.add(seq);
      clock.clearTimeout(ids[seq]);
    }
    expect(clock.pending).toBe(20_000 - cancelled.size);
    await clock.run(T0 + 5000);
    const order = expected
      .filter((e) => !cancelled.has(e.seq))
      .sort((a, b) => a.due - b.due || a.seq - b.seq)
      .map((e) => e.seq);
    expect(fired).toEqual(order);
  });

  it('forDevice: ties between devices go by rank, not by who scheduled first', async () => {
    const order = async (bFirst: boolean): Promise<string[]> => {
      const clock = new VirtualClock(T0);
      const a = clock.forDevice(1);
      const b = clock.forDevice(2);
      const fired: string[] = [];
      clock.setTimeout(() => {
        // Two devices' handlers in the same settle, in either (broker-dependent) order.
        const schedA = () => a.setTimeout(() => fired.push(`a@${a.now() - T0}`), 100);
        const schedB = () => b.setTimeout(() => fired.push(`b@${b.now() - T0}`), 100);
        if (bFirst) {
          schedB();
          schedA();
        } else {
          schedA();
          schedB();
        }
      }, 0);
      // Scheduled earlier (previous epoch) for the same instant: fires first whatever its rank.
      b.setTimeout(() => fired.push('b-early'), 100);
      await clock.run(T0 + 1000);
      return fired;
    };
    expect(await order(false)).toEqual(['b-early', 'a@100', 'b@100']);
    expect(await order(true)).toEqual(['b-early', 'a@100', 'b@100']);
    const clock = new VirtualClock(T0);
    const id = clock.forDevice(3).setTimeout(() => {}, 5);
    clock.clearTimeout(id);
    expect(clock.pending).toBe(0);
    expect(() => clock.forDevice(-1)).toThrow(RangeError);
  });

  it('drives XState delayed transitions as its clock', async () => {
    const clock = new VirtualClock(T0);
    const machine = createMachine({
      initial: 'asleep',
      states: {
        asleep: { after: { 1_800_000: 'awake' } },
        awake: { after: { 10_000: 'asleep' } },
      },
    });
    const seen: string[] = [];
    const actor = createActor(machine, { clock });
    actor.subscribe((s) => seen.push(`${String(s.value)}@${(clock.now() - T0) / 1000}`));
    actor.start();
    await clock.run(T0 + 3_700_000);
    actor.stop();
    expect(seen).toEqual(['asleep@0', 'awake@1800', 'asleep@1810', 'awake@3610', 'asleep@3620']);
  });
});

describe('createDeviceClock', () => {
  it('applies offset and drift against virtual time', async () => {
    const virtual = new VirtualClock(T0);
    const exact = createDeviceClock(virtual);
    const slow = createDeviceClock(virtual, { offsetMs: -90_000, driftPpm: -100 });
    expect(exact.now()).toBe(T0);
    expect(slow.now()).toBe(T0 - 90_000);
    await virtual.run(T0 + 86_400_000);
    expect(exact.now()).toBe(T0 + 86_400_000);
    // 100 ppm slow over one day: 8.64 s behind, on top of the offset.
    expect(slow.now()).toBe(T0 + 86_400_000 - 90_000 - 8640);
    expect(slow.errorMs()).toBe(-98_640);
  });

  it('measures drift from its creation time', async () => {
    const virtual = new VirtualClock(T0);
    await virtual.run(T0 + 1_000_000);
    const fast = createDeviceClock(virtual, { driftPpm: 1000 });
    expect(fast.now()).toBe(T0 + 1_000_000);
    await virtual.runFor(1_000_000);
    expect(fast.errorMs()).toBe(1000);
  });

  it('steps (clock fault) at a given virtual time, lazily and in order', async () => {
    const virtual = new VirtualClock(T0);
    const clock = createDeviceClock(virtual);
    clock.jumpAt(T0 + 2000, 3_600_000);
    clock.jumpAt(T0 + 1000, -500);
    expect(clock.now()).toBe(T0);
    await virtual.run(T0 + 1000);
    expect(clock.now()).toBe(T0 + 1000 - 500);
    await virtual.run(T0 + 2000);
    expect(clock.now()).toBe(T0 + 2000 - 500 + 3_600_000);
    clock.jump(-3_600_000);
    expect(clock.errorMs()).toBe(-500);
    // A reset to a fixed date after a power cut; it keeps running from there.
    const y2k = Date.UTC(2000, 0, 1);
    clock.setAt(T0 + 5000, y2k);
    await virtual.run(T0 + 4999);
    expect(clock.now()).toBe(T0 + 4499);
    await virtual.run(T0 + 6000);
    expect(clock.now()).toBe(y2k + 1000);
    expect(() => clock.jumpAt(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('device clock drift changes', () => {
  it('integrates a drift that changes part-way (clock fault)', async () => {
    const v = new VirtualClock(1_000_000);
    const c = createDeviceClock(v, { driftPpm: 100 });
    c.driftAt(1_000_000 + 3_600_000, 1000);
    v.setTimeout(() => {}, 7_200_000);
    await v.run(1_000_000 + 7_200_000);
    // 1 h at 100 ppm (360 ms) + 1 h at 1000 ppm (3600 ms)
    expect(c.errorMs()).toBe(3960);
  });
});
