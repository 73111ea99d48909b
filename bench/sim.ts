/**
 * Simulator speed (issue 14): `han-outage-prepay` with one home (compare off), run for a number of
 * simulated days, on each transport and machine runtime, against budgets.
 *
 *   npm run bench:sim
 *
 * Figures, each the median of 3 runs after a shorter warm-up run:
 * - in-process, compact runtime (the default of `hanlab sim`) and XState: 30 simulated days;
 *   home-days per wall second and per CPU second (user + system of this process, all its threads:
 *   V8's compiler and garbage collector included). Budgets: compact ≥ 10, XState ≥ 3 home-days per
 *   CPU second.
 * - over the embedded Aedes broker and a private Mosquitto (skipped with a note when there is no
 *   binary): 10 simulated days (a broker run is slower; the days are printed), compact runtime.
 *   CPU is this process's (Aedes included) and, for Mosquitto, its process's too (read from
 *   /proc on Linux). The run's HAN frames per wall second are set against the broker's own rate
 *   for one home's lockstep pattern, measured the same way (warm-up, median of 3): one frame of the
 *   run's mean size published, wait until it is delivered, the next (`measureBrokerThroughput`
 *   with a window of 1; not a pipelined flood). Budget: the run reaches ≥ 0.5 of that rate. The
 *   lockstep clients connect over TCP; a run's devices reach the embedded broker over in-memory
 *   links (no socket), so its share says what the broker's code allows, not the loopback.
 * - `npm start` (`node bin/hanlab.js sim --broker embedded`: the default scenario, its 13 homes
 *   over 36 hours, on Aedes) spawned as a child, its own CPU (user + system, read by the child at
 *   exit) and wall time: median of 3. Budget: under 5 s of CPU.
 * - memory: 365 simulated days in-process (compact), the heap after a full GC at every simulated
 *   month. Budget: no month's heap more than 8 MiB over the first month's, and the last 6 months
 *   within 2 MiB of each other (flat: nothing grows with simulated time).
 * Every run is made as `hanlab sim` makes it: the devices' retained state and screen models are
 * published on Mosquitto (an external broker, where someone may watch), not in-process nor on the
 * embedded broker whose URL nobody is told (runSimulation publishModels).
 * Progress goes to stderr as it runs; the table and every figure with its budget to stdout. Exit 1
 * when a budget is missed, or a run did not cover every minute of its days (a sanity check).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import { mosquittoAvailable, startMosquitto } from '../han/mosquitto.ts';
import { measureBrokerThroughput, throughputAccounts } from '../han/mqtt-han.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { RunOptions } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { progress } from './progress.ts';

const SCENARIO = 'han-outage-prepay';
const DAY_MS = 86_400_000;
const IN_PROCESS_DAYS = 30;
const BROKER_DAYS = 10;
const WARM_UP_DAYS = 3;
const MEMORY_DAYS = 365;
const MONTH_DAYS = 30;
const LOCKSTEP_MESSAGES = 4000;
const RUNS = 3;

const BUDGET = {
  compactPerCpuSecond: 10,
  xstatePerCpuSecond: 3,
  brokerShare: 0.5,
  npmStartCpuSeconds: 5,
  memoryGrowthMiB: 8,
  memoryLastMonthsSpreadMiB: 2,
};

type Runtime = NonNullable<RunOptions['runtime']>;

const { say } = progress('sim');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const MiB = 1024 * 1024;

function scenarioOf(days: number): Scenario {
  const base = builtinScenario(SCENARIO);
  const duration = days * DAY_MS;
  return { ...base, compare: false, duration, end: base.start + duration };
}

// ---------------------------------------------------------------------------------------------
// One run

interface Run {
  days: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** HAN frames the devices sent (lost ones included) and those the outage lost (never published). */
  frames: number;
  lost: number;
  totalBytes: number;
  minutes: number;
}

/** Mosquitto's own CPU seconds so far (Linux /proc; null elsewhere). */
function processCpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime
  } catch {
    return null;
  }
}

