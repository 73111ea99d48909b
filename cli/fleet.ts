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
import { coordinateFleet } from '../fleet/coordinator.ts';
import { runRemoteWorker } from '../fleet/remote-worker.ts';
import { connectNats, NatsUrlError, parseNatsUrls } from '../fleet/nats-link.ts';
import type { NatsTarget } from '../fleet/nats-link.ts';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from './args.ts';
import { parseSpeedArg } from './run-args.ts';
import { UsageError } from './usage.ts';
import { checkWritableFile } from './writable.ts';
import { checkBrokerUrl } from './broker-url.ts';
import { liveHomesBudget, openFileLimit, openFileShortfall, OpenFileBudgetError } from '../fleet/open-files.ts';

export const help = `hanlab fleet — many homes drawn from a population, each run in virtual time; the fleet's misled customer-minutes

Usage: hanlab fleet [--homes N] [--population NAME|FILE] [--seed N] [--until DURATION] [--speed X | --virtual]
                    [--workers W] [--nats nats://[USER:PASS@]HOST:PORT[,…] [--run ID]]
                    [--broker in-process|embedded|mqtt://HOST:PORT[,…]] [--runtime compact|xstate]
                    [--json] [--out FILE] [--chart FILE.svg]
       hanlab fleet worker --coordinator nats://[USER:PASS@]HOST:PORT[,…] [--run ID] [--capacity N]

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
  --speed X             pace every home at X × real time (1: real cadence), all homes live at
                        once, each process's share within its open files (ulimit -n: a home on
                        MQTT brokers holds up to 5, on its own embedded broker 1, 64 kept); --virtual
                        (the default): virtual time, each home as fast as it runs, one after another
  --workers W           run the homes on W local worker processes (default 1: in this process);
                        a worker that dies is replaced and its unfinished homes rerun
  --nats URL            coordinate the run over this NATS server (or cluster, comma-separated):
                        W local workers (default 1; 0 for none) and any number of
                        \`hanlab fleet worker\` on other machines take homes a few at a time;
                        a worker silent for 5 s is lost and its unreported homes rerun elsewhere
  --run ID              the run's name on NATS (default a random one, printed with the command
                        that joins it)

  worker                join a fleet run as a worker: --coordinator names the NATS server(s)
                        the coordinator uses; --run a run (default whichever answers first);
                        --capacity at most N paced homes live on this worker (default: as many
                        as its open files allow, (ulimit -n − 64) ÷ 5 on MQTT brokers)
  --broker in-process|embedded|mqtt://HOST:PORT[,…]  each home's HAN: the in-process bus
                        (default), an embedded MQTT broker of its own, or MQTT brokers holding the
                        fleet's accounts (hanlab cluster up --population … --homes N --seed S):
                        home i's devices start on the (i mod k)-th URL and fail over to the rest
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

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

function natsTarget(flag: string, text: string): NatsTarget {
  try {
    return parseNatsUrls(text);
  } catch (err) {
    if (err instanceof NatsUrlError) throw new UsageError(`--${flag}: ${err.message}`, { seeHelp: true });
    throw err;
  }
}

async function worker(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { coordinator: { type: 'string' }, run: { type: 'string' }, capacity: { type: 'string' } }, false);
  const capacity = values.capacity === undefined ? undefined : whole('capacity', values.capacity, 1, 1, 100_000);
  if (values.coordinator === undefined) throw new UsageError('worker: --coordinator nats://HOST:PORT is required', { seeHelp: true });
  const target = natsTarget('coordinator', values.coordinator);
  if (values.run !== undefined && !RUN_ID.test(values.run)) throw new UsageError(`--run: expected letters, digits, '-' or '_' (at most 64), found "${values.run}"`, { seeHelp: true });
  let nc;
  try {
    nc = await connectNats(target, 'hanlab fleet worker');
  } catch (err) {
    process.stderr.write(`hanlab fleet worker: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const ran = await runRemoteWorker(nc, {
      ...(values.run !== undefined ? { run: values.run } : {}),
      ...(capacity !== undefined ? { capacity } : {}),
      onJoined: (job) => process.stderr.write(`hanlab fleet worker: joined run ${job.run} (${job.label}, seed ${job.seed})\n`),
    });
    process.stderr.write(`hanlab fleet worker: ran ${ran} home${ran === 1 ? '' : 's'}; the run is over\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`hanlab fleet worker: ${(err as Error).message}${err instanceof OpenFileBudgetError ? ' (see hanlab fleet --help)' : ''}\n`);
    return err instanceof OpenFileBudgetError ? 2 : 1;
  } finally {
    await nc.close().catch(() => {});
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === '--worker' && argv.length === 1) return workerMain();
  if (argv[0] === 'worker') return worker(argv.slice(1));
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
      nats: { type: 'string' },
      run: { type: 'string' },
      speed: { type: 'string' },
      virtual: { type: 'boolean' },
    },
    false,
  );
  const homes = whole('homes', values.homes, 100, 1, MAX_HOMES - 1);
  const seed = whole('seed', values.seed, 1, 0, 0xffff_ffff);
  const nats = values.nats === undefined ? null : natsTarget('nats', values.nats);
  if (values.run !== undefined && nats === null) throw new UsageError('--run: only with --nats', { seeHelp: true });
  if (values.run !== undefined && !RUN_ID.test(values.run)) throw new UsageError(`--run: expected letters, digits, '-' or '_' (at most 64), found "${values.run}"`, { seeHelp: true });
  const workers = whole('workers', values.workers, 1, nats === null ? 1 : 0, 256);
  const broker = values.broker ?? 'in-process';
  if (broker !== 'in-process' && broker !== 'embedded') {
    if (!/^mqtt/.test(broker)) throw new UsageError(`--broker: expected in-process, embedded or mqtt://HOST:PORT[,mqtt://HOST:PORT…], found "${broker}"`, { seeHelp: true });
    for (const u of broker.split(',')) checkBrokerUrl('--broker', u);
  }
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
  let speed: number | undefined;
  if (values.speed !== undefined && values.virtual) throw new UsageError('--speed: not with --virtual (paced, or as fast as it runs: one of them)', { seeHelp: true });
  speed = parseSpeedArg(values.speed);
  if (values.out !== undefined) checkWritableFile('--out', values.out);
  if (values.chart !== undefined) checkWritableFile('--chart', values.chart);
  // Paced homes are all live at once: each process's share must fit its open files (workers forked
  // here inherit this process's limit). NATS workers bound themselves as they take homes.
  if (speed !== undefined && nats === null) {
    const limit = openFileLimit();
    const perProcess = Math.ceil(homes / workers);
    const need = Math.ceil(homes / Math.max(1, liveHomesBudget(limit, broker)));
    const short = openFileShortfall(perProcess, broker, limit, need <= 256 ? `use --workers ${need} or more, or raise ulimit -n` : 'raise ulimit -n or run workers on more machines (--nats)');
    if (short !== null) throw new UsageError(`--homes ${homes} --speed ${values.speed}${workers > 1 ? ` --workers ${workers}` : ''}: ${short}`, { seeHelp: true });
  }

  let count = 0;
  let said = Date.now();
  const progress = (o: HomeOutcome) => {
    count++;
    if (Date.now() - said < 5000 && count < homes) return;
    said = Date.now();
    process.stderr.write(`hanlab fleet: ${count}/${homes} homes (home ${o.index}: ${o.firmware}, ${o.metrics.misledMinutes} misled minutes)\n`);
  };
  const common = { seed, broker, runtime, ...(untilMs !== undefined ? { untilMs } : {}), ...(speed !== undefined ? { speed } : {}) } as const;
  let outcomes;
  try {
    outcomes =
    nats !== null
      ? await coordinated(nats, values.nats!, values.run ?? `r${randomBytes(4).toString('hex')}`, workers, homes, { ...common, population: pop, label: loaded.label }, progress)
      : workers === 1
        ? await runFleetRange(pop, { ...common, first: 0, count: homes, onHome: progress })
        : await runFleetOnWorkers(pop, {
            ...common,
            workers,
            homes,
            label: loaded.label,
            onHome: progress,
            onWorkerLost: (w) => process.stderr.write(`hanlab fleet: worker pid ${w.pid} lost (${w.reason}); its ${w.homesLeft} unfinished homes go to a new worker\n`),
          });
  } catch (err) {
    // A home that could not run (its broker gone, say): one line, not a stack.
    process.stderr.write(`hanlab fleet: ${(err as Error).message}\n`);
    return 1;
  }
  if (outcomes === null) return 1;
  const report = fleetReport(pop.name, seed, first.start, outcomes);
  const text = values.json ? JSON.stringify(report, null, 2) + '\n' : formatFleetReport(report) + '\n';
  if (values.out !== undefined) writeFileSync(values.out, text);
  else process.stdout.write(text);
  if (values.chart !== undefined) writeFileSync(values.chart, fleetChartSvg(report));
  return 0;
}

