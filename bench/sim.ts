/**
 * Simulator throughput: `han-outage-prepay` run over 30 simulated days, one home, on the
 * in-process HAN bus (the default of `hanlab sim`), on the embedded Aedes broker and on a private
 * Mosquitto (skipped with a note when the binary is missing).
 *
 *   npm run bench:sim
 *
 * Per transport it prints the wall time of the run, simulated home-days per wall second and per
 * CPU second of this process (user + system: it includes the embedded broker, not Mosquitto's own
 * process), the HAN frames the devices sent (timeline events of kind 'han', lost ones included)
 * and their rate, the mean ZCL payload size, then — for a broker, on it, after the run — the raw
 * broker throughput for that payload size (`measureBrokerThroughput`, 20 000 messages) and the
 * ratio
 *
 *   ratio = simulator frames per wall second ÷ raw broker messages per second
 *
 * i.e. how much of the broker's capacity the lockstep simulation uses (the rest of the wall time
 * goes to waiting for each step to settle, the device machines and the world).
 *
 * Payload sizes: each 'han' timeline event carries its frame's length in bytes.
 *
 * The scenario: the built-in with `compare: false`, `duration` 30 days and `end = start +
 * duration`; everything else as in the file (its outage and top-up lie in the first day).
 *
 * No budgets yet. Exit 1 when a run's home did not sample every minute of the 30 days
 * (`metrics.minutes` ≠ 30 × 1440): a sanity check that the run covered the whole period.
 */
import { cpus } from 'node:os';
import { startEmbeddedBroker } from '../han/embedded-broker.ts';
import { mosquittoAvailable, startMosquitto } from '../han/mosquitto.ts';
import { measureBrokerThroughput, throughputAccounts } from '../han/mqtt-han.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { runSimulation } from '../sim/run/run.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { builtinScenario } from '../sim/scenario/load.ts';
import type { Scenario } from '../sim/scenario/schema.ts';

const SCENARIO = 'han-outage-prepay';
const DAYS = 30;
const DAY_MS = 86_400_000;
const RAW_MESSAGES = 20_000;

// ---------------------------------------------------------------------------------------------
// The scenario

function thirtyDayScenario(): Scenario {
  const base = builtinScenario(SCENARIO);
  const duration = DAYS * DAY_MS;
  return { ...base, compare: false, duration, end: base.start + duration };
}

// ---------------------------------------------------------------------------------------------
// Frames from the timeline

class FrameTally {
  frames = 0;
  lost = 0;
  private totalBytes = 0;

  onEvent = (e: TimelineEvent): void => {
    if (e.kind !== 'han') return;
    this.frames++;
    this.totalBytes += e.bytes;
    if (e.lost) this.lost++;
  };

  meanBytes(): number {
    return this.frames === 0 ? 0 : this.totalBytes / this.frames;
  }
}

// ---------------------------------------------------------------------------------------------
// One broker

interface Row {
  broker: string;
  wallSeconds: number;
  cpuSeconds: number;
  homeDaysPerSecond: number;
  homeDaysPerCpuSecond: number;
  frames: number;
  lost: number;
  framesPerSecond: number;
  meanBytes: number;
  /** For a broker: its raw throughput and the share of it the run used; none in-process. */
  raw: { payloadBytes: number; messagesPerSecond: number; received: number; ratio: number } | null;
  minutes: number;
}

/** One run on `url` (a broker URL, or 'in-process'); the raw throughput measured after it on a broker. */
async function benchBroker(name: string, url: string, scenario: Scenario): Promise<Row> {
  process.stderr.write(`${name}: running ${SCENARIO} over ${DAYS} days on ${url} …\n`);
  const tally = new FrameTally();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await runSimulation(scenario, {
    broker: url,
    onEvent: tally.onEvent,
    onWarning: (m) => process.stderr.write(`${name}: warning: ${m}\n`),
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mean = tally.meanBytes();
  const framesPerSecond = tally.frames / wallSeconds;
  let raw: Row['raw'] = null;
  if (url !== 'in-process') {
    const payloadBytes = Math.max(1, Math.round(mean));
    process.stderr.write(`${name}: ${wallSeconds.toFixed(1)} s; raw throughput, ${RAW_MESSAGES} × ${payloadBytes} B …\n`);
    const r = await measureBrokerThroughput(url, { messages: RAW_MESSAGES, payloadBytes });
    raw = { payloadBytes, messagesPerSecond: r.messagesPerSecond, received: r.received, ratio: framesPerSecond / r.messagesPerSecond };
  }
  return {
    broker: name,
    wallSeconds,
    cpuSeconds,
    homeDaysPerSecond: DAYS / wallSeconds,
    homeDaysPerCpuSecond: DAYS / cpuSeconds,
    frames: tally.frames,
    lost: tally.lost,
    framesPerSecond,
    meanBytes: mean,
    raw,
    minutes: result.homes[0]?.metrics.minutes ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

function table(rows: Row[]): string {
  const header = ['transport', 'wall s', 'cpu s', 'home-days/s', 'home-days/cpu-s', 'frames', 'frames/s', 'mean B', 'raw msg/s', 'ratio'];
  const cells = rows.map((r) => [
    r.broker,
    r.wallSeconds.toFixed(1),
    r.cpuSeconds.toFixed(1),
    r.homeDaysPerSecond.toFixed(3),
    r.homeDaysPerCpuSecond.toFixed(3),
    String(r.frames),
    r.framesPerSecond.toFixed(0),
    r.meanBytes.toFixed(1),
    r.raw ? r.raw.messagesPerSecond.toFixed(0) : '—',
    r.raw ? r.raw.ratio.toFixed(3) : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

const scenario = thirtyDayScenario();
const cpu = cpus();
console.log(`bench:sim — ${SCENARIO}, ${DAYS} simulated days, 1 home (compare off); node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);

const rows: Row[] = [];
const notes: string[] = [];
// The home's devices and the raw-throughput clients log in as the HAN's brokers require.
const identities = simulationIdentities(scenario, throughputAccounts());

rows.push(await benchBroker('in-process', 'in-process', scenario));

{
  const broker = await startEmbeddedBroker({ identities });
  try {
    rows.push(await benchBroker('embedded (aedes)', broker.url, scenario));
  } finally {
    await broker.close();
  }
}

if (!mosquittoAvailable()) {
  notes.push('mosquitto: skipped (no mosquitto binary on PATH, /usr/sbin or /usr/local/sbin)');
} else {
  const broker = await startMosquitto({ identities });
  const onSignal = (signal: NodeJS.Signals) => {
    void broker.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    rows.push(await benchBroker('mosquitto', broker.url, scenario));
  } finally {
    await broker.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

console.log();
console.log(table(rows));
console.log();
for (const r of rows) {
  console.log(
    `${r.broker}: ${r.lost} of the ${r.frames} frames lost to the scenario's outage (never published)` +
      (r.raw ? `; raw throughput with ${r.raw.payloadBytes}-byte payloads (${r.raw.received}/${RAW_MESSAGES} received)` : ''),
  );
}
for (const n of notes) console.log(n);
console.log('cpu s = user + system CPU of this process (with the embedded broker; without Mosquitto\'s own process).');
console.log('ratio = frames/s ÷ raw msg/s: the share of the broker\'s raw capacity the lockstep simulation uses.');

const expectedMinutes = DAYS * 1440;
const failures = rows.filter((r) => r.minutes !== expectedMinutes).map((r) => `${r.broker}: the home sampled ${r.minutes} minutes, expected ${expectedMinutes} (${DAYS} days × 1440): the run did not cover the whole period`);
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exitCode = 1;
}
