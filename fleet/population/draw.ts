/**
 * One home of a population: its firmware combination, tariff, credit, consumption and faults drawn
 * from the population's distributions, made into a scenario (validated as any scenario file is).
 * Each draw is a function of (seed, home, field) alone, not of draw order: home 7 is the same
 * home whether it runs alone, first or on another worker.
 */
import { hash32, mulberry32 } from '../../dcc/rng.ts';
import { resolveScenario } from '../../sim/scenario/load.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { firmwareName } from '../../sim/run/variants.ts';
import { DEFAULTS } from '../../sim/scenario/defaults.ts';
import { parseDuration } from '../../sim/scenario/time.ts';
import type { FaultKind, NumberDist, Population } from './schema.ts';

export interface DrawnHome {
  index: number;
  /** Its premises on the HAN: `fleet-{index}`. */
  premises: string;
  scenario: Scenario;
  /** Its firmware as a name ('secmp0015', 'legacy-gpf', …: sim/run/variants.ts firmwareName). */
  firmware: string;
  faults: FaultKind[];
}

/** A home's device EUIs: 00DB F1, the home's index in 8 hex digits, then the device (A3 GSME, A4 GPF, A5 PPMID). */
export function fleetEui(index: number, device: 'gsme' | 'gpf' | 'ppmid'): string {
  return `00DBF1${index.toString(16).toUpperCase().padStart(8, '0')}${{ gsme: 'A3', gpf: 'A4', ppmid: 'A5' }[device]}`;
}

export const MAX_HOMES = 0x1_0000_0000;

export function drawHome(pop: Population, seed: number, index: number): DrawnHome {
  const u = (field: string) => draw01(seed, index, field);
  const num = (d: NumberDist, field: string): number => drawNumber(d, () => u(`${field} 1`), () => u(`${field} 2`));
  const home = structuredClone(pop.home) as Record<string, any>;

  // Firmware: by share.
  const mix = pick(pop.firmware.map((f) => [f, f.share] as const), u('firmware'));
  const devices = (home['devices'] ?? {}) as Record<string, Record<string, unknown>>;
  const device = (role: 'gsme' | 'gpf' | 'ppmid', extra: Record<string, unknown> = {}) => ({ ...(devices[role] ?? {}), firmware: mix[role], eui: fleetEui(index, role), ...extra });
  home['devices'] = {
    gsme: device('gsme'),
    gpf: device('gpf'),
    // The change-time fallback is a SECMP0015 PPMID's (a legacy one has none, as in compareVariants).
    ppmid: device('ppmid', mix.ppmid === 'legacy' ? { changeTimeFallback: false } : mix.changeTimeFallback === undefined ? {} : { changeTimeFallback: mix.changeTimeFallback }),
  };

  const d = pop.draw;
  if (d.unitPrice !== undefined) home['tariff'] = { ...(home['tariff'] ?? {}), unitPrice: round(Math.max(0, num(d.unitPrice, 'unitPrice')), 3) };
  if (d.credit !== undefined) home['prepayment'] = { ...(home['prepayment'] ?? {}), credit: round(Math.max(0, num(d.credit, 'credit')), 2) };
  if (d.consumptionScale !== undefined) {
    const scale = Math.max(0, num(d.consumptionScale, 'consumptionScale'));
    const consumption = (home['consumption'] ?? {}) as { profile?: { from: string; kwhPerHour: number }[] };
    const profile = consumption.profile ?? DEFAULTS.consumption.profile;
    home['consumption'] = { ...consumption, profile: profile.map((s) => ({ ...s, kwhPerHour: round(s.kwhPerHour * scale, 3) })) };
  }

  // Faults: each kind independently, with its share; times in whole minutes from the start, each
  // fault inside the run (a scenario's outages and power cuts end by its end).
  const runMinutes = Math.floor(durationMs(pop.duration) / 60_000);
  const startAt = (field: string, dist: NumberDist) => Math.min(runMinutes - 1, Math.max(0, Math.round(num(dist, field) * 60)));
  const lasting = (from: number, field: string, dist: NumberDist) => Math.min(runMinutes - from, Math.max(1, Math.round(num(dist, field))));
  const faults: FaultKind[] = [];
  const outages: { start: string; duration: string; link: string; direction: 'both'; loss: number }[] = [];
  const clockFaults: unknown[] = [];
  const power: unknown[] = [];
  const outage = (from: number, minutes: number, link: string, loss: number) => outages.push({ start: `+${from}m`, duration: `${minutes}m`, link, direction: 'both', loss });
  const f = pop.faults;
  const happens = (kind: FaultKind) => {
    const spec = f[kind];
    if (spec === undefined || !(u(`${kind} happens`) < spec.share)) return false;
    faults.push(kind);
    return true;
  };
  let down: [number, number] | null = null; // the GSME↔GPF outage, which frame loss on that link must not overlap
  if (happens('hanOutage')) {
    const o = f.hanOutage!;
    const from = startAt('hanOutage start', o.startHours);
    const minutes = lasting(from, 'hanOutage minutes', o.minutes);
    const link = pickName(o.link, u('hanOutage link'));
    outage(from, minutes, link, 1);
    if (link === 'gsme-gpf') down = [from, from + minutes];
  }
  if (happens('frameLoss')) {
    const loss = round(Math.min(1, Math.max(0, num(f.frameLoss!.loss, 'frameLoss loss'))), 3);
    const spans: [number, number][] = down === null ? [[0, runMinutes]] : [[0, down[0]], [down[1], runMinutes]];
    for (const [a, b] of spans) if (b > a) outage(a, b - a, 'gsme-gpf', loss);
  }
  if (happens('clockFault')) {
    const c = f.clockFault!;
    clockFaults.push({ device: pickName(c.device, u('clockFault device')), at: `+${startAt('clockFault start', c.startHours)}m`, kind: 'unsynchronised' });
  }
  if (happens('powerCut')) {
    const c = f.powerCut!;
    const from = startAt('powerCut start', c.startHours);
    power.push({ device: pickName(c.device, u('powerCut device')), at: `+${from}m`, for: `${lasting(from, 'powerCut minutes', c.minutes)}m` });
  }
  outages.sort((a, b) => parseInt(a.start.slice(1), 10) - parseInt(b.start.slice(1), 10));

  const raw = {
    ...home,
    name: pop.name,
    seed: hash32(`${seed}:home ${index}`) & 0x7fff_ffff,
    start: pop.start,
    duration: pop.duration,
    premises: `fleet-${index}`,
    outages,
    clockFaults,
    power,
    compare: false,
  };
  const scenario = resolveScenario(raw, `${pop.name} home ${index}`);
  return { index, premises: scenario.premises, scenario, firmware: firmwareName(scenario), faults };
}

