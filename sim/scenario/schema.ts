/**
 * The scenario format: what a simulated home looks like and what happens to it. A scenario file
 * (YAML or JSON, see `load.ts`) is validated and resolved by `scenarioSchema` into a `Scenario`:
 * every default applied, every duration in milliseconds, every time in epoch milliseconds.
 *
 * Objects are strict (an unknown key is an error). Every issue this schema raises carries, as its
 * message, the *expected* part of a "expected X, found Y" sentence; a custom issue may carry
 * `params.found` (what was found, when it is not simply the input value) or `params.resolved`
 * (the resolved form of the input, e.g. the absolute time of '+58h'). `load.ts` turns issues into
 * one-line `ScenarioError`s naming the file, line and field path.
 *
 * Times of day (the consumption profile, tariff tiers) are UTC: hanlab simulates January-like GB
 * winter days where UTC is the local time. Money is in pounds (£) except tariff prices (pence).
 */
import { normaliseUtrn, utrnDigitsToBytes, UTRN_MAX_PENCE } from '../../firmware/codec/utrn.ts';
import { z } from 'zod';
import { isRepresentableTime, LATEST_HAN_TIME_MS, TIMER_MAX_MS } from './device-limits.ts';
import { parsePostcode, PostcodeError } from '../../dcc/coverage.ts';
import { DEVICE_STATES, isLegalTransition } from '../../dcc/states.ts';
import type { DeviceState } from '../../dcc/states.ts';

// ---------------------------------------------------------------------------------------------
// Resolved types

export type Firmware = 'secmp0015' | 'legacy';
export type Via = 'ppmid' | 'meter';
export type OutageLink = 'gsme-gpf' | 'gpf-ppmid' | 'all';
/** `up` = towards the GPF (GSME→GPF, PPMID→GPF); `down` = from the GPF. */
export type OutageDirection = 'both' | 'up' | 'down';
export type ClockFaultDevice = 'gsme' | 'ppmid';

export interface GsmeConfig {
  firmware: Firmware;
  /** EUI-64, 16 upper-case hex digits. */
  eui: string;
  /** ms between wakes. */
  wakeInterval: number;
  /** ms; each wake is shifted by a seeded draw from [-wakeJitter, +wakeJitter]. */
  wakeJitter: number;
  /** Report repeats after a missing Default Response. */
  retries: number;
  /** ms to wait for the GPF's Default Response. */
  ackTimeout: number;
  clock: {
    /** ms the GSME clock is ahead (+) or behind (−) true time at the start. */
    offset: number;
    /** Oscillator error in parts per million (+ runs fast). */
    driftPpm: number;
    /** Never synchronised from the CH: its time is unreliable from the start. */
    unsynchronised: boolean;
  };
}

export interface GpfConfig {
  firmware: Firmware;
  eui: string;
  /** What a new GPF answers for ReadingSnapshotTime before the GSME ever sent one. */
  unpopulatedSnapshotTime: 'invalid' | 'unsupported';
}

export interface PpmidConfig {
  firmware: Firmware;
  eui: string;
  /** ms between polls of the GPF. */
  pollInterval: number;
  /** Estimate the reading time from when values were last seen changing (time unknown case). */
  changeTimeFallback: boolean;
  /** Show late / stale warnings at all. */
  staleDetection: boolean;
  /** T, ms: the expected GSME update interval. */
  expectedUpdateInterval: number;
  /** g, ms: grace on top of T. */
  grace: number;
}

export interface TouBand {
  /** ms after midnight UTC from which this tier applies (until the next band). */
  from: number;
  tier: 1 | 2 | 3 | 4;
}

export interface Tariff {
  /** Pence per kWh. */
  unitPrice: number;
  /** Pence per day. */
  standingCharge: number;
  /** MJ/m³. */
  calorificValue: number;
  /** Time-of-use bands, ascending, the first from midnight (default: tier 1 all day). */
  tiers: TouBand[];
  /** kWh block thresholds, ascending (up to 3; empty: no block tariff). */
  blocks: number[];
}

/** All in pounds. */
export interface Prepayment {
  credit: number;
  emergencyCreditLimit: number;
  lowCreditThreshold: number;
  debt: number;
}

export interface ProfileStep {
  /** ms after midnight UTC from which this rate applies (until the next step). */
  from: number;
  kwhPerHour: number;
}

export interface Consumption {
  /** A daily step profile: ascending, the first from midnight. */
  profile: ProfileStep[];
  /** Relative noise 0..1: each minute's flow is scaled by a seeded factor in [1 − noise, 1 + noise]. */
  noise: number;
}

export interface TopUp {
  /** Epoch ms. */
  at: number;
  /** £: the supplier issues a UTRN of this amount for the meter (sim/wan/utrn-issuer.ts). */
  amount?: number;
  /** A literal UTRN keyed in as written (20 digits; e.g. a reused or forged one). */
  utrn?: string;
  via: Via;
}

export interface ServiceRequest {
  at: number;
  useCase: 'GCS13a' | 'GCS13b' | 'GCS13c' | 'GCS14' | 'GCS60' | 'GCS60a';
}
export interface CustomerAction {
  at: number;
  action: 'activateEc' | 'enableSupply';
  via: Via;
}

