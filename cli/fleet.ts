/**
 * `hanlab fleet`: many homes drawn from a population, each run in virtual time, and the fleet's
 * customer-minutes misled (fleet/).
 */
import { writeFileSync } from 'node:fs';
import { parseDuration } from '../sim/scenario/time.ts';
import { DEFAULT_POPULATION, listBuiltinPopulations, loadPopulation, PopulationError } from '../fleet/population/load.ts';
import type { LoadedPopulation } from '../fleet/population/load.ts';
import { runFleetRange } from '../fleet/run.ts';
import type { HomeOutcome } from '../fleet/run.ts';
import { runFleetOnWorkers } from '../fleet/workers.ts';
import { workerMain } from '../fleet/worker-main.ts';
import { fleetReport, formatFleetReport } from '../fleet/results.ts';
import { fleetChartSvg } from '../fleet/chart.ts';
import { drawHome, MAX_HOMES } from '../fleet/population/draw.ts';
import { parseCommandArgs } from './args.ts';
import { UsageError } from './usage.ts';
import { checkWritableFile } from './writable.ts';

export const help = `hanlab fleet — many homes drawn from a population, each run in virtual time; the fleet's misled customer-minutes

Usage: hanlab fleet [--homes N] [--population NAME|FILE] [--seed N] [--until DURATION]
                    [--workers W] [--broker in-process|embedded] [--runtime compact|xstate]
                    [--json] [--out FILE] [--chart FILE.svg]

  --homes N             how many homes (default 100): home i is drawn from the population and the
                        seed alone, so a home is the same in any run, on any worker
  --population NAME|FILE  a built-in population (${listBuiltinPopulations().join(', ')}; default
                        ${DEFAULT_POPULATION}) or a YAML / JSON file: the sections every home shares,
                        firmware combinations with shares, distributions of unit price, credit
                        and consumption, and fault kinds (HAN outage, frame loss, clock fault,
                        power cut) each with the share of homes it strikes (fleet/README.md)
  --seed N              the fleet's seed (default 1): same population + seed = same report
  --until DURATION      run each home only this long from its start (e.g. 12h; default the
                        population's duration)
  --workers W           run the homes on W local worker processes (default 1: in this process);
                        a worker that dies is replaced and its unfinished homes rerun
  --broker in-process|embedded  each home's HAN: the in-process bus (default) or an embedded
                        MQTT broker of its own
  --runtime compact|xstate  the devices' machine runtime (default compact)
  --json                the report as JSON (every home's metric, the totals, percentiles and
                        tables) instead of text
  --out FILE            write the report to FILE instead of stdout
  --chart FILE.svg      also draw the report: misled customer-minutes per day per 10,000 homes
                        by firmware combination and by fault kind

Misled: a minute in which the PPMID showed a credit more than the tolerance off the meter's with no
"may be old" warning, or the gas was off / on emergency credit and the display did not say so.
Progress goes to stderr; the report is the same for the same population, seed and homes,
whatever the number of workers.`;

const whole = (flag: string, text: string | undefined, dflt: number, min: number, max: number): number => {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`--${flag}: expected a whole number ${min}…${max}, found "${text}"`, { seeHelp: true });
  return n;
};

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === '--worker' && argv.length === 1) return workerMain();
  const { values } = parseCommandArgs(
    argv,
    {
      homes: { type: 'string' },
      population: { type: 'string' },
      seed: { type: 'string' },
      until: { type: 'string' },
      workers: { type: 'string' },
      broker: { type: 'string' },
      runtime: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      chart: { type: 'string' },
    },
    false,
  );
  const homes = whole('homes', values.homes, 100, 1, MAX_HOMES - 1);
  const seed = whole('seed', values.seed, 1, 0, 0xffff_ffff);
  const workers = whole('workers', values.workers, 1, 1, 256);
  const broker = values.broker ?? 'in-process';
  if (broker !== 'in-process' && broker !== 'embedded') throw new UsageError(`--broker: expected in-process or embedded, found "${broker}"`, { seeHelp: true });
  const runtime = values.runtime ?? 'compact';
  if (runtime !== 'compact' && runtime !== 'xstate') throw new UsageError(`--runtime: expected compact or xstate, found "${runtime}"`, { seeHelp: true });
  let loaded: LoadedPopulation;
  try {
    loaded = loadPopulation(values.population ?? DEFAULT_POPULATION);
  } catch (err) {
    if (err instanceof PopulationError) throw new UsageError(`--population: ${err.message}`);
    throw err;
  }
  const pop = loaded.population;
  const first = drawHome(pop, seed, 0).scenario;
  let untilMs: number | undefined;
  if (values.until !== undefined) {
    const ms = parseDuration(values.until.replace(/^\+/, ''));
    if (ms === undefined || ms <= 0 || ms > first.duration) throw new UsageError(`--until: expected a duration after the start and within the population's ${first.duration / 3_600_000} h (like 12h), found "${values.until}"`, { seeHelp: true });
    untilMs = ms;
  }
  if (values.out !== undefined) checkWritableFile('--out', values.out);
  if (values.chart !== undefined) checkWritableFile('--chart', values.chart);

  let count = 0;
  let said = Date.now();
  const progress = (o: HomeOutcome) => {
    count++;
    if (Date.now() - said < 5000 && count < homes) return;
    said = Date.now();
    process.stderr.write(`hanlab fleet: ${count}/${homes} homes (home ${o.index}: ${o.firmware}, ${o.metrics.misledMinutes} misled minutes)\n`);
  };
  const outcomes =
    workers === 1
      ? await runFleetRange(pop, { seed, first: 0, count: homes, broker, runtime, ...(untilMs !== undefined ? { untilMs } : {}), onHome: progress })
      : await runFleetOnWorkers(pop, {
          workers,
          homes,
          seed,
          label: loaded.label,
          broker,
          runtime,
          ...(untilMs !== undefined ? { untilMs } : {}),
          onHome: progress,
          onWorkerLost: (w) => process.stderr.write(`hanlab fleet: worker pid ${w.pid} lost (${w.reason}); its ${w.homesLeft} unfinished homes go to a new worker\n`),
        });
  const report = fleetReport(pop.name, seed, first.start, outcomes);
  const text = values.json ? JSON.stringify(report, null, 2) + '\n' : formatFleetReport(report) + '\n';
  if (values.out !== undefined) writeFileSync(values.out, text);
  else process.stdout.write(text);
  if (values.chart !== undefined) writeFileSync(values.chart, fleetChartSvg(report));
  return 0;
}
