/**
 * What the PPMID screen shows, decided once for both display profiles: the balance, the time
 * line, the warning banners in priority order and the state badges. layout.ts only places them.
 *
 * Short texts of hanlab's own, not the screen model's warning texts: those are sentences for a
 * large screen, and the stale / no-change ones carry an age that changes every minute. Nothing
 * here depends on `ageMinutes`, so the pixels change only when the customer would see a real
 * change (the simulator takes a screenshot exactly then).
 */
import type { ScreenModel, WarningCode } from '../screen-model.ts';
import type { Freshness } from '../freshness.ts';
import { formatPounds } from '../format.ts';

/** alert: red / inverted; caution: amber (yellow) / inverted; info: outlined. */
export type Tone = 'alert' | 'caution' | 'info';

export interface Banner {
  code: WarningCode | 'late';
  /** Capitals, at most 19 characters (one line of the 128×64 screen with "+N"). */
  title: string;
  /** One more line on the colour screen, at most 26 characters. */
  detail: string;
  tone: Tone;
}

export interface Badge {
  text: string;
  tone: Tone;
}

export interface TimeLine {
  /** "Updated 11:50", "Time unknown" or "No reading yet". */
  main: string;
  /** Provenance for the 128×64 line: "GSME", "est." or "" (clock problem adds "?"). */
  source: string;
  /** Provenance line of the colour screen. */
  sourceLong: string;
}

export interface ScreenPlan {
  balance: string;
  time: TimeLine;
  freshness: Freshness;
  /** Every banner, most important first; a profile shows as many as fit. */
  banners: Banner[];
  /** Every badge, most important first. */
  badges: Badge[];
}

/**
 * Banner priority, most important first (a 128×64 screen often has room for one):
 * 1. hanLost: nothing else on screen is current any more.
 * 2. stale, 3. noChangeSeen: the balance may be lower than shown (the SECMP0015 warning).
 * 4. supplyMayBeOff: the consequence of 2–3 with low credit or EC in use (never alone).
 * 5. lowCredit: the customer should top up.
 * 6. clockProblem: the time shown may be wrong, the balance is not known to be old.
 * 7. late (freshness, not a warning code): one update missed, still within 2T + g.
 * Not banners: supplyOff and ecInUse are states, shown as badges (GAS OFF, EC £x); timeUnknown
 * is the permanent caption of a legacy installation, shown as "est." on the time line: a banner
 * that is always there teaches the customer to ignore banners (docs/decisions.md).
 */
export const BANNERS: readonly Banner[] = [
  { code: 'hanLost', title: 'NO METER LINK', detail: 'Balance may be out of date', tone: 'alert' },
  { code: 'stale', title: 'BALANCE MAY BE OLD', detail: 'It may be lower now', tone: 'alert' },
  { code: 'noChangeSeen', title: 'BALANCE MAY BE OLD', detail: 'No change seen for a while', tone: 'alert' },
  { code: 'supplyMayBeOff', title: 'SUPPLY MAY BE OFF', detail: 'Check the meter', tone: 'alert' },
  { code: 'lowCredit', title: 'LOW CREDIT', detail: 'Top up soon', tone: 'caution' },
  { code: 'clockProblem', title: 'CLOCK PROBLEM', detail: 'Times shown may be wrong', tone: 'caution' },
  { code: 'late', title: 'UPDATE OVERDUE', detail: 'A meter update was missed', tone: 'caution' },
];

function hasWarning(s: ScreenModel, code: WarningCode | 'late'): boolean {
  if (code === 'late') return s.freshness === 'late';
  for (let i = 0; i < s.warnings.length; i++) if (s.warnings[i]!.code === code) return true;
  return false;
}

function timeLine(s: ScreenModel): TimeLine {
  const u = s.lastUpdate;
  if (s.credit === null && u === null) return { main: 'No reading yet', source: '', sourceLong: 'Waiting for the meter' };
  if (u === null) return { main: 'Time unknown', source: '', sourceLong: 'Meter sends no time' };
  if (u.source === 'changeEstimate') return { main: 'Updated ' + u.hhmm, source: 'est.', sourceLong: 'est.: meter sends no time' };
  // A clock problem: the time may be wrong; the colour screen says so in its banner.
  const clock = s.freshness === 'clockProblem';
  return { main: 'Updated ' + u.hhmm, source: clock ? 'GSME?' : 'GSME', sourceLong: 'Time from the meter (GSME)' };
}

function badges(s: ScreenModel): Badge[] {
  const out: Badge[] = [];
  if (s.supply === 'off') out.push({ text: 'GAS OFF', tone: 'alert' });
  // Armed: the meter will turn the gas back on when its button is pressed.
  if (s.supply === 'armed') out.push({ text: 'PRESS METER BUTTON', tone: 'caution' });
  if (s.ec === 'inUse') out.push({ text: s.emergencyCredit === null ? 'EC IN USE' : 'EC ' + formatPounds(s.emergencyCredit), tone: 'caution' });
  if (s.ec === 'available') out.push({ text: 'EC READY', tone: 'info' });
  for (let i = 0; i < s.pending.length; i++) {
    out.push({ text: s.pending[i] === 'topUp' ? 'TOP-UP SENT' : 'EC REQUESTED', tone: 'info' });
  }
  // Under a penny shows as £0.00: not worth a badge.
  if (s.debt !== null && s.debt >= 0.01) out.push({ text: 'DEBT ' + formatPounds(s.debt), tone: 'info' });
  return out;
}

export function planScreen(s: ScreenModel): ScreenPlan {
  const banners: Banner[] = [];
  for (let i = 0; i < BANNERS.length; i++) if (hasWarning(s, BANNERS[i]!.code)) banners.push(BANNERS[i]!);
  return {
    balance: s.credit === null ? '£--.--' : formatPounds(s.credit),
    time: timeLine(s),
    freshness: s.freshness,
    banners: banners,
    badges: badges(s),
  };
}
