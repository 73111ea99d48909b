import type { Freshness, FreshnessAssessment } from './freshness.ts';
import { formatDuration, formatHhmm, formatIsoUtc, formatPounds, formatWhen } from './format.ts';
import { ukOffsetMinutes } from './uk-time.ts';
import { sameJson } from '../codec/same-json.ts';

export type WarningCode =
  | 'stale'
  | 'noChangeSeen'
  | 'supplyMayBeOff'
  | 'clockProblem'
  | 'hanLost'
  | 'lowCredit'
  | 'ecInUse'
  | 'creditUsedUp'
  | 'supplyOff'
  | 'timeUnknown';

export type PendingAction = 'activateEc' | 'topUp';

/**
 * The last top-up keyed in, where it is (docs/decisions.md "Top-up lifecycle"): sent (to the hub,
 * not yet acknowledged), atHub (the hub holds it for the meter), applied (the meter shows it),
 * failed (`reason`: no answer from the hub, refused by the hub or the meter, no longer held).
 */
export interface TopUpShown {
  status: 'sent' | 'atHub' | 'applied' | 'failed';
  /** £, from the code. */
  amount: number;
  /** Why it failed ('' otherwise). */
  reason: string;
}

/**
 * What a PPMID shows: JSON-serialisable, the one thing the simulator's metric, the PNG renderer
 * and the HIL harness read (published retained on `hanlab/{premises}/{device}/screen`).
 */
export interface ScreenModel {
  /** £ (major units) from CreditRemaining and PriceTrailingDigit; null when not shown. */
  credit: number | null;
  emergencyCredit: number | null;
  debt: number | null;
  /** exhausted: EC selected and used up (CreditStatus credit-exhausted without EC in use). */
  ec: 'none' | 'available' | 'inUse' | 'exhausted';
  supply: 'on' | 'off' | 'armed' | 'unknown';
  /**
   * The time shown as the time of the reading and its provenance (the GSME's snapshot time, the
   * change-time estimate, or, with a clock problem, when this display saw the reading arrive):
   * `at` ISO 8601 UTC (machine output); `hhmm` and `local` UK civil time as the customer reads
   * them, `local` with the day ("Tue 10:00") or date ("12 Mar 10:00") when the reading is not
   * from today's local date; `zone` of the reading time; `ago` ("42 min ago", "26 h 0 min ago")
   * whenever the reading is not fresh or not from today, else null (never beside a GSME time
   * with a clock problem: that age would be wrong; a receive time's age is the display's own).
   */
  lastUpdate: { at: string; hhmm: string; local: string; zone: 'GMT' | 'BST'; ago: string | null; source: 'gsme' | 'changeEstimate' | 'received' } | null;
  /** Whole minutes since lastUpdate on the display's clock (negative if it is ahead). */
  ageMinutes: number | null;
  freshness: Freshness;
  warnings: { code: WarningCode; text: string }[];
  pending: PendingAction[];
  /** The last top-up and where it is, while the PPMID shows it; absent otherwise. */
  topUp?: TopUpShown;
  /** Why the meter refused the last top-up code ('Code already used' …), while the PPMID shows it; absent otherwise. */
  topUpRefused?: string;
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
  /** CreditStatus says credit exhausted (bit 6): no credit and no emergency credit in use. */
  creditUsedUp?: boolean;
}

export interface ScreenInput {
  values: ScreenValues;
  assessment: FreshnessAssessment;
  /** The display's now (Unix ms), for "today"; without it, the shown time plus its age. */
  nowMs?: number;
  /** When the GPF last answered (display clock), for the HAN-lost text; null if never. */
  lastContactMs: number | null;
  /** `topUpPounds`: a top-up sent, for callers without `topUp` (which takes precedence). */
  pending: { activateEc: boolean; topUpPounds: number | null };
  /** The last top-up and where it is; null or absent when none is shown. */
  topUp?: TopUpShown | null;
  /** The meter's refusal of the last top-up code, shown until the next one (or a while). */
  topUpRefused?: string | null;
}

/**
 * "Balance last confirmed at HH:MM, N h M min ago — may be lower now" (spec section 2); the time
 * in UK civil time, with the day or date when it is not today (now = atMs + ageMs).
 */
