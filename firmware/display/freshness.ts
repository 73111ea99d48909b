/**
 * How old is the balance on screen? Spec section 2 (PPMID/IHD freshness, a hanlab decision):
 * pure functions of what a display can observe on the HAN, so they are unit-tested on their own
 * and run unchanged on a board.
 *
 * `T` = expected GSME update interval, `g` = grace:
 * - fresh   age ≤ T + g
 * - late    T + g < age ≤ 2T + g (one update missed)
 * - stale   age > 2T + g
 * - unknown no usable GSME time (0x0007 UNSUPPORTED_ATTRIBUTE, 0xFFFFFFFF, or a legacy PPMID
 *           that never reads it): fall back to the time the display last saw the values change
 * - clockProblem  the GSME's clock is off: a snapshot time ahead of the display's clock by more
 *           than `clockProblemTolerance`, or one that arrived (the display saw the value change
 *           between two reads) further than that from the display's clock at its arrival, ahead
 *           or behind (`gsmeSkewMs`, measured by the PPMID); or the display's own clock is not
 *           synchronised (no usable Time from the GPF, or a TimeStatus neither master nor
 *           synchronised). The time shown is then when the display saw the snapshot arrive (its
 *           clock follows the GPF's Time cluster), and the age class comes from that receive
 *           time: a clock problem with a snapshot that stops arriving still turns stale.
 * - noData  no balance to show; hanLost  the GPF does not answer.
 */

export type Freshness = 'fresh' | 'late' | 'stale' | 'unknown' | 'clockProblem' | 'hanLost' | 'noData';

/** Freshness of a known, trusted snapshot time, by age alone. */
export type AgeClass = 'fresh' | 'late' | 'stale';

/** fresh < late < stale: the order `classifyAge` is monotone in. */
export const AGE_CLASS_RANK: Readonly<Record<AgeClass, number>> = { fresh: 0, late: 1, stale: 2 };

export interface FreshnessConfig {
  /** T: the GSME's wake interval as the display expects it. */
  expectedUpdateIntervalMs: number;
  /** g: slack for wake jitter, retries and the display's own poll interval. */
  graceMs: number;
  /**
   * A snapshot time further than this ahead of the display's clock, or further than this from
   * the display's clock when it arrived (ahead or behind), is a clock problem.
   */
  clockProblemToleranceMs: number;
  /**
   * Build flag: false gives a display without stale detection (no late/stale classes, no
   * no-change warning: "Updated HH:MM" whatever the age), so the HIL harness can show it
   * catches one.
   */
  staleDetection: boolean;
  /** Use the time the values were last seen to change when the GSME time is unknown. */
  changeTimeFallback: boolean;
}

export const DEFAULT_FRESHNESS_CONFIG: Readonly<FreshnessConfig> = {
  expectedUpdateIntervalMs: 30 * 60_000,
  graceMs: 5 * 60_000,
  clockProblemToleranceMs: 5 * 60_000,
  staleDetection: true,
  changeTimeFallback: true,
};

type Thresholds = Pick<FreshnessConfig, 'expectedUpdateIntervalMs' | 'graceMs'>;

/** T + g: older than this is late. */
export function lateAfterMs(c: Thresholds): number {
  return c.expectedUpdateIntervalMs + c.graceMs;
}

/** 2T + g: older than this is stale. */
export function staleAfterMs(c: Thresholds): number {
  return 2 * c.expectedUpdateIntervalMs + c.graceMs;
}

/** Age class of a snapshot; a negative age (a little in the future) is fresh. */
export function classifyAge(ageMs: number, c: Thresholds): AgeClass {
  if (ageMs > staleAfterMs(c)) return 'stale';
  if (ageMs > lateAfterMs(c)) return 'late';
  return 'fresh';
}

