/**
 * What the PPMID screen shows, decided once for both display profiles: the balance, the time
 * line, the warning banners in priority order and the state badges. layout.ts only places them.
 *
 * Short texts of hanlab's own, not the screen model's warning texts: those are sentences for a
 * large screen, and the stale / no-change ones carry an age that changes every minute. Nothing
 * here depends on `ageMinutes`, so the pixels change only when the customer would see a real
 * change (the simulator takes a screenshot exactly then).
 */
import type { ScreenModel, TopUpShown, WarningCode } from '../screen-model.ts';
import { TOP_UP_GONE, TOP_UP_HUB_REFUSED, TOP_UP_NO_ANSWER } from '../top-up-reasons.ts';
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
  /** "Updated 11:50", "Time unknown" or NO_READING. */
  main: string;
  /** Provenance: "GSME", "est." or "" (clock problem adds "?"); the colour screen spells it out. */
  source: string;
}

export const NO_READING = 'No reading yet';

export interface ScreenPlan {
  balance: string;
  time: TimeLine;
  freshness: Freshness;
  /** Every banner, most important first; a profile shows as many as fit. */
  banners: Banner[];
  /** Every badge, most important first. */
  badges: Badge[];
}

/** A banner (a call, not an object literal: shorter in a board bundle). */
function banner(code: Banner['code'], title: string, detail: string, tone: Tone): Banner {
  return { code, title, detail, tone };
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
  banner('hanLost', 'NO METER LINK', 'Balance may be out of date', 'alert'),
  banner('stale', 'BALANCE MAY BE OLD', 'It may be lower now', 'alert'),
  banner('noChangeSeen', 'BALANCE MAY BE OLD', 'No change seen for a while', 'alert'),
  banner('supplyMayBeOff', 'SUPPLY MAY BE OFF', 'Check the meter', 'alert'),
  banner('lowCredit', 'LOW CREDIT', 'Top up soon', 'caution'),
  banner('clockProblem', 'CLOCK PROBLEM', 'Times shown may be wrong', 'caution'),
  banner('late', 'UPDATE OVERDUE', 'A meter update was missed', 'caution'),
];

function timeLine(s: ScreenModel): TimeLine {
  const u = s.lastUpdate;
  if (u === null) return { main: s.credit === null ? NO_READING : 'Time unknown', source: '' };
  // A clock problem: the time may be wrong; the colour screen says so in its banner.
  return { main: 'Updated ' + u.hhmm, source: u.source === 'changeEstimate' ? 'est.' : s.freshness === 'clockProblem' ? 'GSME?' : 'GSME' };
}

/** The meter's refusal of a top-up code, short enough for a badge on the small screen. */
function refusalBadge(reason: string): string {
  const r = reason.toLowerCase();
  return r.indexOf('used') >= 0 ? 'TOP-UP: CODE USED' : r.indexOf('meter') >= 0 ? 'TOP-UP: WRONG METER' : r.indexOf('old') >= 0 ? 'TOP-UP: CODE TOO OLD' : 'TOP-UP: BAD CODE';
}

/**
 * Where the last top-up is, short enough for a badge on the small screen (at most 20 characters):
 * failures say why (docs/decisions.md "Top-up lifecycle").
 */
function topUpBadge(t: TopUpShown): string {
  if (t.status === 'sent') return 'TOP-UP SENT';
  if (t.status === 'atHub') return 'TOP-UP AT HUB';
  if (t.status === 'applied') return 'TOP-UP APPLIED';
  const r = t.reason;
  return r === TOP_UP_NO_ANSWER ? 'TOP-UP: NO HUB REPLY' : r === TOP_UP_HUB_REFUSED ? 'TOP-UP: HUB REFUSED' : r === TOP_UP_GONE ? 'TOP-UP: LOST AT HUB' : 'TOP-UP: UNCONFIRMED';
}

function badges(s: ScreenModel): Badge[] {
  const out: Badge[] = [];
  const add = (text: string, tone: Tone) => {
    out.push({ text, tone });
  };
  if (s.supply === 'off') add('GAS OFF', 'alert');
  // Armed: the meter will turn the gas back on when its button is pressed.
  if (s.supply === 'armed') add('PRESS METER BUTTON', 'caution');
  if (s.ec === 'inUse') add(s.emergencyCredit === null ? 'EC IN USE' : 'EC ' + formatPounds(s.emergencyCredit), 'caution');
  if (s.ec === 'available') add('EC READY', 'info');
  for (let i = 0; i < s.pending.length; i++) if (s.pending[i] === 'activateEc') add('EC REQUESTED', 'info');
  const t = s.topUp;
  if (typeof s.topUpRefused === 'string') add(refusalBadge(s.topUpRefused), 'alert');
  else if (t !== undefined) add(topUpBadge(t), t.status === 'failed' ? 'alert' : 'info');
  // A top-up from a caller without `topUp` (the pending mark alone).
  else if (s.pending.indexOf('topUp') >= 0) add('TOP-UP SENT', 'info');
  // Under a penny shows as £0.00: not worth a badge.
  if (s.debt !== null && s.debt >= 0.01) add('DEBT ' + formatPounds(s.debt), 'info');
  return out;
}

export function planScreen(s: ScreenModel): ScreenPlan {
  // The banners' codes on this screen: its warnings, and 'late' by freshness.
  const codes: Banner['code'][] = s.freshness === 'late' ? ['late'] : [];
  for (let i = 0; i < s.warnings.length; i++) codes.push(s.warnings[i]!.code);
  const banners = BANNERS.filter((b) => codes.indexOf(b.code) >= 0);
  return {
    balance: s.credit === null ? '£--.--' : formatPounds(s.credit),
    time: timeLine(s),
    freshness: s.freshness,
    banners: banners,
    badges: badges(s),
  };
}
