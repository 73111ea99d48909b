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
 * - clockProblem  the snapshot time is ahead of the display's clock by more than
 *           `futureTolerance`, or the display's own clock is not synchronised (it has no usable
 *           Time from the GPF, or the GPF's TimeStatus is neither master nor synchronised). A
 *           GSME whose clock is merely unreliable is not observable on the HAN (0x0007 is a bare
 *           UTCTime), so it shows up only when its time lands in the future.
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
  /** A snapshot time further ahead of the display's clock than this is a clock problem. */
  futureToleranceMs: number;
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
  futureToleranceMs: 2 * 60_000,
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
  /** The time shown as the time of the reading, and where it came from. */
  shown: { atMs: number; source: 'gsme' | 'changeEstimate' } | null;
  /** nowMs − shown.atMs (for a change estimate: the time since the change was seen). */
  ageMs: number | null;
  /** Age class of the GSME snapshot time when it is usable (known, clock fine). */
  ageClass: AgeClass | null;
  /** No usable GSME time (legacy PPMID, legacy GPF 0x86, legacy GSME 0xFFFFFFFF). */
  timeUnknown: boolean;
  clockProblem: 'future' | 'unsynced' | null;
  /** Show the stale warning (the GSME time is usable and older than 2T + g). */
  stale: boolean;
  /** Show the "no change seen for > 2T + g" warning (the GSME time is not usable). */
  noChangeSeen: boolean;
  /** How long no change has been seen (since the last change, else since the first reading). */
  noChangeForMs: number | null;
}

export function assessFreshness(input: FreshnessInput, c: FreshnessConfig): FreshnessAssessment {
  const timeUnknown = input.snapshotMs === null;
  const clockProblem: FreshnessAssessment['clockProblem'] = !input.clockSynced
    ? 'unsynced'
    : input.snapshotMs !== null && input.snapshotMs - input.nowMs > c.futureToleranceMs
      ? 'future'
      : null;

  let shown: FreshnessAssessment['shown'] = null;
  let ageMs: number | null = null;
  let ageClass: AgeClass | null = null;
  if (input.snapshotMs !== null) {
    shown = { atMs: input.snapshotMs, source: 'gsme' };
    ageMs = input.nowMs - input.snapshotMs;
    if (clockProblem === null) ageClass = c.staleDetection ? classifyAge(ageMs, c) : 'fresh';
  } else if (c.changeTimeFallback && input.lastChangeSeenMs !== null) {
    shown = { atMs: input.lastChangeSeenMs, source: 'changeEstimate' };
    ageMs = input.sinceChangeSeenMs;
  }

  // The change-time watch covers every case where the GSME time cannot be trusted.
  const noChangeForMs = input.sinceChangeSeenMs ?? input.observedForMs;
  const noChangeSeen =
    (timeUnknown || clockProblem !== null) &&
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
        ? 'clockProblem'
        : timeUnknown
          ? 'unknown'
          : (ageClass ?? 'fresh');

  return { freshness, shown, ageMs, ageClass, timeUnknown, clockProblem, stale: ageClass === 'stale', noChangeSeen, noChangeForMs };
}