export function staleText(atMs: number, ageMs: number): string {
  return 'Balance last confirmed at ' + formatWhen(atMs, atMs + ageMs) + ', ' + formatDuration(ageMs) + ' ago — may be lower now';
}

/** `forMs` is counted up to now, so a last change seen gets its day from lastChangeMs + forMs. */
export function noChangeText(lastChangeMs: number | null, forMs: number): string {
  const since = lastChangeMs === null ? '' : ` since ${formatWhen(lastChangeMs, lastChangeMs + forMs)}`;
  return `No change seen${since} (${formatDuration(forMs)}) — balance may be lower now`;
}

/** The one wording for "no balance to show", in the text and on the pixels. */
export const NO_BALANCE = 'Balance not available';

/** The last answer's time in UK civil time, with its day when not today (given the display's now). */
export function hanLostText(lastContactMs: number | null, nowMs: number | null = null): string {
  return lastContactMs === null ? 'No connection to the meter' : `No connection to the meter since ${formatWhen(lastContactMs, nowMs)} — balance may be out of date`;
}

/** The line for a top-up: where it is, in the customer's words (`byMeter`: the meter refused it). */
export function topUpText(t: TopUpShown, byMeter?: boolean): string {
  const amount = 'Top-up ' + formatPounds(t.amount);
  if (t.status === 'sent') return amount + ' sent — waiting for the hub';
  if (t.status === 'atHub') return amount + ' at the hub — waiting for the meter';
  if (t.status === 'applied') return amount + ' applied by the meter';
  return amount + (byMeter ? ' refused by the meter: ' : ' failed: ') + t.reason;
}

/** The time line; `when` is the shown time as read ("10:00", "Tue 10:00"), `ago` its age text or null. */
function timeLine(a: FreshnessAssessment, when: string, ago: string | null): string | null {
  const shown = a.shown;
  if (shown === null) return a.timeUnknown ? 'Time of reading unknown' : null;
  const age = ago === null ? '' : ', ' + ago;
  if (shown.source === 'changeEstimate') return 'Time of reading unknown — est. ' + when + age;
  if (shown.source === 'received') return 'Received ' + when + ' — clock problem' + age + (a.ageClass === 'late' ? ', update overdue' : '');
  if (a.clockProblem !== null) return 'Reading time ' + when + ' — clock problem, may be wrong';
  if (ago === null) return 'Updated ' + when;
  return 'Updated ' + when + ' — ' + ago + (a.ageClass === 'late' ? ', update overdue' : '');
}

