/**
 * Hildebrand Glow's local MQTT layout (`hanlab sim --glow`): what a Glow IHD/CAD publishes on a
 * home's own broker, and what Home Assistant templates and exporters written for it read. Two
 * messages, neither retained (Glow's are not):
 *
 * - `glow/{deviceId}/SENSOR/gasmeter`: the gas reading, `{"gasmeter":{"timestamp",…,"energy":
 *   {"import":{…}}}}`;
 * - `glow/{deviceId}/STATE`: the device itself (software, hardware, SMETS version, EUI, HAN link).
 *
 * Here the Glow device is the PPMID, and every value is the PPMID's view or the meter's own
 * configuration (docs/decisions.md "Glow's local JSON"): the timestamp is the reading time the
 * PPMID shows, never the time of publishing; nothing is published before the PPMID shows one.
 * Where hanlab knows less than a Glow, it says less: no rssi/lqi (no radio is simulated), no
 * zigbee stack version, supplier "---" (Glow's own word for unknown).
 *
 * Builders are pure and throw on bad input (a bug in the caller), like han/topics.ts.
 */
import { ukTime } from '../firmware/display/uk-time.ts';
import type { GsmeConfig } from '../firmware/machines/index.ts';
import { kwhFromM3 } from '../firmware/machines/gsme-registers.ts';
import type { Eui64 } from '../firmware/platform/han.ts';
import { isEui64 } from './topics.ts';

export const GLOW_ROOT = 'glow';

/** Glow's word for a value it does not know. */
export const GLOW_UNKNOWN = '---';

/**
 * The Glow device id of a PPMID: its EUI-64 (16 upper-case hex digits). A real Glow uses the 12
 * hex digits of its Wi-Fi MAC; a PPMID has none, and cutting its EUI-64 to 48 bits would give
 * every home of a comparison run the same id (their EUIs differ in the middle bytes).
 */
export function glowDeviceId(eui: Eui64): string {
  if (!isEui64(eui)) throw new TypeError(`Glow device id: expected an EUI-64 as 16 upper-case hex digits, got ${JSON.stringify(eui)}`);
  return eui;
}

/** `glow/{deviceId}/SENSOR/gasmeter`. */
export function glowGasMeterTopic(eui: Eui64): string {
  return `${GLOW_ROOT}/${glowDeviceId(eui)}/SENSOR/gasmeter`;
}

/** `glow/{deviceId}/STATE`. */
export function glowStateTopic(eui: Eui64): string {
  return `${GLOW_ROOT}/${glowDeviceId(eui)}/STATE`;
}

/** What the PPMID's account may also write with --glow: its own Glow topics, nobody else's. */
export function glowWriteFilter(eui: Eui64): string {
  return `${GLOW_ROOT}/${glowDeviceId(eui)}/#`;
}

/**
 * The register (CurrentSummationDelivered, raw) at the start of each period of the UK civil
 * calendar that the latest reading falls in: day (from midnight Europe/London), week (from
 * Monday's midnight) and month. `key` names the period (a day number, the day number of its
 * Monday, year × 12 + month − 1).
 */
export interface GlowPeriods {
  day: { key: number; from: number };
  week: { key: number; from: number };
  month: { key: number; from: number };
  /** The register at the latest reading. */
  last: number;
}

function periodKeys(atMs: number): { day: number; week: number; month: number } {
  const t = ukTime(atMs);
  // weekday 0 is Sunday: Monday is (weekday + 6) % 7 days back.
  return { day: t.dayNumber, week: t.dayNumber - ((t.weekday + 6) % 7), month: t.year * 12 + t.month - 1 };
}

/**
 * The periods after a reading of `summation` taken at `atMs` (the reading time the PPMID shows).
 * The first reading (`prev` null: the home does not exist before its run) is the baseline of the
 * periods it falls in. A reading in a new period starts it from the reading before: the register
 * at midnight lies between the last reading before it and the first after, and taking the one
 * before puts the consumption across midnight in the new day, so days add up to the run's total.
 */
export function nextGlowPeriods(prev: GlowPeriods | null, atMs: number, summation: number): GlowPeriods {
  if (!Number.isFinite(atMs)) throw new TypeError(`Glow periods: reading time must be a finite Unix ms, got ${atMs}`);
  requireRegister(summation);
  const keys = periodKeys(atMs);
  const from = prev === null ? summation : prev.last;
  const period = (name: 'day' | 'week' | 'month') => (prev !== null && prev[name].key === keys[name] ? prev[name] : { key: keys[name], from });
  return { day: period('day'), week: period('week'), month: period('month'), last: summation };
}

