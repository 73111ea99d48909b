/**
 * Virtual time for the simulator: an XState-compatible `Clock` (`setTimeout` / `clearTimeout`)
 * whose time only moves when `run()` moves it.
 *
 * Ordering: timers fire by (due time, insertion order). A timer scheduled from inside a callback
 * (or from a HAN frame handler while the run settles) with delay 0 fires at the same virtual
 * instant, after everything already due at that instant.
 *
 * Ties between devices: while a run settles, two devices' frame handlers run in an order that
 * depends on the broker (A's handler may run before or after B's). Timers those handlers create
 * with the same due time would then fire in a broker-dependent order. Each device therefore
 * schedules through its own view, `forDevice(rank)`, and the exact order is
 * (due, epoch, rank, insertion), where epoch = number of timer callbacks started when the timer
 * was created. Within one device (or through the shared clock, rank 0) this is plain insertion
 * order; across devices it no longer depends on delivery timing. (What stays the caller's
 * business: the order in which frames of one settle reach their devices; the simulator hands
 * them over in send order, sim/run/delivery-order.ts.)
 *
 * Lockstep: after every timer callback `run()` awaits `settle()` before it takes the next timer,
 * even one due at the same instant. The simulator passes a settle that waits until every HAN
 * frame in flight has been delivered and handled (`InFlight.whenIdle`), so the virtual timeline
 * does not depend on broker or network speed.
 *
 * Sampling: `onAdvance(fromMs, toMs)` is called (and awaited when it returns a promise) each time
 * virtual time is about to move forward, after the previous instant has settled: the world state
 * seen from the hook holds for the whole interval [fromMs, toMs). Metrics such as "misleading
 * display minutes" can be integrated from it exactly without scheduling per-minute timers (a
 * simulator that prefers fixed samples can still schedule its own minute timers).
 */
import type { TimerClock } from '../../firmware/platform/clock.ts';

export type TimerId = number;

interface TimerEntry {
  id: TimerId;
  due: number;
  epoch: number;
  rank: number;
  seq: number;
  fn: (...args: unknown[]) => void;
  cancelled: boolean;
}

export type AdvanceHook = (fromMs: number, toMs: number) => void | Promise<void>;

export interface RunResult {
  /** Timer callbacks fired during this run. */
  fired: number;
  /** True when `stop()` ended the run before `untilMs`. */
  stopped: boolean;
}

export interface VirtualClockOptions {
  onAdvance?: AdvanceHook;
}

/** `a` fires before `b`. */
function before(a: TimerEntry, b: TimerEntry): boolean {
  if (a.due !== b.due) return a.due < b.due;
  if (a.epoch !== b.epoch) return a.epoch < b.epoch;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.seq < b.seq;
}

/** One device's timers on the shared virtual clock (see the module comment). */
export interface DeviceTimers extends TimerClock {
  readonly rank: number;
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId;
  clearTimeout(id: unknown): void;
}

/** Minimal binary min-heap of timer entries, ordered by (due, seq). */
class TimerHeap {
  private readonly items: TimerEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): TimerEntry | undefined {
    return this.items[0];
  }

  push(entry: TimerEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!before(entry, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): TimerEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(items[r]!, items[l]!)) c = r;
      if (!before(items[c]!, last)) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = last;
    return top;
  }

  /** Drops cancelled entries (used when they pile up) and rebuilds the heap. */
  compact(): void {
    const live = this.items.filter((e) => !e.cancelled);
    this.items.length = 0;
    for (const e of live) this.push(e);
  }
}

export interface RunOptions {
  /**
   * Independent groups of timer ranks (rank → group). When given, one timer of each group due at
   * the same instant fires before a single settle, instead of one settle per timer.
   */
  group?(rank: number): number;
}

export class VirtualClock implements TimerClock {
  private current: number;
  private readonly heap = new TimerHeap();
  private readonly live = new Map<TimerId, TimerEntry>();
  private nextId = 1;
  private nextSeq = 0;
  /** Timer callbacks fired so far (the tie-break epoch). */
  private epoch = 0;
  private running = false;
  private stopRequested = false;
  /** See the module comment. May be set or replaced at any time. */
  onAdvance: AdvanceHook | undefined;

  constructor(startMs: number, options: VirtualClockOptions = {}) {
    if (!Number.isFinite(startMs)) throw new RangeError(`VirtualClock: start time must be finite, got ${startMs}`);
    this.current = startMs;
    this.onAdvance = options.onAdvance;
  }

  /** Virtual time, ms since the Unix epoch. */
  now(): number {
    return this.current;
  }

