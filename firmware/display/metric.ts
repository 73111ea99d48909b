import type { ScreenModel, WarningCode } from './screen-model.ts';

/**
 * The warnings that tell the customer "this balance may be old" (spec section 6's "stale /
 * unknown warning"): `stale`, `noChangeSeen` and `hanLost`.
 *
 * hanlab decision: the permanent "time of reading unknown" caption (`timeUnknown`) that every
 * screen against a legacy GPF or GSME carries is *not* such a warning: a customer learns to
 * ignore a line that is always there, so counting it would make a legacy installation look
 * perfect. Its change-time warning (`noChangeSeen`) is. `clockProblem` says the time may be
 * wrong, not that the balance is old; `supplyMayBeOff` only ever appears with one of the three.
 */
export const DATA_MAY_BE_OLD_WARNINGS: readonly WarningCode[] = ['stale', 'noChangeSeen', 'hanLost'] as const;

export function warnsDataMayBeOld(s: ScreenModel): boolean {
  return s.warnings.some((w) => DATA_MAY_BE_OLD_WARNINGS.includes(w.code));
}

export type MinuteClass = 'misleading' | 'falseAlarm' | 'ok';

export const DEFAULT_TOLERANCE_POUNDS = 0.5;

/**
 * One simulated minute of the core metric (spec section 6):
 * - misleading: the credit shown differs from the GSME's true credit by more than the tolerance
 *   and no data-may-be-old warning is on screen;
 * - falseAlarm: such a warning is on screen while the credit shown is within the tolerance;
 * - ok otherwise. A screen that shows no credit at all cannot mislead about it: ok.
 */
export function classifyMinute(screen: ScreenModel, trueCreditPounds: number, tolerancePounds = DEFAULT_TOLERANCE_POUNDS): MinuteClass {
  if (screen.credit === null) return 'ok';
  const off = Math.abs(screen.credit - trueCreditPounds) > tolerancePounds;
  const warned = warnsDataMayBeOld(screen);
  if (off && !warned) return 'misleading';
  if (!off && warned) return 'falseAlarm';
  return 'ok';
}