export interface AutoCustomer {
  activateEcWhenAvailable: boolean;
  enableSupplyWhenArmed: boolean;
  /** ms between the customer being able to see the need and acting. */
  reactionDelay: number;
}

export interface Outage {
  /** Epoch ms; active for start ≤ t < end. */
  start: number;
  end: number;
  /** ms. */
  duration: number;
  link: OutageLink;
  direction: OutageDirection;
  /** Probability a frame on the link (in the direction) is lost, 0..1. */
  loss: number;
}

export type ClockFault =
  | { device: ClockFaultDevice; at: number; kind: 'jump'; /** signed ms */ offset: number }
  | { device: ClockFaultDevice; at: number; kind: 'drift'; driftPpm: number }
  | { device: ClockFaultDevice; at: number; kind: 'unsynchronised' };

/** A power cut: the device is off for `for` ms from `at`, then starts cold from its storage. */
export interface PowerCut {
  device: 'gsme' | 'gpf' | 'ppmid';
  /** Epoch ms. */
  at: number;
  /** ms. */
  for: number;
  /** Epoch ms: at + for, when it starts again. */
  end: number;
}

/** A device's state in the DCC's Smart Metering Inventory (dcc/states.ts) from `at` on. */
export interface SmiEvent {
  /** Epoch ms: before the start is history (the SMI as the run finds it), within the run it happens in it. */
  at: number;
  /** The GSME, or the comms hub (its GPF's EUI; a CHF in the SMI). */
  device: 'gsme' | 'gpf';
  state: DeviceState;
}

export interface Scenario {
  name: string;
  description?: string;
  seed: number;
  /** Epoch ms. */
  start: number;
  /** ms. */
  duration: number;
  /** Epoch ms: start + duration. */
  end: number;
  premises: string;
  devices: { gsme: GsmeConfig; gpf: GpfConfig; ppmid: PpmidConfig };
  tariff: Tariff;
  prepayment: Prepayment;
  consumption: Consumption;
  /** Sorted by time. */
  topUps: TopUp[];
  /** The supplier's remote requests to the comms hub (WAN), sorted by time. */
  serviceRequests: ServiceRequest[];
  /** Scheduled button presses, sorted by time. */
  customer: CustomerAction[];
  autoCustomer: AutoCustomer;
  /** Sorted by start. */
  outages: Outage[];
  /** Sorted by time. */
  clockFaults: ClockFault[];
  /** Power cuts, sorted by time. */
  power: PowerCut[];
  metric: { /** £ */ tolerance: number };
  compare: boolean;
  /** The home's GB postcode, normalised ('SW1A 1AA'): its comms hub has a WAN once the DP146 plan covers it. None: always covered. */
  postcode?: string;
  /** The gas meter point (MPRN, 10 digits) the GSME and comms hub are installed at (SMI). */
  mprn: string;
  /** SMI state changes of the home's devices, sorted by time (each device's from Pending, legal ones only). */
  smi: SmiEvent[];
}

// ---------------------------------------------------------------------------------------------
// Defaults (in the input form: what a scenario file would say)

export const DEFAULT_EUIS = {
  gsme: '00DB1234567890A3',
  gpf: '00DB1234567890A4',
  ppmid: '00DB1234567890A5',
} as const;

export const DEFAULTS = {
  seed: 42,
  start: '2026-01-15T00:00:00Z',
  duration: '1d',
  premises: 'home-1',
  devices: {
    gsme: {
      firmware: 'secmp0015',
      eui: DEFAULT_EUIS.gsme,
      wakeInterval: '30m',
      wakeJitter: '60s',
      retries: 2,
      ackTimeout: '10s',
      clock: { offset: '0s', driftPpm: 0, unsynchronised: false },
    },
    gpf: { firmware: 'secmp0015', eui: DEFAULT_EUIS.gpf, unpopulatedSnapshotTime: 'invalid' },
    ppmid: {
      firmware: 'secmp0015',
      eui: DEFAULT_EUIS.ppmid,
      pollInterval: '60s',
      changeTimeFallback: true,
      staleDetection: true,
      expectedUpdateInterval: '30m',
      grace: '5m',
    },
  },
  tariff: { unitPrice: 6.5, standingCharge: 30, calorificValue: 39.5, tiers: [{ from: '00:00', tier: 1 }], blocks: [] as number[] },
  prepayment: { credit: 5, emergencyCreditLimit: 5, lowCreditThreshold: 1, debt: 0 },
  consumption: {
    // A winter day in a gas-heated home, about 28 kWh.
    profile: [
      { from: '00:00', kwhPerHour: 0.3 },
      { from: '06:30', kwhPerHour: 2.5 },
      { from: '09:00', kwhPerHour: 0.6 },
      { from: '16:30', kwhPerHour: 2.2 },
      { from: '22:30', kwhPerHour: 0.3 },
    ],
    noise: 0.2,
  },
  autoCustomer: { activateEcWhenAvailable: false, enableSupplyWhenArmed: true, reactionDelay: '5m' },
  metric: { tolerance: 0.5 },
  compare: false,
  mprn: '1234567890',
} as const;

