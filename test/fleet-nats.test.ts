/**
 * A fleet coordinated over NATS (fleet/coordinator.ts, `hanlab fleet worker`): a lone nats-server
 * of the test's own (fleet/cluster, a free port, its admin login; stopped by PID), two worker
 * processes joining a 200-home virtual-time run, one killed by SIGKILL mid-run. The report equals
 * that of an undisturbed run in one process: the lost worker's unreported homes went back to the
 * queue and were run again from the seed. Real processes and sockets, so limits are generous; the
 * homes themselves run in virtual time.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServer, startCluster, stopCluster } from '../fleet/cluster/nats-cluster.ts';
import type { ClusterInfo } from '../fleet/cluster/nats-cluster.ts';
import { fleetIdentities } from '../fleet/identities.ts';
import { coordinateFleet } from '../fleet/coordinator.ts';
import { connectNats, parseNatsUrls } from '../fleet/nats-link.ts';
import { loadPopulation, resolvePopulation } from '../fleet/population/load.ts';
import { runFleetRange } from '../fleet/run.ts';
import { fleetReport } from '../fleet/results.ts';
import { hanlab } from './support/cli.ts';
import { expectWorkersEndWithParent } from './support/orphans.ts';

const BIN = fileURLToPath(new URL('../bin/hanlab.js', import.meta.url));
const HOMES = 200;
const SEED = 4;
const UNTIL = { untilMs: 2 * 3_600_000 };

/** Dear gas (30 p/kWh, 3 kWh/h) and frequent outages: legacy displays mislead within the 2 hours. */
const POPULATION = resolvePopulation(
  {
    name: 'nats-test',
    start: '2026-01-15T15:00:00Z',
    duration: '4h',
    home: {
      tariff: { unitPrice: 30 },
      prepayment: { credit: 1.2, emergencyCreditLimit: 5, lowCreditThreshold: 1, debt: 0 },
      consumption: { profile: [{ from: '00:00', kwhPerHour: 3 }], noise: 0.1 },
    },
    firmware: [
      { share: 2, gsme: 'secmp0015', gpf: 'secmp0015', ppmid: 'secmp0015' },
      { share: 1, gsme: 'secmp0015', gpf: 'legacy', ppmid: 'legacy' },
    ],
    draw: { credit: { uniform: [2, 6] } },
    faults: { hanOutage: { share: 0.5, link: { 'gsme-gpf': 2, 'gpf-ppmid': 1 }, startHours: { uniform: [0, 0.5] }, minutes: { uniform: [60, 100] } } },
  },
  'nats-test',
);