/** What the display knows when it decides. All times are the display's clock (Unix ms). */
export interface FreshnessInput {
  /** The display's now: hardware clock + the offset learnt from the GPF's Time cluster. */
  nowMs: number;
  /** False until a usable Time was read, or when the GPF's TimeStatus is untrusted. */
  clockSynced: boolean;
  /** The GSME's ReadingSnapshotTime for the shown values; null when there is none. */
  snapshotMs: number | null;
  /** When the display last saw the values change, and how long ago; null if never seen. */
  lastChangeSeenMs: number | null;
  sinceChangeSeenMs: number | null;
  /** How long the display has been watching the values (since its first reading); null before. */
  observedForMs: number | null;
  /**
   * When the display saw the current snapshot time arrive (its clock at the first read of that
   * value), and how long ago (by its hardware clock); null/absent when not known.
   */
  receivedMs?: number | null;
  sinceReceivedMs?: number | null;
  /**
   * The GSME's clock minus the display's at the last snapshot arrival the display could time
   * (snapshot time outside the window between two reads); 0 when it arrived within the window,
   * null/absent when never judged.
   */
  gsmeSkewMs?: number | null;
  /** A credit balance is shown. */
  hasBalance: boolean;
  /** The GPF has not answered for `hanLostAfter` polls. */
  hanLost: boolean;
  /**
   * The values are expected to move (gas or standing charge being paid for), so "no change
   * seen" means "no update". hanlab: expected unless the supply is known to be off or armed.
   */
  consumptionExpected: boolean;
}

export interface FreshnessAssessment {
  freshness: Freshness;
  /**
   * The time shown as the time of the reading, and where it came from: the GSME's snapshot time,
   * the change-time estimate, or (clock problem) when the display saw the snapshot arrive.
   */
  shown: { atMs: number; source: 'gsme' | 'changeEstimate' | 'received' } | null;
  /** nowMs − shown.atMs (for a change estimate or a receive time: the time since, by the hardware clock). */
  ageMs: number | null;
  /** Age class of the shown time when it is usable (a GSME time with the clocks fine, or a receive time). */
  ageClass: AgeClass | null;
  /** No usable GSME time (legacy PPMID, legacy GPF 0x86, legacy GSME 0xFFFFFFFF). */
  timeUnknown: boolean;
  /** ahead / behind: the GSME's clock; unsynced: the display's own. */
  clockProblem: 'ahead' | 'behind' | 'unsynced' | null;
  /** Show the stale warning (the shown time is usable and older than 2T + g). */
  stale: boolean;
  /** Show the "no change seen for > 2T + g" warning (no usable GSME or receive time). */
  noChangeSeen: boolean;
  /** How long no change has been seen (since the last change, else since the first reading). */
  noChangeForMs: number | null;
}

export function assessFreshness(input: FreshnessInput, c: FreshnessConfig): FreshnessAssessment {
  const snap = input.snapshotMs;
  const timeUnknown = snap === null;
  const tol = c.clockProblemToleranceMs;
  const skew = input.gsmeSkewMs ?? 0;
  const clockProblem: FreshnessAssessment['clockProblem'] = !input.clockSynced
    ? 'unsynced'
    : snap === null
      ? null
      : snap - input.nowMs > tol || skew > tol
        ? 'ahead'
        : skew < -tol
          ? 'behind'
          : null;

  let shown: FreshnessAssessment['shown'] = null;
  let ageMs: number | null = null;
  let ageClass: AgeClass | null = null;
  const received = input.receivedMs ?? null;
  const sinceReceived = input.sinceReceivedMs ?? null;
  if (snap !== null) {
    // With the clocks apart, the snapshot time says nothing about the age: the receive time does.
    const byReceipt = clockProblem !== null && received !== null && sinceReceived !== null;
    shown = byReceipt ? { atMs: received, source: 'received' } : { atMs: snap, source: 'gsme' };
    ageMs = byReceipt ? sinceReceived : input.nowMs - snap;
    if (clockProblem === null || byReceipt) ageClass = c.staleDetection ? classifyAge(ageMs, c) : 'fresh';
  } else if (c.changeTimeFallback && input.lastChangeSeenMs !== null) {
    shown = { atMs: input.lastChangeSeenMs, source: 'changeEstimate' };
    ageMs = input.sinceChangeSeenMs;
  }

  // The change-time watch covers every case where neither the GSME time nor a receive time can be used.
  const noChangeForMs = input.sinceChangeSeenMs ?? input.observedForMs;
  const noChangeSeen =
    (timeUnknown || (clockProblem !== null && ageClass === null)) &&
    c.staleDetection &&
    c.changeTimeFallback &&
    input.consumptionExpected &&
    noChangeForMs !== null &&
    noChangeForMs > staleAfterMs(c);

  const freshness: Freshness = input.hanLost
    ? 'hanLost'
    : !input.hasBalance
      ? 'noData'
      : clockProblem !== null
        ? ageClass === 'stale'
          ? 'stale'
          : 'clockProblem'
        : timeUnknown
          ? 'unknown'
          : (ageClass ?? 'fresh');

  return { freshness, shown, ageMs, ageClass, timeUnknown, clockProblem, stale: ageClass === 'stale', noChangeSeen, noChangeForMs };
}
