/**
 * Counts HAN frames (and any other work) in flight between simulated devices, so the virtual
 * clock only moves on once everything sent at the current instant has been delivered and handled
 * (`VirtualClock.run(until, () => inFlight.whenIdle())`).
 *
 * Each unit carries a short description (for HAN frames: the topic); the watchdog error lists
 * what is still outstanding, so a frame lost on the way (a device not subscribed, a broker ACL
 * refusal, a broker restart) fails the run with a clear message instead of hanging it.
 */

export class InFlightTimeoutError extends Error {
  override readonly name = 'InFlightTimeoutError';
  constructor(
    readonly timeoutMs: number,
    /** Description → count of what was still outstanding. */
    readonly outstanding: ReadonlyMap<string, number>,
  ) {
    super(
      `HAN traffic not idle after ${timeoutMs} ms (wall clock): ${InFlight.describe(outstanding)} still in flight ` +
        '(a frame was lost: recipient not connected/subscribed, refused by the broker ACL, or the broker went away)',
    );
  }
}

export interface InFlightOptions {
  /** Default watchdog for `whenIdle`, wall-clock ms. Default 5000. */
  timeoutMs?: number;
  /** How many distinct descriptions the watchdog error lists. Default 10. */
  maxListed?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timeoutMs: number;
  /** performance.now() past which it is rejected (Infinity: never). */
  deadline: number;
}

const UNDESCRIBED = '(undescribed)';

export class InFlight {
  private count = 0;
  private readonly items = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private failure: Error | undefined;
  private readonly abandoned = new Map<string, number>();
  /**
   * One watchdog timer for all waiters, due at the earliest deadline, left running when they are
   * settled (unref'd then, so it never keeps a process alive): a run settles thousands of times a
   * simulated day, and a timer set and cleared per settle was a measurable part of its time.
   */
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private watchdogDue = Infinity;
  readonly timeoutMs: number;
  private readonly maxListed: number;

  constructor(options: InFlightOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxListed = options.maxListed ?? 10;
  }

  /** Units outstanding. */
  get size(): number {
    return this.count;
  }

  get idle(): boolean {
    return this.count === 0;
  }

  /** Description → count, a snapshot. */
  outstanding(): Map<string, number> {
    return new Map(this.items);
  }

  /** `n` units of work started, each described by `what` (e.g. the topic). */
  add(n = 1, what: string = UNDESCRIBED): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`InFlight.add: n must be a positive integer, got ${n}`);
    this.count += n;
    this.items.set(what, (this.items.get(what) ?? 0) + n);
  }

  /**
   * One unit finished. `what` should match the description given to `add`; an unknown
   * description takes one from the oldest description outstanding (so matching is best-effort
   * and never blocks). A `done()` with nothing outstanding is a bookkeeping bug: it throws.
   */
  done(what: string = UNDESCRIBED): void {
    // A unit given up for lost (abandon) that turns up after all: already accounted for.
    const late = this.abandoned.get(what);
    if (late !== undefined && (this.count === 0 || !this.items.has(what))) {
      if (late <= 1) this.abandoned.delete(what);
      else this.abandoned.set(what, late - 1);
      return;
    }
    if (this.count === 0) {
      throw new Error(`InFlight.done(${JSON.stringify(what)}) with nothing in flight (a done() without its add())`);
    }
    this.count--;
    let key = what;
    let n = this.items.get(key);
    if (n === undefined) {
      const first = this.items.keys().next();
      key = first.done ? what : first.value;
      n = this.items.get(key);
    }
    if (n !== undefined) {
      if (n <= 1) this.items.delete(key);
      else this.items.set(key, n - 1);
    }
    if (this.count === 0) this.wake();
  }

  /** Counts a promise as one unit until it settles (its rejection goes to `fail`). */
  track<T>(promise: PromiseLike<T>, what?: string): void {
    this.add(1, what);
    Promise.resolve(promise).then(
      () => this.done(what),
      (err: unknown) => {
        this.fail(err); // before done(): a waiter must see the failure, not idleness
        this.done(what);
      },
    );
  }

  /**
   * Records an error that happened while handling in-flight work (a frame handler threw): the
   * pending and every later `whenIdle` reject with it, so the run fails instead of carrying on.
   * The first failure sticks until `reset()`.
   */
  fail(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.failure === undefined) this.failure = error;
    for (const w of [...this.waiters]) this.settleWaiter(w, error);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Gives up on everything outstanding as lost (a broker node died with frames on it): the
   * count is zero again, and a unit that turns up later after all is taken as one of these.
   * Returns what was outstanding.
   */
  abandon(): Map<string, number> {
    const gone = new Map(this.items);
    for (const [k, n] of gone) this.abandoned.set(k, (this.abandoned.get(k) ?? 0) + n);
    this.items.clear();
    this.count = 0;
    this.wake();
    return gone;
  }

  /** Forgets counts, descriptions and a recorded failure; pending waiters are rejected. */
  reset(): void {
    const pending = [...this.waiters];
    this.count = 0;
    this.items.clear();
    this.abandoned.clear();
    this.failure = undefined;
    for (const w of pending) this.settleWaiter(w, new Error('InFlight.reset() while waiting for idle'));
  }

  /**
   * Resolves when nothing is in flight (at once when already idle). Rejects with an
   * `InFlightTimeoutError` naming what is outstanding if not idle within `timeoutMs` of wall
   * time, or with the recorded failure (see `fail`).
   */
  whenIdle(timeoutMs: number = this.timeoutMs): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.count === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const deadline = Number.isFinite(timeoutMs) ? performance.now() + timeoutMs : Infinity;
      this.waiters.add({ resolve, reject, timeoutMs, deadline });
      if (deadline < this.watchdogDue) this.armWatchdog(deadline);
      else if (deadline < Infinity) this.watchdog?.ref();
    });
  }

  private armWatchdog(due: number): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdogDue = due;
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(0, due - performance.now()));
  }

  private onWatchdog(): void {
    this.watchdog = undefined;
    this.watchdogDue = Infinity;
    // A timer may fire a fraction of a millisecond before performance.now() says it is due.
    const now = performance.now() + 1;
    let next = Infinity;
    for (const w of [...this.waiters]) {
      if (w.deadline <= now) this.settleWaiter(w, new InFlightTimeoutError(w.timeoutMs, this.outstanding()));
      else if (w.deadline < next) next = w.deadline;
    }
    if (next < Infinity) this.armWatchdog(next);
  }

  /** "han/P/B/A/0702 ×2, han/P/A/B/000A" (at most `maxListed` entries). */
  static describe(items: ReadonlyMap<string, number>, maxListed = 10): string {
    const parts: string[] = [];
    for (const [what, n] of items) {
      if (parts.length === maxListed) {
        parts.push(`… and ${items.size - maxListed} more`);
        break;
      }
      parts.push(n > 1 ? `${what} ×${n}` : what);
    }
    return parts.length > 0 ? parts.join(', ') : 'nothing';
  }

  toString(): string {
    return `InFlight(${this.count}: ${InFlight.describe(this.items, this.maxListed)})`;
  }

  private wake(): void {
    for (const w of [...this.waiters]) this.settleWaiter(w);
  }

  private settleWaiter(w: Waiter, error?: Error): void {
    if (!this.waiters.delete(w)) return;
    if (this.waiters.size === 0) this.watchdog?.unref();
    if (error === undefined) w.resolve();
    else w.reject(error);
  }
}
