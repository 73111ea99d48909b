/**
 * DP146 'SM WAN Coverage Date': a seeded CSP coverage plan by postcode and the Self-Service
 * Interface's answer for a postcode or postal outcode on a date (SEC H8.16(f)(i) as DP146 amends it):
 *   (A) expected to be able to connect to the SM WAN;
 *   (B) expected to be able to connect from a particular date (any date: DP146 removes "before
 *       1 January 2021"), the date given;
 *   (C) cannot be confirmed as being able to connect.
 * With the CSP logic the report describes: covered now → available, no date; planned → not
 * available, with the date, which "will remain empty until six weeks before the date of coverage";
 * no plan → not available, no date.
 */
import { isoDate, parseIsoDate } from './dates.ts';
import { unit } from './rng.ts';

/** Great Britain's postcode areas (Northern Ireland's BT and the Crown Dependencies are not GB). */
export const GB_AREAS: readonly string[] = (
  'AB AL B BA BB BD BH BL BN BR BS CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX ' +
  'FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN ' +
  'NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR ' +
  'TS TW UB W WA WC WD WF WN WR WS WV YO ZE'
).split(' ');
const NOT_GB: Record<string, string> = {
  BT: 'Northern Ireland',
  GY: 'Guernsey',
  JE: 'Jersey',
  IM: 'the Isle of Man',
};

/** The letters an inward code's last two characters may be (no C, I, K, M, O, V). */
const INCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export class PostcodeError extends Error {}

export interface ParsedPostcode {
  kind: 'postcode' | 'outcode';
  /** 'SW1A 1AA' or 'SW1A' */
  normalised: string;
  outcode: string;
  area: string;
}

export function parsePostcode(input: string): ParsedPostcode {
  const shown = JSON.stringify(input);
  const s = input.trim().toUpperCase().replace(/\s+/g, ' ');
  if (s === '') throw new PostcodeError('expected a GB postcode (e.g. SW1A 1AA) or outcode (e.g. SW1A), found nothing');
  const bad = /[^A-Z0-9 ]/.exec(s);
  if (bad) throw new PostcodeError(`${shown}: a postcode has only letters, digits and one space, found '${bad[0]}'`);
  let outcode = s;
  let incode: string | undefined;
  const parts = s.split(' ');
  if (parts.length > 2) throw new PostcodeError(`${shown}: expected an outward code and an inward code with one space between (e.g. SW1A 1AA)`);
  if (parts.length === 2) {
    outcode = parts[0]!;
    incode = parts[1]!;
  } else if (s.length >= 5 && /[0-9][A-Z][A-Z]$/.test(s)) {
    outcode = s.slice(0, -3);
    incode = s.slice(-3);
  }
  if (incode !== undefined) {
    const ok = incode.length === 3 && /[0-9]/.test(incode[0]!) && INCODE_LETTERS.includes(incode[1]!) && INCODE_LETTERS.includes(incode[2]!);
    if (!ok) throw new PostcodeError(`${shown}: the inward code (after the space) must be a digit and two letters other than C, I, K, M, O, V (e.g. 1AA), found '${incode}'`);
  }
  const m = /^([A-Z]{1,2})([0-9]{1,2}|[0-9][A-Z])$/.exec(outcode);
  if (!m) throw new PostcodeError(`${shown}: the outward code must be one or two letters then a district (e.g. SW1A, M1, B33), found '${outcode}'`);
  const area = m[1]!;
  if (NOT_GB[area]) throw new PostcodeError(`${shown}: ${area} is ${NOT_GB[area]}, outside Great Britain (the DCC's SM WAN covers GB only)`);
  if (!GB_AREAS.includes(area)) throw new PostcodeError(`${shown}: '${area}' is not a GB postcode area`);
  return incode === undefined ? { kind: 'outcode', normalised: outcode, outcode, area } : { kind: 'postcode', normalised: `${outcode} ${incode}`, outcode, area };
}

/** A plan entry: the day coverage starts (day number), or null when the CSP has no plan. */
export interface PlanEntry {
  coverageFrom: number | null;
  /** Where it comes from: the outcode's plan, or one postcode's own (a new build, a pocket). */
  source: 'outcode' | 'postcode';
}

const day = (iso: string) => parseIsoDate(iso)!;
const between = (u: number, from: number, to: number) => from + Math.floor(u * (to - from + 1));

