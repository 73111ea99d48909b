/**
 * Figures from the real Espruino interpreter (bench/espruino.ts), kept in
 * bench/espruino-measured.json because CI has no Espruino: what `npm run bench:footprint` prints
 * and holds to the boards' variable budgets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceKind } from '../../boards/config/board-spec.ts';

export const MEASURED_FILE = fileURLToPath(new URL('../espruino-measured.json', import.meta.url));

/** `process.memory().usage` (variables in use after a collection) when the DUT had made `cycle` cycles. */
export interface Sample {
  cycle: number;
  usage: number;
}

export interface DeviceMeasure {
  device: DeviceKind;
  board: string;
  /** Variables in use at the first sample, a few seconds after boot. */
  bootVariables: number;
  /** The median of the samples of the last 100 cycles. */
  endVariables: number;
  /** Lowest and highest sample from cycle 100 on. */
  range: [number, number];
  /** Median of the last 100 cycles' samples less that of cycles 100–200, per 1,000 cycles. */
  growthPer1000: number;
  /** The interpreter's variable count (process.memory().total). */
  totalVariables: number;
  /** Its banner's version line. */
  interpreter: string;
  bundleSha256: string;
  bundleBytes: number;
  /** Console lines that say something went wrong (Uncaught, ASSERT, OUT OF MEMORY). */
  problems: string[];
  samples: Sample[];
}

/** One bench:espruino run: every device measured on one interpreter. */
export interface MeasuredRun {
  measured: string;
  commit: string;
  premises: string;
  cycles: number;
  devices: DeviceMeasure[];
}

/** The runs kept, one per interpreter variable count (a later run on the same count replaces the earlier). */
export interface MeasuredRecord {
  runs: MeasuredRun[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Growth per 1,000 cycles: the floor (fewest variables) of the second half of the run against the
 * floor of the first half from cycle 100, over the distance between the halves' starts. The floor
 * is the live heap with no poll in flight: a median moves with how many samples catch one, which
 * is the machine's load, not a leak (a PPMID beside a full test run read −26 by medians). Halves,
 * not 100-cycle windows: a device may rest at two levels (the GPF at 3,929 and ~4,010, with a
 * burst or record held or not), and a short window that happens to miss the lower one reads as
 * growth (+65 per 1,000) although the floor comes back to 3,929 later; a leak never comes back,
 * so for one the second half's floor is above the first's by the leak over the distance.
 */
export function growthPer1000(samples: Sample[], cycles: number): number {
  const mid = (100 + cycles) / 2;
  const early = samples.filter((s) => s.cycle >= 100 && s.cycle < mid);
  const late = samples.filter((s) => s.cycle >= mid);
  if (early.length === 0 || late.length === 0 || mid <= 100) return 0;
  const floor = (xs: Sample[]) => Math.min(...xs.map((s) => s.usage));
  return ((floor(late) - floor(early)) / (mid - 100)) * 1000;
}

/** The figures of a run of `cycles` cycles from its samples. */
export function summarise(samples: Sample[], cycles: number): Pick<DeviceMeasure, 'endVariables' | 'range' | 'growthPer1000' | 'samples'> {
  const steady = samples.filter((s) => s.cycle >= 100);
  const late = samples.filter((s) => s.cycle >= cycles - 100).map((s) => s.usage);
  const values = steady.map((s) => s.usage);
  return {
    endVariables: median(late),
    range: [Math.min(...values), Math.max(...values)],
    growthPer1000: growthPer1000(samples, cycles),
    samples,
  };
}

export function readMeasured(): MeasuredRecord {
  return existsSync(MEASURED_FILE) ? (JSON.parse(readFileSync(MEASURED_FILE, 'utf8')) as MeasuredRecord) : { runs: [] };
}

/**
 * `record` with `run` added, and each device it measured taken out of earlier runs on the same
 * variable count (a run left with no device goes): a device's latest measurement is the one kept.
 */
export function withRun(record: MeasuredRecord, run: MeasuredRun): MeasuredRecord {
  const replaced = (d: DeviceMeasure) => run.devices.some((n) => n.device === d.device && n.board === d.board && n.totalVariables === d.totalVariables);
  const kept = record.runs.map((r) => ({ ...r, devices: r.devices.filter((d) => !replaced(d)) })).filter((r) => r.devices.length > 0);
  return { runs: [...kept, run] };
}