async function simRun(label: string, days: number, broker: string, runtime: Runtime, publishModels: boolean, extraCpu?: () => number | null, onEvent?: (e: TimelineEvent) => void): Promise<Run> {
  const scenario = scenarioOf(days);
  let frames = 0;
  let lost = 0;
  let totalBytes = 0;
  let lastSaid = performance.now();
  const extra0 = extraCpu?.() ?? 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await runSimulation(scenario, {
    broker,
    runtime,
    // As `hanlab sim` runs it: the devices' state and screen models published only on an external
    // broker (someone may watch it), not in-process nor on the embedded broker nobody is told of.
    publishModels,
    onEvent: (e) => {
      if (e.kind === 'han') {
        frames++;
        totalBytes += e.bytes;
        if (e.lost) lost++;
      }
      onEvent?.(e);
    },
    onProgress: (fraction) => {
      if (performance.now() - lastSaid < 10_000) return;
      lastSaid = performance.now();
      say(`${label}: … day ${Math.floor(fraction * days)} of ${days}`);
    },
    onWarning: (m) => say(`${label}: warning: ${m}`),
  });
  const cpu = process.cpuUsage(cpu0);
  const wallSeconds = (performance.now() - t0) / 1000;
  const extra = extraCpu ? (extraCpu() ?? extra0) - extra0 : 0;
  return { days, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 + extra, frames, lost, totalBytes, minutes: result.homes[0]?.metrics.minutes ?? 0 };
}

interface Transport {
  name: string;
  days: number;
  runs: Run[];
  homeDaysPerSecond: number;
  homeDaysPerCpuSecond: number;
  framesPerSecond: number;
  meanBytes: number;
  /** A broker's lockstep rate (messages per wall second, median) and the share of it the run reached. */
  lockstep: { messagesPerSecond: number; share: number } | null;
}

/** A warm-up run of WARM_UP_DAYS, then RUNS runs of `days`; the medians. */
async function transport(name: string, days: number, broker: string, runtime: Runtime, publishModels: boolean, extraCpu?: () => number | null): Promise<Transport> {
  say(`${name}: warm-up, ${WARM_UP_DAYS} days …`);
  await simRun(name, WARM_UP_DAYS, broker, runtime, publishModels, extraCpu);
  const runs: Run[] = [];
  for (let i = 1; i <= RUNS; i++) {
    say(`${name}: run ${i} of ${RUNS}, ${days} simulated days …`);
    const r = await simRun(`${name} run ${i}`, days, broker, runtime, publishModels, extraCpu);
    say(`${name}: run ${i}: ${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU, ${(days / r.cpuSeconds).toFixed(2)} home-days per CPU second`);
    runs.push(r);
  }
  const frames = runs.reduce((n, r) => n + r.frames, 0);
  const bytes = runs.reduce((n, r) => n + r.totalBytes, 0);
  return {
    name,
    days,
    runs,
    homeDaysPerSecond: median(runs.map((r) => days / r.wallSeconds)),
    homeDaysPerCpuSecond: median(runs.map((r) => days / r.cpuSeconds)),
    framesPerSecond: median(runs.map((r) => (r.frames - r.lost) / r.wallSeconds)),
    meanBytes: frames === 0 ? 0 : bytes / frames,
    lockstep: null,
  };
}

/** The broker's rate for one home's lockstep pattern (window 1), warm-up then median of RUNS. */
async function lockstepRate(name: string, url: string, payloadBytes: number): Promise<number> {
  say(`${name}: lockstep rate, ${LOCKSTEP_MESSAGES} × ${payloadBytes} B, one at a time …`);
  await measureBrokerThroughput(url, { messages: LOCKSTEP_MESSAGES / 4, payloadBytes, window: 1 });
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push((await measureBrokerThroughput(url, { messages: LOCKSTEP_MESSAGES, payloadBytes, window: 1 })).messagesPerSecond);
  return median(rates);
}

// ---------------------------------------------------------------------------------------------
// npm start, as a child

/** Written by the child as it exits: its own CPU (all threads), to fd 3. */
const REPORT_CPU = `data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{try{writeSync(3,JSON.stringify(process.cpuUsage()))}catch{}})`;

async function npmStart(): Promise<{ cpuSeconds: number; wallSeconds: number; status: number | null }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', REPORT_CPU, 'bin/hanlab.js', 'sim', '--broker', 'embedded'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let report = '';
  let stderr = '';
  child.stdio[3]!.on('data', (d: Buffer) => (report += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallSeconds = (performance.now() - t0) / 1000;
  if (status !== 0) say(`npm start: exit status ${status}: ${stderr.trim()}`);
  const cpu = JSON.parse(report || '{"user":NaN,"system":NaN}') as { user: number; system: number };
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds, status };
}