// ---------------------------------------------------------------------------------------------
// Durations and times

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'];
const NUMBER_RE = /^[+-]?\d+(?:\.\d+)?$/;
const DURATION_RE = /^([+-]?)((?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+)$/;
const COMPONENT_RE = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/g;

/**
 * A duration in ms from a number of seconds or text like '90s', '30m', '3h', '2d', '1d12h',
 * '1s500ms' (units d h m s ms, each at most once, largest first). A sign is accepted only with
 * `signed`. Returns undefined when the text is not a duration. Results are rounded to whole ms.
 */
export function parseDuration(value: string | number, opts: { signed?: boolean } = {}): number | undefined {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    ms = Math.round(value * 1000);
  } else {
    const text = value.trim();
    if (NUMBER_RE.test(text)) {
      ms = Math.round(Number(text) * 1000);
    } else {
      const m = DURATION_RE.exec(text);
      if (!m) return undefined;
      let total = 0;
      let lastUnit = -1;
      for (const c of (m[2] ?? '').matchAll(COMPONENT_RE)) {
        const unit = c[2] ?? '';
        const order = UNIT_ORDER.indexOf(unit);
        if (order <= lastUnit) return undefined; // repeated or out of order: '3m1h', '1h1h'
        lastUnit = order;
        total += Number(c[1]) * (UNIT_MS[unit] ?? NaN);
      }
      ms = Math.round(m[1] === '-' ? -total : total);
    }
  }
  if (!opts.signed && (typeof value === 'number' ? value < 0 : /^[+-]/.test(value.trim()))) return undefined;
  if (Object.is(ms, -0)) ms = 0;
  if (!Number.isSafeInteger(ms)) return undefined;
  return ms;
}

/** The canonical text of a duration in ms: '0s', '90s' → '1m30s', '-5m', '1d12h', '1s500ms'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return '-' + formatDuration(-ms);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of UNIT_ORDER) {
    const size = UNIT_MS[unit] ?? 1;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Epoch ms of an ISO 8601 time with a zone ('2026-01-15T17:30:00Z', '…+01:00') or a bare date
 * (midnight UTC). Undefined when it is not one, or not a real date (2026-02-30).
 */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0')));
  const check = new Date(base);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z2 = zone.replace(':', '');
    offsetMin = (Number(z2.slice(1, 3)) * 60 + Number(z2.slice(3, 5))) * (z2[0] === '-' ? -1 : 1);
    if (Number(z2.slice(3, 5)) > 59) return undefined;
  }
  return base - offsetMin * 60_000;
}

/** '2026-01-15T17:30:00Z' (milliseconds shown only when not zero). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** formatTime, or what the time is when a Date cannot hold it (an offset like '+99999999d'): for messages. */
function describeTime(ms: number): string {
  return isRepresentableTime(ms) ? formatTime(ms) : ms > 0 ? 'past the year 275760' : 'before the year -271821';
}

const TIME_OF_DAY_RE = /^(\d{1,2}):(\d{2})$/;

/** ms after midnight of 'HH:MM' (00:00 … 23:59), or undefined. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = TIME_OF_DAY_RE.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]), min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return (h * 60 + min) * 60_000;
}

/** 'HH:MM' of ms after midnight. */
export function formatTimeOfDay(ms: number): string {
  const min = Math.floor(ms / 60_000);
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Field schemas

/** What an issue raised in a transform may carry besides its message (the expected part). */
export interface IssueParams {
  found?: string;
  resolved?: string;
}

type Ctx = z.core.$RefinementCtx<unknown>;

function fail(ctx: Ctx, expected: string, params?: IssueParams, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: expected, ...(params ? { params } : {}), ...(path ? { path } : {}) });
}

const E = {
  name: "lower-case letters, digits and '-' (like 'han-outage-prepay')",
  seed: 'an integer ≥ 0',
  duration: "a duration like '30m', '3h' or seconds",
  signedDuration: "a signed duration like '-5m', '90s' or seconds",
  start: "an ISO 8601 UTC time like '2026-01-15T00:00:00Z'",
  at: "an ISO 8601 UTC time like '2026-01-15T17:30:00Z' or an offset from start like '+20h'",
  timeOfDay: "a time of day 'HH:MM' (00:00 to 23:59)",
  eui: "an EUI-64 of 16 hex digits like '00DB1234567890A3'",
  bool: 'true or false',
};

const nameText = z.string({ error: E.name }).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: E.name });

function num(expected: string, ok: (v: number) => boolean = () => true) {
  return z.number({ error: expected }).refine(ok, { error: expected });
}

