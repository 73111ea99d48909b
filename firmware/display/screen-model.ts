import type { AgeClass, Freshness, FreshnessAssessment } from './freshness.ts';
import { formatDuration, formatHhmm, formatIsoUtc, formatPounds } from './format.ts';

export type WarningCode =
  | 'stale'
  | 'noChangeSeen'
  | 'supplyMayBeOff'
  | 'clockProblem'
  | 'hanLost'
  | 'lowCredit'
  | 'ecInUse'
  | 'supplyOff'
  | 'timeUnknown';

export type PendingAction = 'activateEc' | 'topUp';

/**
 * What a PPMID shows: JSON-serialisable, the one thing the simulator's metric, the PNG renderer
 * and the HIL harness read (published retained on `hanlab/{premises}/{device}/screen`).
 */
export interface ScreenModel {
  /** £ (major units) from CreditRemaining and PriceTrailingDigit; null when not shown. */
  credit: number | null;
  emergencyCredit: number | null;
  debt: number | null;
  ec: 'none' | 'available' | 'inUse';
  supply: 'on' | 'off' | 'armed' | 'unknown';
  /** The time shown as the time of the reading (UTC) and its provenance. */
  lastUpdate: { at: string; hhmm: string; source: 'gsme' | 'changeEstimate' } | null;
  /** Whole minutes since lastUpdate on the display's clock (negative if it is ahead). */
  ageMinutes: number | null;
  freshness: Freshness;
  warnings: { code: WarningCode; text: string }[];
  pending: PendingAction[];
  /**
   * The text as the customer reads it, top to bottom: balance lines, then the time line
   * ('Updated HH:MM' / 'Time of reading unknown — est. HH:MM' …), then the warnings' texts, then
   * pending requests.
   */
  lines: string[];
}

export type SupplyShown = ScreenModel['supply'];
export type EcShown = ScreenModel['ec'];

/** The display's decoded values (money already in £). */
export interface ScreenValues {
  credit: number | null;
  emergencyCredit: number | null;
  debt: number | null;
  ec: EcShown;
  supply: SupplyShown;
  /** CreditStatus says low credit, or the credit is below the display's threshold. */
  lowCredit: boolean;
}

export interface ScreenInput {
  values: ScreenValues;
  assessment: FreshnessAssessment;
  /** The display's now (Unix ms). */
  nowMs: number;
  /** When the GPF last answered (display clock), for the HAN-lost text; null if never. */
  lastContactMs: number | null;
  pending: { activateEc: boolean; topUpPounds: number | null };
}

export const WARNING_TEXT = {
  supplyMayBeOff: 'Supply may already be off — check the meter',
  lowCredit: 'Low credit',
  ecInUse: 'Emergency credit in use',
  timeUnknown: 'The meter does not report when this reading was taken',
} as const;

/** "Balance last confirmed at HH:MM, N h M min ago — may be lower now" (spec section 2). */
export function staleText(atMs: number, ageMs: number): string {
  return `Balance last confirmed at ${formatHhmm(atMs)}, ${formatDuration(ageMs)} ago — may be lower now`;
}

export function noChangeText(lastChangeMs: number | null, forMs: number): string {
  const since = lastChangeMs === null ? '' : ` since ${formatHhmm(lastChangeMs)}`;
  return `No change seen${since} (${formatDuration(forMs)}) — balance may be lower now`;
}

export function hanLostText(lastContactMs: number | null): string {
  return lastContactMs === null ? 'No connection to the meter' : `No connection to the meter since ${formatHhmm(lastContactMs)} — balance may be out of date`;
}

function timeLine(a: FreshnessAssessment, hasBalance: boolean): string | null {
  const shown = a.shown;
  if (!hasBalance) return null;
  if (shown === null) return a.timeUnknown ? 'Time of reading unknown' : null;
  const hhmm = formatHhmm(shown.atMs);
  if (shown.source === 'changeEstimate') return `Time of reading unknown — est. ${hhmm}`;
  if (a.clockProblem !== null) return `Reading time ${hhmm} — clock problem, may be wrong`;
  const cls: AgeClass = a.ageClass ?? 'fresh';
  if (cls === 'late' && a.ageMs !== null) return `Updated ${hhmm} — ${formatDuration(a.ageMs)} ago, update overdue`;
  return `Updated ${hhmm}`;
}

