/**
 * Fleets at real cadence on a NATS cluster (issue 16): `npm run bench:fleet [-- --homes N]
 * [--minutes M] [--nodes K] [--workers W] [--speeds LIST --speed-homes H] [--seed S]`.
 *
 * 1. A K-node cluster (default 3) started as `hanlab cluster up` starts it, holding the accounts of
 *    the fleet's N homes (default 10,000; fleet/identities.ts), MQTT streams in 3 copies.
 * 2. The N homes of the built-in population, every device an MQTT client of the cluster (home i on
 *    node i mod K, failing over to the others), paced at real time (`--speed 1`) for M simulated
 *    minutes (default 15), all live at once, on W local worker processes (default 4: each holds
 *    N/W homes × 5 connections within its 20,000 open files).
 * 3. The highest sustained speed for H homes (default 1,000): each speed of LIST (default
 *    10,30,100,300) run for 30 simulated minutes; sustained when the wall time is within 10 % of
 *    30 min / speed.
 * Prints homes, device connections, HAN frames per wall second, CPU and peak RSS per worker and
 * per broker node, and the speed-up over real time. Budget: the N homes complete at real cadence
 * with no frame lost to the brokers and no device connection lost (exit 1 otherwise).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster, stopCluster } from '../fleet/cluster/nats-cluster.ts';
import type { ClusterInfo } from '../fleet/cluster/nats-cluster.ts';
import { fleetIdentities } from '../fleet/identities.ts';
import { loadPopulation } from '../fleet/population/load.ts';
import { runFleetOnWorkers } from '../fleet/workers.ts';
import type { WorkerStats } from '../fleet/workers.ts';
import type { HomeOutcome } from '../fleet/run.ts';
import { progress } from './progress.ts';

const { values } = parseArgs({
  options: {
    homes: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '15' },
    nodes: { type: 'string', default: '3' },
    workers: { type: 'string', default: '4' },
    speeds: { type: 'string', default: '10,30,100,300' },
    'speed-homes': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
  },
});
const HOMES = Number(values.homes);
const MINUTES = Number(values.minutes);
const NODES = Number(values.nodes);
const WORKERS = Number(values.workers);
const SPEEDS = values.speeds === 'none' ? [] : values.speeds!.split(',').map(Number).filter((x) => x > 0);
const SPEED_HOMES = Number(values['speed-homes']);
const SEED = Number(values.seed);
const SPEED_MINUTES = 30;
const p = progress('fleet');
const MiB = 1024 * 1024;

/** A process's CPU seconds and peak RSS (MiB), from /proc. */
function procStats(pid: number): { cpuSeconds: number; maxRssMiB: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100, maxRssMiB: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return null;
  }
}

interface FleetRun {
  outcomes: HomeOutcome[];
  wallSeconds: number;
  workers: WorkerStats[];
  nodes: { name: string; cpuSeconds: number; maxRssMiB: number }[];
}