const bool = () => z.boolean({ error: E.bool });

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  const expected = values.length === 2 ? `'${values[0]}' or '${values[1]}'` : `one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return z.enum(values, { error: expected });
}

const stringOrNumber = (expected: string) =>
  z.custom<string | number>((v) => typeof v === 'string' || typeof v === 'number', { error: expected });

/** A duration field → ms. `positive`: must be > 0. `signed`: may be negative. `timer`: a device waits it on a timer. */
function duration(opts: { positive?: boolean; signed?: boolean; timer?: boolean } = {}) {
  const expected = opts.signed ? E.signedDuration : E.duration;
  return stringOrNumber(expected).transform((v, ctx) => {
    const ms = parseDuration(v, { signed: opts.signed ?? false });
    if (ms === undefined) {
      fail(ctx, expected);
      return z.NEVER;
    }
    if (opts.positive && ms <= 0) {
      fail(ctx, 'a duration longer than 0');
      return z.NEVER;
    }
    // The same bound a board's config has (boards/config/device-config-schema.ts): a scenario's devices are ones a board could run.
    if (opts.timer && ms > TIMER_MAX_MS) {
      fail(ctx, `a duration of at most ${formatDuration(TIMER_MAX_MS)} (the longest a board's timer waits)`);
      return z.NEVER;
    }
    return ms;
  });
}

/** A time as given: absolute (epoch ms) or relative to the scenario start ('+20h'). */
export type TimeRef = { abs: number } | { rel: number };

function absTime(expected: string) {
  return z.string({ error: expected }).transform((v, ctx) => {
    const ms = parseIsoTime(v);
    if (ms === undefined) {
      fail(ctx, expected);
      return z.NEVER;
    }
    return ms;
  });
}

const timeRef = () =>
  z.string({ error: E.at }).transform((v, ctx): TimeRef => {
    const text = v.trim();
    if (text.startsWith('+')) {
      const ms = parseDuration(text.slice(1));
      if (ms !== undefined) return { rel: ms };
    } else {
      const ms = parseIsoTime(text);
      if (ms !== undefined) return { abs: ms };
    }
    fail(ctx, E.at);
    return z.NEVER;
  });

const eui = () =>
  z
    .custom<string>((v) => typeof v === 'string' || typeof v === 'number', { error: E.eui })
    .transform((v, ctx) => {
      if (typeof v === 'number') {
        fail(ctx, `${E.eui} (quote it: YAML read it as a number)`);
        return z.NEVER;
      }
      if (!/^[0-9A-Fa-f]{16}$/.test(v)) {
        fail(ctx, E.eui);
        return z.NEVER;
      }
      return v.toUpperCase();
    });

const timeOfDay = () =>
  z.string({ error: E.timeOfDay }).transform((v, ctx) => {
    const ms = parseTimeOfDay(v);
    if (ms === undefined) {
      fail(ctx, E.timeOfDay);
      return z.NEVER;
    }
    return ms;
  });

function closest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(1, Math.floor(key.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** One line per unknown key, in the order of `keys`: "unknown key 'x' (did you mean 'y'?); known keys: a, b". */
export function unknownKeyMessage(keys: string[], known: string[]): string {
  return keys
    .map((k) => {
      const guess = closest(k, known);
      return `unknown key '${k}'${guess ? ` (did you mean '${guess}'?)` : ''}; known keys: ${known.join(', ')}`;
    })
    .join('\n');
}

/** A strict object: unknown keys are errors naming the key and the known ones. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeyMessage(iss.keys, known) : `a mapping of ${what}`),
  });
}

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: `a list of ${what}` });
}

// ---------------------------------------------------------------------------------------------
// Section schemas

const D = DEFAULTS;

const money = (what: string, ok: (v: number) => boolean = (v) => v >= 0) => num(what, (v) => Number.isFinite(v) && ok(v));

const gsmeSchema = strict(
  {
    firmware: enumOf(['secmp0015', 'legacy']).default(D.devices.gsme.firmware),
    eui: eui().prefault(D.devices.gsme.eui),
    wakeInterval: duration({ positive: true, timer: true }).prefault(D.devices.gsme.wakeInterval),
    wakeJitter: duration({ timer: true }).prefault(D.devices.gsme.wakeJitter),
    retries: num('an integer from 0 to 255', (v) => Number.isInteger(v) && v >= 0 && v <= 255).default(D.devices.gsme.retries),
    ackTimeout: duration({ positive: true, timer: true }).prefault(D.devices.gsme.ackTimeout),
    clock: strict(
      {
        offset: duration({ signed: true }).prefault(D.devices.gsme.clock.offset),
        driftPpm: num('a number of parts per million (−1000000 to 1000000)', (v) => Math.abs(v) <= 1e6).default(D.devices.gsme.clock.driftPpm),
        unsynchronised: bool().default(D.devices.gsme.clock.unsynchronised),
      },
      'offset, driftPpm, unsynchronised',
    ).prefault({}),
  },
  'the GSME settings (firmware, eui, wakeInterval, …)',
);

const gpfSchema = strict(
  {
    firmware: enumOf(['secmp0015', 'legacy']).default(D.devices.gpf.firmware),
    eui: eui().prefault(D.devices.gpf.eui),
    unpopulatedSnapshotTime: enumOf(['invalid', 'unsupported']).default(D.devices.gpf.unpopulatedSnapshotTime),
  },
  'the GPF settings (firmware, eui, unpopulatedSnapshotTime)',
);

const ppmidSchema = strict(
  {
    firmware: enumOf(['secmp0015', 'legacy']).default(D.devices.ppmid.firmware),
    eui: eui().prefault(D.devices.ppmid.eui),
    pollInterval: duration({ positive: true, timer: true }).prefault(D.devices.ppmid.pollInterval),
    changeTimeFallback: bool().default(D.devices.ppmid.changeTimeFallback),
    staleDetection: bool().default(D.devices.ppmid.staleDetection),
    expectedUpdateInterval: duration({ positive: true, timer: true }).prefault(D.devices.ppmid.expectedUpdateInterval),
    grace: duration({ timer: true }).prefault(D.devices.ppmid.grace),
  },
  'the PPMID settings (firmware, eui, pollInterval, …)',
);

/** Steps of a daily profile: at least one, strictly ascending, the first at 00:00. */
function checkDailySteps(steps: { from: number }[], ctx: Ctx, what: string, example: string): void {
  if (steps.length === 0) {
    fail(ctx, `at least one ${what} like ${example}`, { found: 'an empty list' });
    return;
  }
  const first = steps[0];
  if (first && first.from !== 0) {
    fail(ctx, `'00:00' (the first ${what} starts at midnight)`, undefined, [0, 'from']);
  }
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1], cur = steps[i];
    if (prev && cur && cur.from <= prev.from) {
      fail(ctx, `a time after the previous ${what}'s '${formatTimeOfDay(prev.from)}' (${what}s in ascending order)`, undefined, [i, 'from']);
    }
  }
}