/** The seeded CSP plan for an outcode: most covered during the roll-out, some planned (any date), a few with no plan. */
export function outcodePlan(seed: number, outcode: string): PlanEntry {
  const u = unit(seed, `out:${outcode}`);
  const v = unit(seed, `out-date:${outcode}`);
  if (u < 0.82) return { coverageFrom: between(v, day('2014-01-01'), day('2020-12-31')), source: 'outcode' };
  if (u < 0.94) return { coverageFrom: between(v, day('2021-03-01'), day('2029-12-31')), source: 'outcode' };
  return { coverageFrom: null, source: 'outcode' };
}

/** A postcode follows its outcode's plan, but for new builds planned later and pockets with no plan. */
export function postcodePlan(seed: number, outcode: string, postcode: string): PlanEntry {
  const u = unit(seed, `pc:${postcode}`);
  const base = outcodePlan(seed, outcode);
  if (u < 0.06) {
    const from = between(unit(seed, `pc-date:${postcode}`), day('2024-01-01'), day('2031-12-31'));
    return { coverageFrom: base.coverageFrom === null ? from : Math.max(from, base.coverageFrom), source: 'postcode' };
  }
  if (u < 0.09) return { coverageFrom: null, source: 'postcode' };
  return base;
}

export const SIX_WEEKS_DAYS = 42;

export interface CoverageAnswer {
  query: string;
  kind: 'postcode' | 'outcode';
  postcode: string;
  at: string;
  answer: 'A' | 'B' | 'C';
  /** The CSP's "availability" parameter. */
  available: boolean;
  /** The availability date (B only). */
  date: string | null;
  text: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export function ukLongDate(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

export function answerFor(entry: PlanEntry, atDay: number): Pick<CoverageAnswer, 'answer' | 'available' | 'date' | 'text'> {
  const from = entry.coverageFrom;
  if (from !== null && atDay >= from) return { answer: 'A', available: true, date: null, text: 'Expected to be able to connect to the SM WAN.' };
  if (from !== null && atDay >= from - SIX_WEEKS_DAYS) {
    const date = isoDate(from);
    return { answer: 'B', available: false, date, text: `Expected to be able to connect to the SM WAN from ${ukLongDate(date)}.` };
  }
  return { answer: 'C', available: false, date: null, text: 'Cannot be confirmed as being able to connect to the SM WAN.' };
}

/** The SSI's answer for a postcode or outcode on a day (YYYY-MM-DD). Throws PostcodeError. */
export function coverage(seed: number, query: string, at: string): CoverageAnswer {
  const atDay = parseIsoDate(at);
  if (atDay === undefined) throw new PostcodeError(`date ${JSON.stringify(at)}: expected a real date as YYYY-MM-DD`);
  const p = parsePostcode(query);
  const entry = p.kind === 'outcode' ? outcodePlan(seed, p.outcode) : postcodePlan(seed, p.outcode, p.normalised);
  return { query, kind: p.kind, postcode: p.normalised, at, ...answerFor(entry, atDay) };
}

/** A random, well-formed GB postcode (for generated premises). */
export function randomPostcode(rnd: () => number): string {
  const area = GB_AREAS[Math.floor(rnd() * GB_AREAS.length)]!;
  const district = 1 + Math.floor(rnd() * 20);
  const l = () => INCODE_LETTERS[Math.floor(rnd() * INCODE_LETTERS.length)]!;
  return `${area}${district} ${Math.floor(rnd() * 10)}${l()}${l()}`;
}

/** The CSP plan `hanlab coverage` and `hanlab serve` answer from by default (--seed 1); the simulator's homes live in it. */
export const DEFAULT_PLAN_SEED = 1;

/**
 * When the SM WAN reaches a postcode in the plan: 'YYYY-MM-DD' (covered from that day on), or
 * null when the CSP has no plan for it. For the simulator's comms hubs. Throws PostcodeError.
 */
export function wanCoverageFrom(seed: number, postcode: string): string | null {
  const p = parsePostcode(postcode);
  const entry = p.kind === 'outcode' ? outcodePlan(seed, p.outcode) : postcodePlan(seed, p.outcode, p.normalised);
  return entry.coverageFrom === null ? null : isoDate(entry.coverageFrom);
}