function clockProblemText(a: FreshnessAssessment): string {
  return a.clockProblem === 'unsynced'
    ? 'Clock problem — this display has no reliable time; reading times may be wrong'
    : 'Clock problem — the reading time is ahead of this display’s clock';
}

/** The screen for a set of values and a freshness assessment: a pure function. */
export function buildScreen(input: ScreenInput): ScreenModel {
  const { values: v, assessment: a } = input;
  const hasBalance = v.credit !== null;
  const warnings: ScreenModel['warnings'] = [];

  const hanLost = a.freshness === 'hanLost';
  if (hanLost) warnings.push({ code: 'hanLost', text: hanLostText(input.lastContactMs) });
  if (hasBalance) {
    if (a.stale && a.shown !== null && a.ageMs !== null) warnings.push({ code: 'stale', text: staleText(a.shown.atMs, a.ageMs) });
    if (a.noChangeSeen && a.noChangeForMs !== null) {
      const lastChange = a.shown?.source === 'changeEstimate' ? a.shown.atMs : null;
      warnings.push({ code: 'noChangeSeen', text: noChangeText(lastChange, a.noChangeForMs) });
    }
    const mayBeOld = hanLost || a.stale || a.noChangeSeen;
    if (mayBeOld && (v.lowCredit || v.ec === 'inUse')) warnings.push({ code: 'supplyMayBeOff', text: WARNING_TEXT.supplyMayBeOff });
    if (a.clockProblem !== null) warnings.push({ code: 'clockProblem', text: clockProblemText(a) });
    if (a.timeUnknown) warnings.push({ code: 'timeUnknown', text: WARNING_TEXT.timeUnknown });
  }
  if (v.supply === 'off') warnings.push({ code: 'supplyOff', text: 'Gas supply is off' });
  if (v.supply === 'armed') warnings.push({ code: 'supplyOff', text: 'Gas supply is off — press the button on the meter to turn it on' });
  if (v.ec === 'inUse') warnings.push({ code: 'ecInUse', text: WARNING_TEXT.ecInUse });
  if (hasBalance && v.lowCredit) warnings.push({ code: 'lowCredit', text: WARNING_TEXT.lowCredit });

  const pending: PendingAction[] = [];
  if (input.pending.activateEc) pending.push('activateEc');
  if (input.pending.topUpPounds !== null) pending.push('topUp');

  const lines: string[] = [];
  if (v.credit === null) {
    lines.push('Balance not available');
  } else {
    lines.push(`Credit ${formatPounds(v.credit)}`);
  }
  if (v.emergencyCredit !== null && v.ec === 'inUse') lines.push(`Emergency credit ${formatPounds(v.emergencyCredit)} left`);
  if (v.emergencyCredit !== null && v.ec === 'available') lines.push(`Emergency credit available ${formatPounds(v.emergencyCredit)}`);
  if (v.debt !== null && v.debt > 0) lines.push(`Debt ${formatPounds(v.debt)}`);
  const time = timeLine(a, hasBalance);
  if (time !== null) lines.push(time);
  for (const w of warnings) lines.push(w.text);
  if (input.pending.activateEc) lines.push('Emergency credit requested — waiting for the meter');
  if (input.pending.topUpPounds !== null) lines.push(`Top-up ${formatPounds(input.pending.topUpPounds)} sent — waiting for the meter`);

  const shown = a.shown;
  return {
    credit: v.credit,
    emergencyCredit: v.emergencyCredit,
    debt: v.debt,
    ec: v.ec,
    supply: v.supply,
    lastUpdate: shown === null ? null : { at: formatIsoUtc(shown.atMs), hhmm: formatHhmm(shown.atMs), source: shown.source },
    ageMinutes: a.ageMs === null ? null : Math.floor(a.ageMs / 60_000),
    freshness: a.freshness,
    warnings,
    pending,
    lines,
  };
}

/** Structural equality for "emit only when the screen changed" (the model is plain JSON). */
export function sameScreen(a: ScreenModel | null, b: ScreenModel | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
