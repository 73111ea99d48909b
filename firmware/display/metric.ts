import type { ScreenModel, WarningCode } from './screen-model.ts';

/**
 * The warnings that tell the customer "this balance may be old" (spec section 6): `stale`,
 * `noChangeSeen` and `hanLost`.
 *
 * hanlab decision: the permanent "time of reading unknown" caption (`timeUnknown`) that every
 * screen against a legacy GPF or GSME carries is *not* such a warning: a customer learns to
 * ignore a line that is always there, so counting it would make a legacy installation look
 * perfect. Its change-time warning (`noChangeSeen`) is. `clockProblem` says the time may be
 * wrong, not that the balance is old.
 */
export const DATA_MAY_BE_OLD_WARNINGS: readonly WarningCode[] = ['stale', 'noChangeSeen', 'hanLost'];

/**
 * Warnings that tell the customer the gas may be, or is, off, or that the meter runs on emergency
 * credit. "Credit used up" says the meter has no money left: on a prepayment meter, the gas is off.
 */
const SUPPLY_WARNINGS: readonly WarningCode[] = ['supplyMayBeOff', 'supplyOff', 'ecInUse', 'creditUsedUp'];

export function warnsDataMayBeOld(s: ScreenModel): boolean {
  return s.warnings.some((w) => DATA_MAY_BE_OLD_WARNINGS.includes(w.code));
}

/** The warnings a false alarm is made of: "may be old" and "supply may be off". */
function warnsOfHarm(s: ScreenModel): boolean {
  return warnsDataMayBeOld(s) || s.warnings.some((w) => w.code === 'supplyMayBeOff');
}

/** The screen tells the customer the gas is off or may be off, or that emergency credit is in use. */
function showsSupplyTrouble(s: ScreenModel): boolean {
  return s.supply === 'off' || s.supply === 'armed' || s.ec === 'inUse' || s.warnings.some((w) => SUPPLY_WARNINGS.includes(w.code));
}

/** The GSME's own truth for one minute (never the GPF's copy). */
export interface MeterTruth {
  /** CreditRemaining, £. */
  credit: number;
  /** The valve: `armed` is closed, waiting for the customer's button. */
  supply: 'on' | 'off' | 'armed';
  /** CreditStatus says emergency credit is in use. */
  onEmergencyCredit: boolean;
}

/**
 * One simulated minute of the core metric (spec section 6). At most one class applies: a false
 * alarm needs the credit shown within tolerance and the supply on without emergency credit, which
 * rules out both kinds of misleading.
 * - creditMisleading: credit shown more than the tolerance off the truth, no "may be old" warning;
 * - supplyMisleading: gas really off (valve closed or armed) or on emergency credit, and the screen
 *   shows neither that nor "supply may be off";
 * - both at once: `creditAndSupplyMisleading`;
 * - falseAlarm: a "may be old" or "supply may be off" warning while the credit shown is within
 *   the tolerance, the gas on and no emergency credit in use;
 * - ok otherwise. A screen showing no balance ("Balance not available") claims nothing: ok.
 */
export type MinuteClass = 'creditMisleading' | 'supplyMisleading' | 'creditAndSupplyMisleading' | 'falseAlarm' | 'ok';

export const DEFAULT_TOLERANCE_POUNDS = 0.5;

export function classifyMinute(screen: ScreenModel, truth: MeterTruth, tolerancePounds = DEFAULT_TOLERANCE_POUNDS): MinuteClass {
  if (screen.credit === null) return 'ok';
  const off = Math.abs(screen.credit - truth.credit) > tolerancePounds;
  const supplyHarm = truth.supply !== 'on' || truth.onEmergencyCredit;
  const credit = off && !warnsDataMayBeOld(screen);
  const supply = supplyHarm && !showsSupplyTrouble(screen);
  if (credit && supply) return 'creditAndSupplyMisleading';
  if (credit) return 'creditMisleading';
  if (supply) return 'supplyMisleading';
  if (!off && !supplyHarm && warnsOfHarm(screen)) return 'falseAlarm';
  return 'ok';
}

export function isCreditMisleading(c: MinuteClass): boolean {
  return c === 'creditMisleading' || c === 'creditAndSupplyMisleading';
}

export function isSupplyMisleading(c: MinuteClass): boolean {
  return c === 'supplyMisleading' || c === 'creditAndSupplyMisleading';
}