const tariffSchema = strict(
  {
    unitPrice: num('a price in pence per kWh ≥ 0', (v) => v >= 0).default(D.tariff.unitPrice),
    standingCharge: num('a standing charge in pence per day ≥ 0', (v) => v >= 0).default(D.tariff.standingCharge),
    calorificValue: num('a calorific value in MJ/m³ (typically 38 to 40)', (v) => v > 0 && v < 100).default(D.tariff.calorificValue),
    tiers: list(
      strict(
        {
          from: timeOfDay(),
          tier: num('a tier 1, 2, 3 or 4', (v) => [1, 2, 3, 4].includes(v)).transform((v) => v as 1 | 2 | 3 | 4),
        },
        'from, tier',
      ),
      "time-of-use bands like { from: '00:00', tier: 1 }",
    )
      .max(48, { error: 'at most 48 time-of-use bands' })
      .superRefine((steps, ctx) => checkDailySteps(steps, ctx, 'band', "{ from: '00:00', tier: 1 }"))
      .prefault(D.tariff.tiers.map((t) => ({ ...t }))),
    blocks: list(num('a kWh threshold > 0', (v) => v > 0), 'kWh thresholds')
      .max(3, { error: 'at most 3 block thresholds' })
      .superRefine((b, ctx) => {
        for (let i = 1; i < b.length; i++) {
          const prev = b[i - 1] ?? 0;
          if ((b[i] ?? 0) <= prev) fail(ctx, `a threshold above the previous one (${prev} kWh)`, undefined, [i]);
        }
      })
      .default([]),
  },
  'unitPrice, standingCharge, calorificValue, tiers, blocks',
);

const prepaymentSchema = strict(
  {
    credit: money('an amount in £ ≥ 0').default(D.prepayment.credit),
    emergencyCreditLimit: money('an amount in £ ≥ 0').default(D.prepayment.emergencyCreditLimit),
    lowCreditThreshold: money('an amount in £ ≥ 0').default(D.prepayment.lowCreditThreshold),
    debt: money('an amount in £ ≥ 0').default(D.prepayment.debt),
  },
  'credit, emergencyCreditLimit, lowCreditThreshold, debt',
);

const consumptionSchema = strict(
  {
    profile: list(
      strict(
        { from: timeOfDay(), kwhPerHour: num('a rate in kWh per hour ≥ 0', (v) => v >= 0 && Number.isFinite(v)) },
        'from, kwhPerHour',
      ),
      "profile steps like { from: '00:00', kwhPerHour: 0.2 }",
    )
      .superRefine((steps, ctx) => checkDailySteps(steps, ctx, 'step', "{ from: '00:00', kwhPerHour: 0.2 }"))
      .prefault(D.consumption.profile.map((s) => ({ ...s }))),
    noise: num('a relative noise from 0 to 1', (v) => v >= 0 && v <= 1).default(D.consumption.noise),
  },
  'profile, noise',
);

const TOP_UP_AMOUNT = 'an amount in £ from 0.01 to 655.35, whole pence (what a UTRN carries)';
const TOP_UP_CODE = "a UTRN of 20 digits like '1234 5678 9012 3456 7890' (at most 2^66 − 1)";

const topUpSchema = strict(
  {
    at: timeRef(),
    amount: money(TOP_UP_AMOUNT, (v) => v > 0 && v <= UTRN_MAX_PENCE / 100 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6).optional(),
    utrn: z
      .string({ error: TOP_UP_CODE })
      .refine((v) => {
        const d = normaliseUtrn(v);
        return d !== null && utrnDigitsToBytes(d) !== null;
      }, { error: TOP_UP_CODE })
      .transform((v) => normaliseUtrn(v)!)
      .optional(),
    via: enumOf(['ppmid', 'meter']).default('ppmid'),
  },
  'at, amount, utrn, via',
).superRefine((u, ctx) => {
  if (u.amount === undefined && u.utrn === undefined) fail(ctx, `${TOP_UP_AMOUNT}, or a utrn`, undefined, ['amount']);
  if (u.amount !== undefined && u.utrn !== undefined) fail(ctx, 'either an amount (the supplier issues the code) or a utrn, not both', undefined, ['utrn']);
});

