/**
 * A fleet's results: per home the core metric (docs: the spec's "core metric"; sim/run/timeline.ts
 * HomeMetrics), and across the fleet the customer-minutes misled per day per 10,000 homes,
 * percentiles of misled minutes per home-day, and totals per firmware combination and per fault
 * kind. Worked out from the homes alone, sorted by index: the same homes give the same report
 * whichever worker ran each.
 */
import type { HomeOutcome } from './run.ts';
import { FAULT_KINDS } from './population/schema.ts';

export interface FleetRow {
  /** A firmware name, or a fault kind ('none': no fault). */
  name: string;
  homes: number;
  homeDays: number;
  misledMinutes: number;
  creditMisleadingMinutes: number;
  supplyMisleadingMinutes: number;
  falseAlarmMinutes: number;
  hanLostMinutes: number;
  /** Customer-minutes misled per day per 10,000 homes. */
  misledPerDayPer10k: number;
}

export interface FleetReport {
  population: string;
  seed: number;
  homes: number;
  /** ISO 8601 UTC. */
  start: string;
  homeDays: number;
  total: FleetRow;
  /** Misled minutes per home-day over the homes: nearest-rank percentiles. */
  misledMinutesPerDay: { p50: number; p90: number; p99: number; max: number };
  byFirmware: FleetRow[];
  byFault: FleetRow[];
  /** Homes a dying broker node reached (connections lost, frames given up), and what it cost. */
  broker: { homes: number[]; connectionsLost: number; framesLost: number; hanLostMinutes: number };
  perHome: HomeOutcome[];
}

function row(name: string, homes: HomeOutcome[]): FleetRow {
  const sum = (f: (h: HomeOutcome) => number) => homes.reduce((s, h) => s + f(h), 0);
  const homeDays = sum((h) => h.days);
  const misled = sum((h) => h.metrics.misledMinutes);
  return {
    name,
    homes: homes.length,
    homeDays: round(homeDays, 4),
    misledMinutes: misled,
    creditMisleadingMinutes: sum((h) => h.metrics.creditMisleadingMinutes),
    supplyMisleadingMinutes: sum((h) => h.metrics.supplyMisleadingMinutes),
    falseAlarmMinutes: sum((h) => h.metrics.falseAlarmMinutes),
    hanLostMinutes: sum((h) => h.metrics.shownMinutes.hanLost),
    misledPerDayPer10k: homeDays > 0 ? round((misled / homeDays) * 10_000, 1) : 0,
  };
}

function round(v: number, places: number): number {
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function fleetReport(population: string, seed: number, start: number, outcomes: HomeOutcome[]): FleetReport {
  const homes = [...outcomes].sort((a, b) => a.index - b.index);
  const perDay = homes.map((h) => (h.days > 0 ? h.metrics.misledMinutes / h.days : 0)).sort((a, b) => a - b);
  const firmware = [...new Set(homes.map((h) => h.firmware))].sort();
  const byFirmware = firmware.map((f) => row(f, homes.filter((h) => h.firmware === f))).sort((a, b) => b.homes - a.homes || a.name.localeCompare(b.name));
  const byFault = ['none', ...FAULT_KINDS].map((k) => row(k, homes.filter((h) => (k === 'none' ? h.faults.length === 0 : h.faults.includes(k as never))))).filter((r) => r.homes > 0);
  const total = row('all', homes);
  return {
    population,
    seed,
    homes: homes.length,
    start: new Date(start).toISOString(),
    homeDays: total.homeDays,
    total,
    misledMinutesPerDay: { p50: round(percentile(perDay, 50), 1), p90: round(percentile(perDay, 90), 1), p99: round(percentile(perDay, 99), 1), max: round(perDay.at(-1) ?? 0, 1) },
    byFirmware,
    byFault,
    broker: {
      homes: homes.filter((h) => h.broker !== undefined).map((h) => h.index),
      connectionsLost: homes.reduce((n, h) => n + (h.broker?.connectionsLost ?? 0), 0),
      framesLost: homes.reduce((n, h) => n + (h.broker?.framesLost ?? 0), 0),
      hanLostMinutes: homes.reduce((n, h) => n + (h.broker?.hanLostMinutes ?? 0), 0),
    },
    perHome: homes,
  };
}

/** The report for a person: totals, percentiles and the two tables. */
export function formatFleetReport(r: FleetReport): string {
  const head = ['', 'homes', 'misled/day/10k', 'misled', 'credit-misl', 'supply-misl', 'false-alarm', 'HAN lost'];
  const cells = (x: FleetRow) => [x.name, String(x.homes), x.misledPerDayPer10k.toFixed(1), String(x.misledMinutes), String(x.creditMisleadingMinutes), String(x.supplyMisleadingMinutes), String(x.falseAlarmMinutes), String(x.hanLostMinutes)];
  const table = (title: string, rows: FleetRow[]) => {
    const all = [[title, ...head.slice(1)], ...rows.map(cells)];
    const w = head.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
    return all.map((c) => c.map((v, i) => (i === 0 ? v.padEnd(w[i]!) : v.padStart(w[i]!))).join('  ')).join('\n');
  };
  const p = r.misledMinutesPerDay;
  return [
    `Fleet: ${r.homes} homes of population ${r.population}, seed ${r.seed}, ${r.homeDays.toFixed(1)} home-days from ${r.start}.`,
    `Customers misled (credit more than the tolerance off with no "may be old" warning, or the gas off / on emergency credit unsaid):`,
    `  ${r.total.misledMinutes} customer-minutes = ${r.total.misledPerDayPer10k.toFixed(1)} per day per 10,000 homes; per home-day p50 ${p.p50}, p90 ${p.p90}, p99 ${p.p99}, max ${p.max} minutes.`,
    '',
    table('firmware', r.byFirmware),
    '',
    table('fault', r.byFault),
    '',
    ...(r.broker.homes.length > 0
      ? [`Broker trouble: ${r.broker.homes.length} home${r.broker.homes.length === 1 ? '' : 's'} lost ${r.broker.connectionsLost} device connection${r.broker.connectionsLost === 1 ? '' : 's'} and ${r.broker.framesLost} HAN frame${r.broker.framesLost === 1 ? '' : 's'} to a broker node: ${r.broker.hanLostMinutes} HAN-lost minute${r.broker.hanLostMinutes === 1 ? '' : 's'} (homes ${r.broker.homes.join(', ')}); their displays' minutes are in the figures above, as they showed them.`, '']
      : []),
    'misled/day/10k = misled customer-minutes per day per 10,000 homes; a home with several faults counts under each.',
  ].join('\n');
}