  /** Timers scheduled and neither fired nor cleared. */
  get pending(): number {
    return this.live.size;
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextDue(): number | undefined {
    this.skipCancelled();
    return this.heap.peek()?.due;
  }

  get isRunning(): boolean {
    return this.running;
  }

  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId {
    return this.schedule(fn, ms, 0);
  }

  /**
   * A view of this clock for one device: same time, same timer ids (either `clearTimeout`
   * works), timers tie-broken by `rank` (a small non-negative integer unique per device, e.g. its
   * index in the scenario) instead of by delivery timing.
   */
  forDevice(rank: number): DeviceTimers {
    if (!Number.isInteger(rank) || rank < 0) throw new RangeError(`VirtualClock.forDevice: rank must be a non-negative integer, got ${rank}`);
    return {
      rank,
      now: () => this.current,
      setTimeout: (fn, ms) => this.schedule(fn, ms, rank),
      clearTimeout: (id) => this.clearTimeout(id),
    };
  }

  private schedule(fn: (...args: unknown[]) => void, ms: number, rank: number): TimerId {
    if (typeof fn !== 'function') throw new TypeError('VirtualClock.setTimeout: callback is not a function');
    // Like the platform timers: a missing, negative or NaN delay means "as soon as possible".
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const entry: TimerEntry = {
      id: this.nextId++,
      due: this.current + delay,
      epoch: this.epoch,
      rank,
      seq: this.nextSeq++,
      fn,
      cancelled: false,
    };
    this.heap.push(entry);
    this.live.set(entry.id, entry);
    return entry.id;
  }

  clearTimeout(id: unknown): void {
    if (typeof id !== 'number') return;
    const entry = this.live.get(id);
    if (entry === undefined) return;
    entry.cancelled = true;
    this.live.delete(id);
    // Lazy deletion; rebuild when cancelled entries dominate (response timeouts that are
    // cleared on every answer would otherwise accumulate over a 30-day run).
    if (this.heap.size > 1024 && this.heap.size > 2 * this.live.size) this.heap.compact();
  }

  /** Ends the current run after the callback (and its settle) in progress. */
  stop(): void {
    if (this.running) this.stopRequested = true;
  }

  /**
   * Fires, in order, every timer due at or before `untilMs`, awaiting `settle()` after each one,
   * then sets now = untilMs (unless stopped early: now then stays at the last fired timer).
   * A callback that throws, a settle or an onAdvance hook that rejects, rejects the run with that
   * error; now stays at the failing timer's time and later timers stay pending.
   */
  async run(untilMs: number, settle: () => Promise<void> = async () => {}, options: RunOptions = {}): Promise<RunResult> {
    if (this.running) throw new Error('VirtualClock.run: a run is already in progress');
    if (Number.isNaN(untilMs)) throw new RangeError('VirtualClock.run: untilMs is NaN');
    if (untilMs < this.current) {
      throw new RangeError(`VirtualClock.run: untilMs ${untilMs} is before now ${this.current}`);
    }
    this.running = true;
    this.stopRequested = false;
    let fired = 0;
    try {
      // Whatever happened before the run (device start-up sends) settles first.
      await settle();
      for (;;) {
        if (this.stopRequested) return { fired, stopped: true };
        this.skipCancelled();
        const next = this.heap.peek();
        if (next === undefined || next.due > untilMs) break;
        if (next.due > this.current) {
          if (this.onAdvance !== undefined) await this.advanceTo(next.due);
          else this.current = next.due;
        }
        // The hook may have cleared or added timers: look again.
        this.skipCancelled();
        const entry = this.heap.peek();
        if (entry === undefined || entry.due > this.current) continue;
        const batch = this.takeBatch(options.group);
        for (const e of batch) {
          fired++;
          this.epoch++;
          e.fn();
        }
        await settle();
      }
      if (untilMs > this.current) await this.advanceTo(untilMs);
      return { fired, stopped: false };
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
  }

  /**
   * The timers to fire before the next settle: the earliest one alone, or with `group`, the
   * earliest timer of every group due now (groups are independent worlds, e.g. the homes of a
   * comparison run, so their cascades may overlap; two timers of one group never do).
   */
  private takeBatch(group: ((rank: number) => number) | undefined): TimerEntry[] {
    const first = this.heap.pop()!;
    this.live.delete(first.id);
    if (!group) return [first];
    const batch = [first];
    const taken = new Set([group(first.rank)]);
    const later: TimerEntry[] = [];
    for (;;) {
      this.skipCancelled();
      const next = this.heap.peek();
      if (next === undefined || next.due !== this.current) break;
      this.heap.pop();
      const g = group(next.rank);
      if (taken.has(g)) {
        later.push(next);
        continue;
      }
      taken.add(g);
      this.live.delete(next.id);
      batch.push(next);
    }
    for (const e of later) this.heap.push(e);
    return batch;
  }

  /** `run(now + durationMs, settle)`. */
  runFor(durationMs: number, settle?: () => Promise<void>): Promise<RunResult> {
    return this.run(this.current + durationMs, settle);
  }

  private async advanceTo(toMs: number): Promise<void> {
    const from = this.current;
    const hook = this.onAdvance;
    if (hook !== undefined) await hook(from, toMs);
    this.current = toMs;
  }

  private skipCancelled(): void {
    while (this.heap.peek()?.cancelled) this.heap.pop();
  }
}