const serviceRequestSchema = strict(
  {
    at: timeRef(),
    useCase: enumOf(['GCS13a', 'GCS13b', 'GCS13c', 'GCS14', 'GCS60', 'GCS60a']),
  },
  'at, useCase',
);

const customerSchema = strict(
  {
    at: timeRef(),
    action: enumOf(['activateEc', 'enableSupply']),
    via: enumOf(['ppmid', 'meter']).optional(),
  },
  'at, action, via',
);

const autoCustomerSchema = strict(
  {
    activateEcWhenAvailable: bool().default(D.autoCustomer.activateEcWhenAvailable),
    enableSupplyWhenArmed: bool().default(D.autoCustomer.enableSupplyWhenArmed),
    reactionDelay: duration().prefault(D.autoCustomer.reactionDelay),
  },
  'activateEcWhenAvailable, enableSupplyWhenArmed, reactionDelay',
);

const outageSchema = strict(
  {
    start: timeRef(),
    duration: duration({ positive: true }),
    link: enumOf(['gsme-gpf', 'gpf-ppmid', 'all']).default('all'),
    direction: enumOf(['both', 'up', 'down']).default('both'),
    loss: num('a probability from 0 to 1', (v) => v >= 0 && v <= 1).default(1),
  },
  'start, duration, link, direction, loss',
);

const clockFaultSchema = strict(
  {
    device: enumOf(['gsme', 'ppmid']),
    at: timeRef(),
    kind: enumOf(['jump', 'drift', 'unsynchronised']),
    offset: duration({ signed: true }).optional(),
    driftPpm: num('a number of parts per million (−1000000 to 1000000)', (v) => Math.abs(v) <= 1e6).optional(),
  },
  'device, at, kind, offset, driftPpm',
);

const POSTCODE = "a GB postcode like 'SW1A 1AA'";
const postcodeSchema = z.string({ error: POSTCODE }).transform((v, ctx) => {
  try {
    const p = parsePostcode(v);
    if (p.kind === 'postcode') return p.normalised;
    fail(ctx, `${POSTCODE} (a whole postcode: an outcode like '${p.outcode}' is an area, not a home)`);
  } catch (err) {
    if (!(err instanceof PostcodeError)) throw err;
    fail(ctx, `${POSTCODE} (${err.message})`);
  }
  return z.NEVER;
});

const MPRN = "an MPRN of 10 digits like '1234567890' (quoted)";
const mprnSchema = z.string({ error: MPRN }).regex(/^[0-9]{10}$/, { error: MPRN });

const smiSchema = strict(
  {
    at: timeRef(),
    device: enumOf(['gsme', 'gpf']),
    state: enumOf(DEVICE_STATES),
  },
  'at, device, state',
);

const powerSchema = strict(
  {
    device: enumOf(['gsme', 'gpf', 'ppmid']),
    at: timeRef(),
    for: duration({ positive: true }),
  },
  'device, at, for',
);

// ---------------------------------------------------------------------------------------------
// The scenario

const rawScenarioSchema = strict(
  {
    name: nameText,
    description: z.string({ error: 'a text' }).optional(),
    seed: num(E.seed, (v) => Number.isSafeInteger(v) && v >= 0).default(D.seed),
    start: absTime(E.start).prefault(D.start),
    duration: duration({ positive: true }).prefault(D.duration),
    premises: nameText.default(D.premises),
    devices: strict(
      { gsme: gsmeSchema.prefault({}), gpf: gpfSchema.prefault({}), ppmid: ppmidSchema.prefault({}) },
      'gsme, gpf, ppmid',
    ).prefault({}),
    tariff: tariffSchema.prefault({}),
    prepayment: prepaymentSchema.prefault({}),
    consumption: consumptionSchema.prefault({}),
    topUps: list(topUpSchema, 'top-ups like { at: "+20h", amount: 10 } or { at: "+21h", utrn: "…" }').default([]),
    customer: list(customerSchema, 'button presses like { at: "+20h", action: activateEc }').default([]),
    serviceRequests: list(serviceRequestSchema, 'service requests like { at: "+19h", useCase: GCS13a }').default([]),
    autoCustomer: autoCustomerSchema.prefault({}),
    outages: list(outageSchema, 'outages like { start: "+19h", duration: 3h, link: gsme-gpf }').default([]),
    clockFaults: list(clockFaultSchema, 'clock faults like { device: gsme, at: "+6h", kind: unsynchronised }').default([]),
    power: list(powerSchema, 'power cuts like { device: gsme, at: "+6h", for: 10m }').default([]),
    metric: strict({ tolerance: money('an amount in £ ≥ 0').default(D.metric.tolerance) }, 'tolerance').prefault({}),
    compare: bool().default(D.compare),
    postcode: postcodeSchema.optional(),
    mprn: mprnSchema.default(D.mprn),
    smi: list(smiSchema, 'SMI state changes like { at: "+2h", device: gsme, state: Commissioned }').default([]),
  },
  'scenario settings (name, seed, start, duration, devices, …)',
);