async function fleetRun(info: ClusterInfo, homes: number, minutes: number, speed: number, label: string): Promise<FleetRun> {
  const pop = loadPopulation('gb-prepay').population;
  const before = info.nodes.map((n) => procStats(n.pid)?.cpuSeconds ?? 0);
  const workers: WorkerStats[] = [];
  let done = 0;
  const t0 = performance.now();
  const outcomes = await p.step(`${label}: ${homes} homes × ${minutes} simulated min at ${speed}× on ${Math.min(WORKERS, homes)} workers`, () =>
    runFleetOnWorkers(pop, {
      workers: Math.min(WORKERS, homes),
      homes,
      seed: SEED,
      label: 'gb-prepay',
      broker: info.nodes.map((n) => n.mqttUrl).join(','),
      runtime: 'compact',
      untilMs: minutes * 60_000,
      speed,
      onHome: () => {
        done++;
        p.tick(() => `${label}: ${done}/${homes} homes done`);
      },
      onStats: (s) => workers.push(s),
      onWorkerLost: (w) => p.say(`${label}: worker ${w.pid} lost (${w.reason})`),
    }),
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  const nodes = info.nodes.map((n, i) => {
    const s = procStats(n.pid);
    return { name: n.name, cpuSeconds: (s?.cpuSeconds ?? 0) - before[i]!, maxRssMiB: s?.maxRssMiB ?? 0 };
  });
  return { outcomes, wallSeconds, workers, nodes };
}

const dir = mkdtempSync(join(tmpdir(), 'hanlab-bench-fleet-'));
const failures: string[] = [];
let info: ClusterInfo | null = null;
try {
  const pop = loadPopulation('gb-prepay').population;
  const accounts = Math.max(HOMES, SPEED_HOMES);
  info = await p.step(`cluster: ${NODES} nodes with the accounts of ${accounts} homes`, () =>
    startCluster({ nodes: NODES, dir, identities: fleetIdentities(pop, SEED, accounts), startTimeoutMs: 120_000 }),
  );

  const r = await fleetRun(info, HOMES, MINUTES, 1, 'real cadence');
  const frames = r.outcomes.reduce((n, o) => n + o.frames, 0);
  const lostFrames = r.outcomes.reduce((n, o) => n + (o.broker?.framesLost ?? 0), 0);
  const lostConnections = r.outcomes.reduce((n, o) => n + (o.broker?.connectionsLost ?? 0), 0);
  console.log(`\nFleet at real cadence on a ${NODES}-node NATS cluster (MQTT over JetStream), seed ${SEED}`);
  console.log(`  homes ${r.outcomes.length} of ${HOMES}, device connections ${r.outcomes.length * 3} (+ no WAN clients: the population has no service requests)`);
  console.log(`  ${MINUTES} simulated minutes in ${r.wallSeconds.toFixed(1)} s of wall time (connections and start-up included): speed-up ${((MINUTES * 60) / r.wallSeconds).toFixed(2)}× real time`);
  console.log(`  HAN frames ${frames} (${(frames / r.wallSeconds).toFixed(0)} per wall second); lost to the brokers ${lostFrames}; device connections lost ${lostConnections}`);
  for (const w of r.workers.sort((a, b) => a.pid - b.pid)) console.log(`  worker pid ${w.pid}: ${w.homes} homes, CPU ${w.cpuSeconds.toFixed(1)} s, peak RSS ${w.maxRssMiB.toFixed(0)} MiB`);
  for (const n of r.nodes) console.log(`  node ${n.name}: CPU ${n.cpuSeconds.toFixed(1)} s, peak RSS ${n.maxRssMiB.toFixed(0)} MiB`);
  if (r.outcomes.length !== HOMES) failures.push(`${HOMES - r.outcomes.length} homes did not complete`);
  if (lostFrames > 0) failures.push(`${lostFrames} HAN frames lost to the brokers`);
  if (lostConnections > 0) failures.push(`${lostConnections} device connections lost`);
  if (r.outcomes.some((o) => o.metrics.minutes < MINUTES - 1)) failures.push('a home ran fewer minutes than asked');

  console.log(`\nHighest sustained speed for ${SPEED_HOMES} homes (${SPEED_MINUTES} simulated minutes each; sustained: wall time within 10 % of the paced time)`);
  let best = 0;
  for (const speed of SPEEDS) {
    const s = await fleetRun(info, SPEED_HOMES, SPEED_MINUTES, speed, `speed ${speed}`);
    const paced = (SPEED_MINUTES * 60) / speed;
    const achieved = (SPEED_MINUTES * 60) / s.wallSeconds;
    const ok = s.outcomes.length === SPEED_HOMES && s.wallSeconds <= paced * 1.1 && !s.outcomes.some((o) => o.broker !== undefined);
    console.log(`  ${speed}×: ${s.wallSeconds.toFixed(1)} s wall (paced ${paced.toFixed(1)} s), achieved ${achieved.toFixed(1)}×, ${ok ? 'sustained' : 'NOT sustained'}; workers' CPU ${s.workers.reduce((n, w) => n + w.cpuSeconds, 0).toFixed(1)} s, nodes' CPU ${s.nodes.reduce((n, x) => n + x.cpuSeconds, 0).toFixed(1)} s`);
    if (!ok) break;
    best = speed;
  }
  if (SPEEDS.length > 0) console.log(`  highest sustained: ${best > 0 ? `${best}×` : `below ${SPEEDS[0]}×`}`);
  console.log(`\nbudget: ${HOMES} homes at real cadence for ${MINUTES} min, no frame or connection lost: ${failures.length === 0 ? 'ok' : 'BROKEN'}`);
  for (const f of failures) console.log(`BUDGET BROKEN: ${f}`);
  console.log(`(this process: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB now)`);
} finally {
  if (info !== null) await stopCluster(dir).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failures.length === 0 ? 0 : 1;
