/**
 * What the PPMID screen shows, decided once for both display profiles: the balance, the time
 * line, the warning banners in priority order and the state badges. layout.ts only places them.
 *
 * Short texts of hanlab's own, not the screen model's warning texts: those are sentences for a
 * large screen. The one text that changes every minute is the reading's age on the time line
 * (`lastUpdate.ago`, shown whenever the reading is not fresh or not from today); the simulator's
 * screenshots ignore it (sim/report/screenshots.ts), everything else changes only when the
 * customer would see a real change.
 */
import type { ScreenModel, TopUpShown, WarningCode } from '../screen-model.ts';
import { NO_BALANCE } from '../screen-model.ts';
import { TOP_UP_GONE, TOP_UP_HUB_REFUSED, TOP_UP_NO_ANSWER } from '../top-up-reasons.ts';
import type { Freshness } from '../freshness.ts';
import { formatPounds } from '../format.ts';

/** alert: red / inverted; caution: amber (yellow) / inverted; info: outlined. */
export type Tone = 'alert' | 'caution' | 'info';

export interface Banner {
  code: WarningCode | 'late';
  /** Capitals, at most 19 characters (one line of the 128×64 screen). */
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
  /** "Updated 11:50", "Updated Tue 10:00", "Received 11:52" (clock problem), "Time unknown" or NO_READING (UK civil time). */
  main: string;
  /** The time alone, "Tue 10:00" (for a screen where `main` does not fit), or "". */
  at: string;
  /** "26 h 0 min ago" when the screen model shows the age, else "". */
  age: string;
  /**
   * Provenance: "GSME", "est.", "clock?" (a receive time: the meter's clock is off) or "" (a
   * clock problem on a GSME time adds "?"); the colour screen spells it out.
   */
  source: string;
}

/** No balance to show: the screen model's wording (one for the text and the pixels). */
export const NO_READING = NO_BALANCE;

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
 * Banner priority, most important first; every one shown (the 128×64 screen packs them in rows
 * when there are more than two, docs/decisions.md):
 * 1. supplyOff: the gas is off, with what to do (top up, then the meter's button).
 * 2. hanLost: nothing else on screen is current any more.
 * 3. stale, 4. noChangeSeen: the balance may be lower than shown (the SECMP0015 warning).
 * 5. supplyMayBeOff: the consequence of 3–4 with low credit or EC in use (never alone).
 * 6. creditUsedUp: CreditStatus says credit exhausted.
 * 7. lowCredit: the customer should top up.
 * 8. clockProblem: the time shown may be wrong, the balance is not known to be old.
 * 9. late (freshness, not a warning code): one update missed, still within 2T + g.
 * Not banners: ecInUse is a state, shown as a badge (EC £x); timeUnknown is the permanent
 * caption of a legacy installation, shown as "est." on the time line: a banner that is always
 * there teaches the customer to ignore banners (docs/decisions.md).
 */
export const BANNERS: readonly Banner[] = [
  banner('supplyOff', 'GAS OFF', 'Top up, press meter button', 'alert'),
  banner('hanLost', 'NO METER LINK', 'Balance may be out of date', 'alert'),
  banner('stale', 'BALANCE MAY BE OLD', 'It may be lower now', 'alert'),
  banner('noChangeSeen', 'BALANCE MAY BE OLD', 'No change seen for a while', 'alert'),
  banner('supplyMayBeOff', 'SUPPLY MAY BE OFF', 'Check the meter', 'alert'),
  banner('creditUsedUp', 'CREDIT USED UP', 'Top up now', 'alert'),
  banner('lowCredit', 'LOW CREDIT', 'Top up soon', 'caution'),
  banner('clockProblem', 'CLOCK PROBLEM', 'Times shown may be wrong', 'caution'),
  banner('late', 'UPDATE OVERDUE', 'A meter update was missed', 'caution'),
];

function timeLine(s: ScreenModel): TimeLine {
  const u = s.lastUpdate;
  if (s.credit === null) return { main: NO_READING, at: '', age: '', source: '' };
  if (u === null) return { main: 'Time unknown', at: '', age: '', source: '' };
  const at = typeof u.local === 'string' ? u.local : u.hhmm;
  const age = typeof u.ago === 'string' ? u.ago : '';
  // The meter's clock is off: the time is when the display received the reading.
  if (u.source === 'received') return { main: 'Received ' + at, at, age, source: 'clock?' };
  // A clock problem: the time may be wrong; the colour screen says so in its banner.
  return { main: 'Updated ' + at, at, age, source: u.source === 'changeEstimate' ? 'est.' : s.freshness === 'clockProblem' ? 'GSME?' : 'GSME' };
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
  const received = s.lastUpdate !== null && s.lastUpdate.source === 'received';
  const banners = BANNERS.filter((b) => codes.indexOf(b.code) >= 0).map((b) =>
    // Armed (topped up): the meter turns the gas back on when its button is pressed.
    b.code === 'supplyOff' && s.supply === 'armed'
      ? banner('supplyOff', 'GAS OFF', 'Press the meter button', 'alert')
      : b.code === 'clockProblem' && received
        ? banner('clockProblem', 'CLOCK PROBLEM', 'Time shown: when received', 'caution')
        : b,
  );
  return {
    balance: s.credit === null ? '£--.--' : formatPounds(s.credit),
    time: timeLine(s),
    freshness: s.freshness,
    banners: banners,
    badges: badges(s),
  };
}