describe.runIf(findNatsServer() !== null)('a fleet over NATS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-fleet-nats-'));
  let info: ClusterInfo;
  let url: string;
  beforeAll(async () => {
    // The accounts of the first 6 homes of the built-in population (seed 1), for --broker.
    info = await startCluster({ nodes: 1, dir, identities: fleetIdentities(loadPopulation('gb-prepay').population, 1, 6), startTimeoutMs: 60_000 });
    const n = info.nodes[0]!;
    url = n.natsUrl.replace('nats://', `nats://${info.admin.username}:${info.admin.password}@`);
  }, 90_000);
  afterAll(async () => {
    await stopCluster(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no home when a worker is killed mid-run: the report equals an undisturbed run', async () => {
    const alone = await runFleetRange(POPULATION, { seed: SEED, first: 0, count: HOMES, ...UNTIL });
    expect(alone.some((h) => h.metrics.misledMinutes > 0)).toBe(true);

    const nc = await connectNats(parseNatsUrls(url), 'test coordinator');
    const workers: ChildProcess[] = [];
    const exits: Promise<number | null>[] = [];
    const join = () => {
      const child = spawn(process.execPath, [BIN, 'fleet', 'worker', '--coordinator', url, '--run', 'killtest'], { stdio: ['ignore', 'ignore', 'pipe'] });
      workers.push(child);
      exits.push(new Promise((resolve) => child.on('exit', (code) => resolve(code))));
    };
    const lost: { worker: string; homesLeft: number }[] = [];
    let reported = 0;
    try {
      const run = coordinateFleet(nc, {
        run: 'killtest',
        homes: HOMES,
        job: { population: POPULATION, label: 'nats-test', seed: SEED, broker: 'in-process', runtime: 'compact', ...UNTIL },
        chunk: 4,
        heartbeatMs: 200,
        // Generous: a busy machine may delay a heartbeat; a live worker judged lost is harmless
        // (its homes run twice, the first outcome kept) but would blur what this test shows.
        lostAfterMs: 5000,
        onHome: () => void reported++,
        // The first worker is killed as it takes homes once 30 have been reported: it dies holding them.
        onTake: (worker) => {
          if (reported >= 30 && workers[0]!.exitCode === null && worker.includes(`-${workers[0]!.pid}-`)) workers[0]!.kill('SIGKILL');
        },
        onWorkerLost: (w) => lost.push(w),
      });
      join();
      join();
      const outcomes = await run;
      // The killed worker (its name carries its PID) was judged lost with homes still to run.
      const killedLost = lost.filter((l) => l.worker.includes(`-${workers[0]!.pid}-`));
      expect(killedLost).toHaveLength(1);
      expect(killedLost[0]!.homesLeft).toBeGreaterThan(0);
      expect(outcomes).toEqual(alone);
      expect(fleetReport('nats-test', SEED, 0, outcomes)).toEqual(fleetReport('nats-test', SEED, 0, alone));
      // The survivor hears the end of the run and exits 0; the killed one did not.
      expect(await exits[1]).toBe(0);
      expect(await exits[0]).toBe(null);
    } finally {
      for (const w of workers) w.kill('SIGKILL');
      await nc.close();
    }
  }, 300_000);

  it('hanlab fleet --nats runs with its own local workers, the same report as in one process', async () => {
    const one = await hanlab('fleet', '--homes', '6', '--until', '3h', '--json');
    const coordinated = await hanlab('fleet', '--homes', '6', '--until', '3h', '--json', '--nats', url, '--workers', '2', '--run', 'cli');
    expect(coordinated.code).toBe(0);
    expect(coordinated.stderr).toMatch(/run cli coordinated on NATS nats:\/\/127\.0\.0\.1:\d+; more workers join with: hanlab fleet worker --coordinator nats:\/\/.* --run cli/);
    expect(coordinated.stdout).toBe(one.stdout);
    // The homes' devices as MQTT clients of the NATS node (MQTT over JetStream): the same report.
    const onNats = await hanlab('fleet', '--homes', '6', '--until', '3h', '--json', '--broker', info.nodes[0]!.mqttUrl);
    expect(onNats.stderr).not.toMatch(/error|lost/i);
    expect(onNats.code).toBe(0);
    expect(onNats.stdout).toBe(one.stdout);
  }, 180_000);

  it('a coordinator stopped by PID takes its local workers with it', async ({ onTestFinished }) => {
    // Paced at real time: each home runs for an hour, so a worker left alone would too.
    const coordinator = spawn(process.execPath, [BIN, 'fleet', '--homes', '4', '--workers', '2', '--speed', '1', '--until', '1h', '--nats', url, '--run', 'orphans'], { stdio: 'ignore' });
    // They join and take their homes, then see the coordinator gone at their next take.
    await expectWorkersEndWithParent(coordinator, { marker: 'worker', workers: 2, settleMs: 3000, endMs: 10_000, onTestFinished });
  }, 90_000);

  it('a worker with no coordinator to join says so and exits 1', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'fleet', 'worker', '--coordinator', url, '--run', 'nobody-here'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no fleet coordinator answered for run nobody-here/);
  }, 60_000);
});