// ---------------------------------------------------------------------------------------------
// Memory over a year

interface MemoryRun {
  /** Heap used after a full GC, MiB, at the end of each simulated month. */
  monthsMiB: number[];
  wallSeconds: number;
  cpuSeconds: number;
  minutes: number;
}

async function memoryYear(): Promise<MemoryRun> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const start = scenarioOf(MEMORY_DAYS).start;
  const monthsMiB: number[] = [];
  let nextMonth = start + MONTH_DAYS * DAY_MS;
  const sample = (t: number): void => {
    while (t >= nextMonth) {
      gc();
      monthsMiB.push(process.memoryUsage().heapUsed / MiB);
      say(`memory: month ${monthsMiB.length}: ${monthsMiB.at(-1)!.toFixed(1)} MiB heap after GC`);
      nextMonth += MONTH_DAYS * DAY_MS;
    }
  };
  say(`memory: ${MEMORY_DAYS} simulated days in-process (compact), heap after GC every ${MONTH_DAYS} days …`);
  const r = await simRun('memory', MEMORY_DAYS, 'in-process', 'compact', false, undefined, (e) => sample(e.t));
  return { monthsMiB, wallSeconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, minutes: r.minutes };
}

// ---------------------------------------------------------------------------------------------
// Main

interface Check {
  what: string;
  value: string;
  budget: string;
  ok: boolean;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const cpu = cpus();
console.log(`bench:sim — ${SCENARIO}, 1 home (compare off); node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
const identities = simulationIdentities(scenarioOf(1), throughputAccounts());
const transports: Transport[] = [];
const notes: string[] = [];

// As `hanlab sim` runs them: the devices' state and screen models are published only on an
// external broker (Mosquitto here), where someone may watch; not in-process, nor on the embedded
// broker whose URL nobody is told.
transports.push(await transport('in-process compact', IN_PROCESS_DAYS, 'in-process', 'compact', false));
transports.push(await transport('in-process xstate', IN_PROCESS_DAYS, 'in-process', 'xstate', false));
{
  const broker = await startEmbeddedBroker({ identities });
  try {
    const t = await transport('embedded (aedes)', BROKER_DAYS, broker.url, 'compact', false);
    const rate = await lockstepRate(t.name, broker.url, Math.max(1, Math.round(t.meanBytes)));
    t.lockstep = { messagesPerSecond: rate, share: t.framesPerSecond / rate };
    transports.push(t);
  } finally {
    await broker.close();
  }
}
if (!mosquittoAvailable()) {
  notes.push('mosquitto: skipped (no mosquitto binary on PATH, /usr/sbin or /usr/local/sbin)');
} else {
  const broker = await startMosquitto({ identities });
  const onSignal = (signal: NodeJS.Signals) => void broker.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const mosquittoCpu = processCpuSeconds(broker.pid) === null ? undefined : () => processCpuSeconds(broker.pid);
    if (!mosquittoCpu) notes.push("mosquitto: its own CPU is not counted (no /proc to read it from)");
    const t = await transport('mosquitto', BROKER_DAYS, broker.url, 'compact', true, mosquittoCpu);
    const rate = await lockstepRate(t.name, broker.url, Math.max(1, Math.round(t.meanBytes)));
    t.lockstep = { messagesPerSecond: rate, share: t.framesPerSecond / rate };
    transports.push(t);
  } finally {
    await broker.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const starts: Awaited<ReturnType<typeof npmStart>>[] = [];
for (let i = 1; i <= RUNS; i++) {
  say(`npm start: run ${i} of ${RUNS} (node bin/hanlab.js sim --broker embedded) …`);
  starts.push(await npmStart());
  say(`npm start: run ${i}: ${starts.at(-1)!.wallSeconds.toFixed(1)} s wall, ${starts.at(-1)!.cpuSeconds.toFixed(1)} s CPU`);
}
const memory = await memoryYear();

console.log();
console.log(
  table(
    ['transport', 'days', 'wall s', 'cpu s', 'home-days/s', 'home-days/cpu-s', 'frames/s', 'mean B', 'lockstep msg/s', 'share'],
    transports.map((t) => [
      t.name,
      String(t.days),
      median(t.runs.map((r) => r.wallSeconds)).toFixed(1),
      median(t.runs.map((r) => r.cpuSeconds)).toFixed(1),
      t.homeDaysPerSecond.toFixed(2),
      t.homeDaysPerCpuSecond.toFixed(2),
      t.framesPerSecond.toFixed(0),
      t.meanBytes.toFixed(1),
      t.lockstep ? t.lockstep.messagesPerSecond.toFixed(0) : '—',
      t.lockstep ? t.lockstep.share.toFixed(2) : '—',
    ]),
  ),
);
console.log();
console.log(`npm start (13 homes × 36 h on the embedded broker, a child process): ${starts.map((s) => `${s.cpuSeconds.toFixed(1)} s CPU / ${s.wallSeconds.toFixed(1)} s wall`).join(', ')}`);
console.log(`memory, ${MEMORY_DAYS} days in-process (compact), heap after GC per ${MONTH_DAYS}-day month, MiB: ${memory.monthsMiB.map((m) => m.toFixed(1)).join(' ')} (the run: ${memory.wallSeconds.toFixed(0)} s wall, ${memory.cpuSeconds.toFixed(0)} s CPU, ${(MEMORY_DAYS / memory.cpuSeconds).toFixed(2)} home-days per CPU second)`);
for (const n of notes) console.log(n);
console.log('Each figure is the median of 3 runs after a warm-up run of 3 days; broker runs are 10 days (a broker is slower), in-process 30.');
console.log("cpu s = user + system CPU of this process, all threads (the embedded broker in it; for Mosquitto its process's too); frames/s = HAN frames published per wall second.");
console.log("share = frames/s ÷ the broker's lockstep rate (one frame, wait for its delivery, the next).");

const byName = (n: string) => transports.find((t) => t.name === n);
const checks: Check[] = [];
const rate = (n: string, budget: number) => {
  const t = byName(n);
  if (t) checks.push({ what: `${n}: home-days per CPU second`, value: t.homeDaysPerCpuSecond.toFixed(2), budget: `≥ ${budget}`, ok: t.homeDaysPerCpuSecond >= budget });
};
rate('in-process compact', BUDGET.compactPerCpuSecond);
rate('in-process xstate', BUDGET.xstatePerCpuSecond);
for (const t of transports) {
  if (t.lockstep) checks.push({ what: `${t.name}: share of its lockstep rate`, value: t.lockstep.share.toFixed(2), budget: `≥ ${BUDGET.brokerShare}`, ok: t.lockstep.share >= BUDGET.brokerShare });
}
const startCpu = median(starts.map((s) => s.cpuSeconds));
checks.push({ what: 'npm start: CPU seconds', value: startCpu.toFixed(1), budget: `< ${BUDGET.npmStartCpuSeconds}`, ok: startCpu < BUDGET.npmStartCpuSeconds && starts.every((s) => s.status === 0) });
const months = memory.monthsMiB;
const growth = months.length ? Math.max(...months) - months[0]! : NaN;
const lastSix = months.slice(-6);
const spread = lastSix.length ? Math.max(...lastSix) - Math.min(...lastSix) : NaN;
checks.push({ what: "memory: most heap over the first month's, MiB", value: growth.toFixed(1), budget: `≤ ${BUDGET.memoryGrowthMiB}`, ok: growth <= BUDGET.memoryGrowthMiB });
checks.push({ what: 'memory: spread of the last 6 months, MiB', value: spread.toFixed(1), budget: `≤ ${BUDGET.memoryLastMonthsSpreadMiB}`, ok: spread <= BUDGET.memoryLastMonthsSpreadMiB });
for (const t of transports) {
  for (const r of t.runs) {
    if (r.minutes !== r.days * 1440) checks.push({ what: `${t.name}: minutes sampled (the run covered its days)`, value: String(r.minutes), budget: `= ${r.days * 1440}`, ok: false });
  }
}
if (memory.minutes !== MEMORY_DAYS * 1440) checks.push({ what: 'memory run: minutes sampled', value: String(memory.minutes), budget: `= ${MEMORY_DAYS * 1440}`, ok: false });

console.log();
console.log(table(['budget', 'figure', 'budget', ''], checks.map((c) => [c.what, c.value, c.budget, c.ok ? 'ok' : 'MISSED'])));
if (checks.some((c) => !c.ok)) process.exitCode = 1;