const BIN = fileURLToPath(new URL('../bin/hanlab.js', import.meta.url));

/** The run coordinated over NATS, with `local` worker processes of this machine joining it; null when NATS cannot be reached. */
async function coordinated(
  target: NatsTarget,
  urlText: string,
  runId: string,
  local: number,
  homes: number,
  job: Parameters<typeof coordinateFleet>[1]['job'],
  progress: (o: HomeOutcome) => void,
): Promise<HomeOutcome[] | null> {
  let nc;
  try {
    nc = await connectNats(target, 'hanlab fleet coordinator');
  } catch (err) {
    process.stderr.write(`hanlab fleet: ${(err as Error).message}\n`);
    return null;
  }
  process.stderr.write(`hanlab fleet: run ${runId} coordinated on NATS ${target.servers.join(',')}; more workers join with: hanlab fleet worker --coordinator ${urlText} --run ${runId}\n`);
  const children = new Set<import('node:child_process').ChildProcess>();
  let over = false;
  let restarts = 0;
  const start = () => {
    const child = fork(BIN, ['fleet', 'worker', '--coordinator', urlText, '--run', runId], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    children.add(child);
    let tail = '';
    child.stderr!.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-500)));
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (over || code === 0) return;
      const why = signal ? `killed by ${signal}` : `exit status ${code}: ${tail.trim().split('\n').at(-1) ?? ''}`;
      if (++restarts > 3 * Math.max(1, local)) {
        process.stderr.write(`hanlab fleet: local worker pid ${child.pid} lost (${why}); not replaced (${restarts - 1} replaced already)\n`);
        return;
      }
      process.stderr.write(`hanlab fleet: local worker pid ${child.pid} lost (${why}); a new one joins\n`);
      start();
    });
  };
  try {
    const run = coordinateFleet(nc, {
      run: runId,
      homes,
      job,
      onHome: progress,
      onWorkerJoined: (w) => process.stderr.write(`hanlab fleet: worker ${w} joined\n`),
      onWorkerLost: (w) => process.stderr.write(`hanlab fleet: worker ${w.worker} lost (silent 5 s); its ${w.homesLeft} unreported homes go back to the queue\n`),
    });
    for (let i = 0; i < local; i++) start();
    return await run;
  } finally {
    over = true;
    for (const c of children) c.kill();
    await nc.close().catch(() => {});
  }
}