export interface GlowGasMeterInput {
  /** The reading time the PPMID shows (its screen's `lastUpdate.at`), Unix ms. */
  readingTimeMs: number;
  /** CurrentSummationDelivered as the PPMID last received it: raw register units. */
  summation: number;
  /** From nextGlowPeriods of this reading. */
  periods: GlowPeriods;
  /**
   * The GSME's configuration as the simulator built it from the scenario: Multiplier and Divisor
   * (the PPMID reads neither), volume correction and calorific value (its billing conversion),
   * unit rate and standing charge (the scenario's tariff).
   */
  meter: GsmeConfig;
  mprn: string;
  /** The supplier's name; null: not known (Glow's "---"). */
  supplier: string | null;
}

/** ISO 8601 UTC with `Z` and no milliseconds, as Glow writes its timestamps (whole seconds, down). */
export function glowTimestamp(unixMs: number): string {
  if (!Number.isFinite(unixMs)) throw new TypeError(`Glow timestamp: expected a finite Unix ms, got ${unixMs}`);
  return new Date(Math.floor(unixMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `x` to `places` decimals: an integer over a power of ten prints as the short decimal. */
function round(x: number, places: number): number {
  const p = 10 ** places;
  return Math.round(x * p) / p;
}

function requireRegister(summation: number): void {
  if (!Number.isSafeInteger(summation) || summation < 0) throw new TypeError(`Glow: CurrentSummationDelivered must be a whole number ≥ 0, got ${summation}`);
}

/** The `glow/{deviceId}/SENSOR/gasmeter` payload. */
export function glowGasMeterJson(input: GlowGasMeterInput): string {
  const { summation, periods, meter } = input;
  requireRegister(summation);
  if (!(meter.divisor > 0) || !(meter.multiplier > 0)) throw new TypeError(`Glow: the meter's divisor and multiplier must be > 0, got ${meter.divisor} and ${meter.multiplier}`);
  const m3 = (raw: number) => (raw * meter.multiplier) / meter.divisor;
  const kwh = (raw: number) => round(kwhFromM3(meter, m3(raw)), 3);
  const since = (p: { from: number }) => summation - p.from;
  return JSON.stringify({
    gasmeter: {
      timestamp: glowTimestamp(input.readingTimeMs),
      energy: {
        import: {
          cumulative: kwh(summation),
          day: kwh(since(periods.day)),
          week: kwh(since(periods.week)),
          month: kwh(since(periods.month)),
          units: 'kWh',
          cumulativevol: round(m3(summation), 3),
          cumulativevolunits: 'm3',
          // Glow puts kWh here and says so; hanlab puts the volume its name promises.
          dayvol: round(m3(since(periods.day)), 3),
          weekvol: round(m3(since(periods.week)), 3),
          monthvol: round(m3(since(periods.month)), 3),
          dayweekmonthvolunits: 'm3',
          mprn: input.mprn,
          supplier: input.supplier ?? GLOW_UNKNOWN,
          // £ from pence, to a ten-thousandth of a penny (float division leaves a tail otherwise).
          price: { unitrate: round(meter.unitPricePencePerKwh / 100, 6), standingcharge: round(meter.standingChargePencePerDay / 100, 6) },
        },
      },
    },
  });
}

/** The PPMID's HAN link as its state model says it (firmware/machines/ppmid-logic.ts linkState). */
export type PpmidLink = 'up' | 'connecting' | 'lost';

/** Glow's han.status for each: joined while the GPF answers; otherwise what the PPMID knows. */
const HAN_STATUS: Record<PpmidLink, string> = { up: 'joined', connecting: 'joining', lost: 'lost' };

export interface GlowStateInput {
  /** The PPMID's clock when it publishes, Unix ms. */
  nowMs: number;
  eui: Eui64;
  /** The PPMID's firmware name (secmp0015, legacy). */
  firmware: string;
  link: PpmidLink;
}

/** "70:B3:D5:21:E0:00:8D:10": an EUI-64 as Glow writes it. */
export function glowEui(eui: Eui64): string {
  return glowDeviceId(eui).match(/../g)!.join(':');
}

/** The `glow/{deviceId}/STATE` payload: no rssi, lqi or zigbee version (nothing of the kind is simulated). */
export function glowStateJson(input: GlowStateInput): string {
  const status = HAN_STATUS[input.link];
  if (status === undefined) throw new TypeError(`Glow STATE: link must be up, connecting or lost, got ${JSON.stringify(input.link)}`);
  return JSON.stringify({
    timestamp: glowTimestamp(input.nowMs),
    software: input.firmware,
    hardware: 'hanlab PPMID (simulated)',
    smetsversion: 'SMETS2',
    eui: glowEui(input.eui),
    han: { status },
  });
}