type RawScenario = z.output<typeof rawScenarioSchema>;

function resolve(raw: RawScenario, ctx: Ctx): Scenario {
  const start = raw.start;
  const end = start + raw.duration;
  // Every device reads its clock through ZCL UTCTime, which ends in 2136: a later run is nothing the HAN can say.
  const latest = `${formatTime(LATEST_HAN_TIME_MS)}, the last time ZCL UTCTime can carry`;
  if (start > LATEST_HAN_TIME_MS) {
    fail(ctx, `a start no later than ${latest}`, undefined, ['start']);
    return z.NEVER;
  }
  if (end > LATEST_HAN_TIME_MS) {
    fail(ctx, `a run that ends by ${latest} (at most ${formatDuration(LATEST_HAN_TIME_MS - start)} from the start)`, { resolved: `ends ${describeTime(end)}` }, ['duration']);
    return z.NEVER;
  }
  const at = (t: TimeRef) => ('abs' in t ? t.abs : start + t.rel);
  const inRun = (t: number, path: PropertyKey[]) => {
    if (t < start || t > end) {
      fail(ctx, `a time within the run (${formatTime(start)} to ${formatTime(end)})`, { resolved: describeTime(t) }, path);
    }
  };

  const topUps = raw.topUps.map((u, i) => {
    const t = at(u.at);
    inRun(t, ['topUps', i, 'at']);
    return { at: t, ...(u.amount !== undefined ? { amount: u.amount } : {}), ...(u.utrn !== undefined ? { utrn: u.utrn } : {}), via: u.via };
  });
  const serviceRequests = raw.serviceRequests.map((r, i) => {
    const t = at(r.at);
    inRun(t, ['serviceRequests', i, 'at']);
    return { at: t, useCase: r.useCase };
  });
  const customer = raw.customer.map((c, i): CustomerAction => {
    const t = at(c.at);
    inRun(t, ['customer', i, 'at']);
    const via: Via = c.via ?? (c.action === 'enableSupply' ? 'meter' : 'ppmid');
    if (c.action === 'enableSupply' && via !== 'meter') {
      fail(ctx, "'meter' (the supply is re-enabled at the meter)", undefined, ['customer', i, 'via']);
    }
    return { at: t, action: c.action, via };
  });
  const outages = raw.outages.map((o, i): Outage => {
    const s = at(o.start);
    inRun(s, ['outages', i, 'start']);
    const e = s + o.duration;
    if (s >= start && s <= end && e > end) {
      fail(ctx, `an outage that ends by the end of the run (${formatTime(end)}; at most ${formatDuration(end - s)} from its start)`, { resolved: `ends ${describeTime(e)}` }, ['outages', i, 'duration']);
    }
    return { start: s, end: e, duration: o.duration, link: o.link, direction: o.direction, loss: o.loss };
  });
  // No two outages on the same link at once ('all' is every link; 'up' and 'down' are disjoint).
  for (let i = 0; i < outages.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = outages[j], b = outages[i];
      if (!a || !b) continue;
      const sameLink = a.link === b.link || a.link === 'all' || b.link === 'all';
      const sameDir = a.direction === b.direction || a.direction === 'both' || b.direction === 'both';
      if (sameLink && sameDir && b.start < a.end && a.start < b.end) {
        fail(
          ctx,
          `an outage not overlapping outages[${j}] (${a.link} ${a.direction}, ${describeTime(a.start)} to ${describeTime(a.end)})`,
          { resolved: describeTime(b.start) },
          ['outages', i, 'start'],
        );
      }
    }
  }
  const clockFaults = raw.clockFaults.map((f, i): ClockFault => {
    const t = at(f.at);
    inRun(t, ['clockFaults', i, 'at']);
    const path = (k: string) => ['clockFaults', i, k];
    if (f.kind === 'jump') {
      if (f.offset === undefined) fail(ctx, `${E.signedDuration} (a jump needs an offset)`, undefined, path('offset'));
      if (f.driftPpm !== undefined) fail(ctx, 'no driftPpm on a jump (use offset)', undefined, path('driftPpm'));
      return { device: f.device, at: t, kind: 'jump', offset: f.offset ?? 0 };
    }
    if (f.kind === 'drift') {
      if (f.driftPpm === undefined) fail(ctx, 'a number of parts per million (a drift needs driftPpm)', undefined, path('driftPpm'));
      if (f.offset !== undefined) fail(ctx, 'no offset on a drift (use driftPpm)', undefined, path('offset'));
      return { device: f.device, at: t, kind: 'drift', driftPpm: f.driftPpm ?? 0 };
    }
    if (f.offset !== undefined) fail(ctx, 'no offset on an unsynchronised fault', undefined, path('offset'));
    if (f.driftPpm !== undefined) fail(ctx, 'no driftPpm on an unsynchronised fault', undefined, path('driftPpm'));
    return { device: f.device, at: t, kind: 'unsynchronised' };
  });

  const power = raw.power.map((p, i): PowerCut => {
    const t = at(p.at);
    inRun(t, ['power', i, 'at']);
    const e = t + p.for;
    if (t >= start && t <= end && e > end) {
      fail(ctx, `a power cut that ends by the end of the run (${formatTime(end)}; at most ${formatDuration(end - t)} from its start)`, { resolved: `ends ${describeTime(e)}` }, ['power', i, 'for']);
    }
    return { device: p.device, at: t, for: p.for, end: e };
  });
  // A device already off cannot lose power again.
  for (let i = 0; i < power.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = power[j], b = power[i];
      if (a && b && a.device === b.device && b.at < a.end && a.at < b.end) {
        fail(ctx, `a power cut not overlapping power[${j}] (${a.device} off ${describeTime(a.at)} to ${describeTime(a.end)})`, { resolved: describeTime(b.at) }, ['power', i, 'at']);
      }
    }
  }

  // SMI history may lie before the start (the inventory as the run finds it), not after the end.
  const smiTimed = raw.smi.map((e, i) => {
    const t = at(e.at);
    if (t > end) fail(ctx, `a time no later than the end of the run (${formatTime(end)})`, { resolved: describeTime(t) }, ['smi', i, 'at']);
    return [{ at: t, device: e.device, state: e.state }, i] as const;
  });
  const smiSorted = [...smiTimed].sort((a, b) => a[0].at - b[0].at || a[1] - b[1]);
  const smiState: Record<'gsme' | 'gpf', DeviceState> = { gsme: 'Pending', gpf: 'Pending' };
  for (const [e, i] of smiSorted) {
    const from = smiState[e.device];
    if (!isLegalTransition(from, e.state)) {
      fail(ctx, `a legal SMI state change from ${from} (the ${e.device}'s state then; every device starts Pending)`, { found: e.state }, ['smi', i, 'state']);
    }
    smiState[e.device] = e.state;
  }

  const { gsme, gpf, ppmid } = raw.devices;
  const seen: [string, string][] = [['gsme', gsme.eui]];
  for (const [dev, value] of [['gpf', gpf.eui], ['ppmid', ppmid.eui]] as const) {
    const clash = seen.find(([, v]) => v === value);
    if (clash) fail(ctx, `an EUI different from devices.${clash[0]}.eui`, undefined, ['devices', dev, 'eui']);
    seen.push([dev, value]);
  }

  const byTime = <T extends { at: number }>(xs: T[]) => xs.map((x, i) => [x, i] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map(([x]) => x);
  const scenario: Scenario = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    seed: raw.seed,
    start,
    duration: raw.duration,
    end,
    premises: raw.premises,
    devices: { gsme, gpf, ppmid },
    tariff: raw.tariff,
    prepayment: raw.prepayment,
    consumption: raw.consumption,
    topUps: byTime(topUps),
    customer: byTime(customer),
    serviceRequests: byTime(serviceRequests),
    autoCustomer: raw.autoCustomer,
    outages: [...outages].sort((a, b) => a.start - b.start),
    clockFaults: byTime(clockFaults),
    power: byTime(power),
    metric: raw.metric,
    compare: raw.compare,
    ...(raw.postcode !== undefined ? { postcode: raw.postcode } : {}),
    mprn: raw.mprn,
    smi: smiSorted.map(([e]) => e),
  };
  return scenario;
}