/** The population's run length in ms (checked again, with the scenario's message, when a home is resolved). */
function durationMs(d: string | number): number {
  const ms = parseDuration(d, { signed: false });
  if (ms === undefined || !(ms >= 60_000)) throw new RangeError(`duration: expected a duration of at least a minute like '1d' or '36h', found ${JSON.stringify(d)}`);
  return ms;
}

function round(v: number, places: number): number {
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

/**
 * A uniform number in [0, 1) for (seed, home, field). The key's hash seeds a mulberry32 whose
 * second output is taken: the hash alone left neighbouring homes' draws correlated (keys that
 * differ in one digit; homes 1–6 of seed 1 all drew frame loss at a 15 % share).
 */
export function draw01(seed: number, index: number, field: string): number {
  const r = mulberry32(hash32(`${seed}:home ${index}:${field}`));
  r();
  return r();
}

/** A number from `d`, with two uniform draws (Box–Muller for a normal). */
export function drawNumber(d: NumberDist, u1: () => number, u2: () => number): number {
  if (typeof d === 'number') return d;
  if ('uniform' in d) return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * u1();
  const z = Math.sqrt(-2 * Math.log(1 - u1())) * Math.cos(2 * Math.PI * u2());
  const v = d.normal[0] + d.normal[1] * z;
  return Math.min(d.max ?? Infinity, Math.max(d.min ?? -Infinity, v));
}

function pick<T>(weighted: readonly (readonly [T, number])[], x: number): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  for (const [v, w] of weighted) {
    acc += w / total;
    if (x < acc) return v;
  }
  return weighted.filter(([, w]) => w > 0).at(-1)![0];
}

function pickName<K extends string>(weights: Partial<Record<K, number>>, x: number): K {
  return pick(Object.entries(weights).map(([k, w]) => [k as K, (w as number) ?? 0] as const), x);
}