/** The screen for a set of values and a freshness assessment: a pure function. */
export function buildScreen(input: ScreenInput): ScreenModel {
  const v = input.values;
  const a = input.assessment;
  const shown = a.shown;
  // The display's now: given, else the shown time plus its age (both on the display's clock).
  const nowMs = typeof input.nowMs === 'number' ? input.nowMs : shown !== null && a.ageMs !== null ? shown.atMs + a.ageMs : null;
  const hhmm = shown === null ? '' : formatHhmm(shown.atMs);
  const when = shown === null ? '' : formatWhen(shown.atMs, nowMs);
  // The age, whenever the reading is not fresh or not from today; never beside a clock problem.
  const ago =
    shown === null ||
    a.ageMs === null ||
    (a.clockProblem !== null && shown.source !== 'received') ||
    ((a.freshness === 'fresh' || (shown.source === 'received' && a.ageClass === 'fresh')) && when === hhmm)
      ? null
      : formatDuration(a.ageMs) + ' ago';
  const hasBalance = v.credit !== null;
  const warnings: ScreenModel['warnings'] = [];
  const warn = (code: WarningCode, text: string) => {
    warnings.push({ code, text });
  };

  const hanLost = a.freshness === 'hanLost';
  if (hanLost) warn('hanLost', hanLostText(input.lastContactMs, nowMs));
  if (hasBalance) {
    if (a.stale && shown !== null && a.ageMs !== null) warn('stale', staleText(shown.atMs, a.ageMs));
    if (a.noChangeSeen && a.noChangeForMs !== null) warn('noChangeSeen', noChangeText(shown !== null && shown.source === 'changeEstimate' ? shown.atMs : null, a.noChangeForMs));
    // Known off: "GAS OFF" says it; "may be off" would only blur it.
    const off = v.supply === 'off' || v.supply === 'armed';
    if ((hanLost || a.stale || a.noChangeSeen) && !off && (v.lowCredit || v.ec === 'inUse' || v.ec === 'exhausted' || v.creditUsedUp)) warn('supplyMayBeOff', 'Supply may already be off — check the meter');
    const cp = a.clockProblem;
    if (cp !== null) {
      warn(
        'clockProblem',
        cp === 'unsynced'
          ? 'Clock problem — this display has no reliable time; reading times may be wrong'
          : 'Clock problem — the meter’s clock is ' + cp + '; the time shown is when this display received the reading',
      );
    }
    if (a.timeUnknown) warn('timeUnknown', 'The meter does not report when this reading was taken');
  }
  // Gas off says what to do: top up first (off), then the meter's button (armed: topped up).
  if (v.supply === 'off') warn('supplyOff', 'Gas supply is off — top up, then press the button on the meter');
  if (v.supply === 'armed') warn('supplyOff', 'Gas supply is off — press the button on the meter to turn it on');
  if (v.ec === 'inUse') warn('ecInUse', 'Emergency credit in use');
  const usedUp = hasBalance && v.creditUsedUp === true;
  if (usedUp) warn('creditUsedUp', 'Credit used up — top up now');
  if (hasBalance && v.lowCredit && !usedUp) warn('lowCredit', 'Low credit');

  const lines: string[] = [v.credit === null ? NO_BALANCE : 'Credit ' + formatPounds(v.credit)];
  const ec = v.emergencyCredit;
  if (ec !== null && v.ec === 'inUse') lines.push('Emergency credit ' + formatPounds(ec) + ' left');
  if (v.ec === 'exhausted') lines.push('Emergency credit used up');
  if (ec !== null && v.ec === 'available') lines.push('Emergency credit available ' + formatPounds(ec));
  if (v.debt !== null && v.debt > 0) lines.push('Debt ' + formatPounds(v.debt));
  const time = hasBalance ? timeLine(a, when, ago) : null;
  if (time !== null) lines.push(time);
  for (let i = 0; i < warnings.length; i++) lines.push(warnings[i]!.text);
  const p = input.pending;
  const pending: PendingAction[] = [];
  if (p.activateEc) {
    pending.push('activateEc');
    lines.push('Emergency credit requested — waiting for the meter');
  }
  const topUp: TopUpShown | null = input.topUp ? input.topUp : p.topUpPounds === null ? null : { status: 'sent', amount: p.topUpPounds, reason: '' };
  if (topUp !== null) {
    if (topUp.status === 'sent' || topUp.status === 'atHub') pending.push('topUp');
  }
  const refused = input.topUpRefused;
  if (topUp !== null) lines.push(topUpText(topUp, typeof refused === 'string'));
  if (typeof refused === 'string' && topUp === null) lines.push('Top-up refused: ' + refused);

  return {
    credit: v.credit,
    emergencyCredit: ec,
    debt: v.debt,
    ec: v.ec,
    supply: v.supply,
    lastUpdate: shown === null ? null : { at: formatIsoUtc(shown.atMs), hhmm, local: when, zone: ukOffsetMinutes(shown.atMs) ? 'BST' : 'GMT', ago, source: shown.source },
    ageMinutes: a.ageMs === null ? null : Math.floor(a.ageMs / 60_000),
    freshness: a.freshness,
    warnings,
    pending,
    ...(topUp !== null ? { topUp: { status: topUp.status, amount: topUp.amount, reason: topUp.reason } } : {}),
    ...(typeof refused === 'string' ? { topUpRefused: refused } : {}),
    lines,
  };
}

/** Structural equality for "emit only when the screen changed" (the model is plain JSON). */
export function sameScreen(a: ScreenModel | null, b: ScreenModel | null): boolean {
  return sameJson(a, b);
}

/** The screen without the age text that counts up every minute (what "changed visibly" compares). */
export function withoutAge(s: ScreenModel): ScreenModel {
  return s.lastUpdate === null || s.lastUpdate.ago === null ? s : { ...s, lastUpdate: { ...s.lastUpdate, ago: '' } };
}