/** Validates a scenario as read from a file (plain data) and resolves it to a `Scenario`. */
export const scenarioSchema = rawScenarioSchema.transform((raw, ctx): Scenario => resolve(raw, ctx));

/** What a scenario file may contain (durations as text or seconds, times as ISO or '+20h'). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

// ---------------------------------------------------------------------------------------------
// Compare runs

export interface ScenarioVariant {
  /** e.g. 'gsme=secmp0015 gpf=legacy ppmid=secmp0015 fallback=off' */
  label: string;
  scenario: Scenario;
}

/**
 * The firmware combinations a `compare: true` scenario also runs: every GSME × GPF × PPMID
 * firmware, and for a SECMP0015 PPMID the change-time fallback on and off (a legacy PPMID has no
 * fallback to switch). 12 variants; the scenario's own setting is among them.
 */
export function compareVariants(scenario: Scenario): ScenarioVariant[] {
  const out: ScenarioVariant[] = [];
  const fw: Firmware[] = ['secmp0015', 'legacy'];
  for (const g of fw) {
    for (const p of fw) {
      for (const m of fw) {
        for (const fallback of m === 'secmp0015' ? [true, false] : [false]) {
          const { gsme, gpf, ppmid } = scenario.devices;
          out.push({
            label: `gsme=${g} gpf=${p} ppmid=${m}${m === 'secmp0015' ? ` fallback=${fallback ? 'on' : 'off'}` : ''}`,
            scenario: {
              ...scenario,
              compare: false,
              devices: {
                gsme: { ...gsme, firmware: g },
                gpf: { ...gpf, firmware: p },
                ppmid: { ...ppmid, firmware: m, changeTimeFallback: fallback },
              },
            },
          });
        }
      }
    }
  }
  return out;
}