describe.runIf(findNatsServer() !== null)('paced homes within their open files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-fleet-files-'));
  const HOMES_HERE = 60;
  let info: ClusterInfo;
  beforeAll(async () => {
    info = await startCluster({ nodes: 1, dir, identities: fleetIdentities(loadPopulation('gb-prepay').population, 1, HOMES_HERE), startTimeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await stopCluster(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('are refused up front past them, and run on enough workers', async () => {
    // 320 open files leave 256 for homes: 51 homes of 5 sockets a process. (Not much less: Node
    // opens a hundred or more module files at once while the CLI loads, EMFILE below ~140.)
    const fleet = (...args: string[]) =>
      spawnExit('sh', ['-c', `ulimit -n 320 && exec "$0" "$@"`, process.execPath, BIN, 'fleet', '--homes', String(HOMES_HERE), '--speed', '600', '--until', '20m', '--broker', info.nodes[0]!.mqttUrl, ...args]);
    const refused = await fleet();
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'hanlab fleet: --homes 60 --speed 600: 60 paced homes live in one process need up to 364 open files (5 a home on MQTT brokers, 64 kept), and a process here may open 320 (ulimit -n): at most 51 homes a process; use --workers 2 or more, or raise ulimit -n (see hanlab fleet --help)',
    );
    // Two workers (they inherit the limit): 30 homes live in each, and every home completes.
    const ran = await fleet('--workers', '2', '--json');
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout) as { perHome: { index: number; broker?: unknown }[] };
    expect(report.perHome.map((h) => h.index)).toEqual(Array.from({ length: HOMES_HERE }, (_, i) => i));
    expect(report.perHome.filter((h) => h.broker !== undefined)).toEqual([]);
  }, 180_000);
});

/** A child's exit status, stdout and stderr. */
function spawnExit(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hanlab fleet over NATS: bad input', () => {
  it.each([
    [['--nats', 'http://x:1'], /--nats: expected nats:\/\/\[USER:PASS@\]HOST:PORT/],
    [['--run', 'a'], /--run: only with --nats/],
    [['--nats', 'nats://127.0.0.1:1', '--run', 'a b'], /--run: expected letters, digits/],
    [['worker'], /worker: --coordinator nats:\/\/HOST:PORT is required/],
    [['worker', '--coordinator', 'nats://h'], /--coordinator: expected nats:\/\//],
  ])('refuses %j with exit status 2', async (args, message) => {
    const r = await hanlab('fleet', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  it('says NATS cannot be reached, exit 1', async () => {
    const r = await hanlab('fleet', '--homes', '1', '--nats', 'nats://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hanlab fleet: cannot reach NATS at nats:\/\/127\.0\.0\.1:9/);
  });
});

describe.runIf(findNatsServer() !== null)('a fleet on a 3-node NATS cluster that loses a node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-fleet-nodeloss-'));
  const HOMES_HERE = 12;
  const pop = loadPopulation('gb-prepay').population;
  let info: ClusterInfo;
  beforeAll(async () => {
    info = await startCluster({ nodes: 3, dir, identities: fleetIdentities(pop, SEED, HOMES_HERE), startTimeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await stopCluster(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes every home; a home whose result differs from the undisturbed run is one the dead node reached, and says so', async () => {
    // Half a day each: long enough that home 3 reports progress (every 200 ms of wall time) mid-run
    // (a home takes over a second here over MQTT), short enough to spare the suite's CPU.
    const until = { untilMs: 12 * 3_600_000 };
    const alone = await runFleetRange(pop, { seed: SEED, first: 0, count: HOMES_HERE, ...until });
    let killedAt = 1;
    const brokers = info.nodes.map((n) => n.mqttUrl).join(',');
    let killed = false;
    const outcomes = await runFleetRange(pop, {
      seed: SEED,
      first: 0,
      count: HOMES_HERE,
      broker: brokers,
      ...until,
      onProgress: (index, fraction) => {
        // Node 1 dies a third of the way through home 3, whose devices are on it; homes 6 and 9
        // start on node 1 after it is gone.
        if (index === 3 && fraction > 0.2 && !killed) {
          killed = true;
          killedAt = fraction;
          process.kill(info.nodes[0]!.pid, 'SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(killedAt).toBeLessThan(0.9);
    expect(outcomes.map((o) => o.index)).toEqual(alone.map((o) => o.index));
    for (let i = 0; i < HOMES_HERE; i++) {
      const { broker, ...rest } = outcomes[i]!;
      if (JSON.stringify(rest) !== JSON.stringify(alone[i])) expect(broker, `home ${i} differs from the undisturbed run without saying why`).toBeDefined();
    }
    // Home 3's devices lost their node: said in its outcome and the report.
    expect(outcomes[3]!.broker?.connectionsLost).toBeGreaterThanOrEqual(3);
    expect(outcomes[3]!.broker?.hanLostMinutes).toBeGreaterThanOrEqual(1);
    // Homes that started on the dead node after it died failed over at their first connection.
    for (const i of [6, 9]) expect(outcomes[i]!.metrics.minutes).toBe(alone[i]!.metrics.minutes);
    const report = fleetReport('gb-prepay', SEED, 0, outcomes);
    expect(report.broker.homes).toEqual(outcomes.filter((o) => o.broker !== undefined).map((o) => o.index));
    expect(report.broker.hanLostMinutes).toBe(outcomes.reduce((n, o) => n + (o.broker?.hanLostMinutes ?? 0), 0));
  }, 300_000);
});
