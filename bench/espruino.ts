/**
 * bench/espruino: Espruino variables a device's bundle uses on the real Espruino interpreter, and
 * whether that grows. On an Espruino board variables (13 bytes each on the Espruino WiFi), not
 * bytes, are what runs out.
 *
 *   npm run bench:espruino -- --espruino PATH --modules DIR [--device ppmid|gsme|gpf] [--cycles N] [--parallel] [--record]
 *
 * PATH is an Espruino interpreter built for Linux with a fixed variable count (hanlab builds no
 * Espruino: docs/decisions.md says how the recorded one was configured); DIR holds Espruino's
 * MQTT.js and SSD1306.js modules. For each device: its `espruino-wifi` bundle, as `hanlab build`
 * makes it, goes into the interpreter's Storage with its modules and a hanlab.json (the `hil`
 * timing profile: the PPMID polls every second, the GSME wakes every 2 s), the interpreter restarts
 * from Storage as a board does, and the other two devices of the home run as node boards on a
 * Mosquitto of the bench's own. Every 10 s the board prints `process.memory().usage` (variables
 * in use after a garbage collection; bench/espruino/boot-code.ts), against the cycles the broker
 * has seen the DUT make (PPMID: polls, GPF: answered polls, GSME: wakes). Default 1,440 cycles: a day of the
 * PPMID's 60 s polls.
 *
 * Prints: variables at boot, in use at the end, the range from cycle 100 on, and growth per 1,000
 * cycles (the floor, fewest variables, of the run's second half less that of its first half from
 * cycle 100, scaled: the live heap with no poll in flight, so the machine's load does not move
 * it; measured.ts `growthPer1000` says why halves). --record
 * writes bench/espruino-measured.json (dated, with the commit and the bundle's hash), which
 * `npm run bench:footprint` prints and holds to the budgets.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { decodeZclFrame } from '../firmware/zcl/index.ts';
import { ClusterId, Metering } from '../firmware/zcl/index.ts';
import { runBoard } from '../boards/runner/run-board.ts';
import type { RunningBoard } from '../boards/runner/run-board.ts';
import { DEVICES } from '../boards/config/board-spec.ts';
import type { DeviceKind } from '../boards/config/board-spec.ts';
import { buildDevice, ROOT } from '../boards/bundler/bundle.ts';
import { deviceAccount, identityRegistry, simulatedSecret } from '../han/identities.ts';
import { startMosquitto } from '../han/mosquitto.ts';
import { hubWanAccount } from '../sim/wan/parties.ts';
import { dutConfig, HIL_EUIS, HIL_PREMISES } from '../hil/config.ts';
import { bootCode } from './espruino/boot-code.ts';
import { startEspruino, writeStorage } from './espruino/interpreter.ts';
import { MEASURED_FILE, readMeasured, summarise, withRun } from './espruino/measured.ts';
import type { DeviceMeasure, Sample } from './espruino/measured.ts';
import { progress } from './progress.ts';

const BOARD = 'espruino-wifi';
const SAMPLE_MS = 10_000;
/** Progress on stderr: each device's start and end, and every sample (one each SAMPLE_MS). */
const { say, step } = progress('espruino');
const MEM = /^MEM (\d+) (\d+) (\S+)$/;

/** What counts as one cycle of `device`, from a frame it sent (topic han/{premises}/{dst}/{src}/{cluster}). */
function cycle(device: DeviceKind, dst: string, clusterId: number, payload: Buffer): boolean {
  if (device === 'ppmid') return dst === HIL_EUIS.gpf && clusterId === ClusterId.time; // one Time read a poll
  if (device === 'gpf') return dst === HIL_EUIS.ppmid && clusterId === ClusterId.time; // its answer
  if (dst !== HIL_EUIS.gpf || clusterId !== ClusterId.metering) return false; // gsme: the report that ends a wake
  try {
    const f = decodeZclFrame(new Uint8Array(payload));
    return f.command.kind === 'reportAttributes' && f.command.reports.some((r) => r.attributeId === Metering.AttributeReportingStatus.id);
  } catch {
    return false;
  }
}

async function measure(device: DeviceKind, espruino: string, modules: string, cycles: number): Promise<DeviceMeasure> {
  const dir = mkdtempSync(join(tmpdir(), `hanlab-espruino-${device}-`));
  // The home's three devices log in as the HAN requires (the board with its config's secret);
  // the bench's watcher may read every frame and write nothing.
  const configs = Object.fromEntries(DEVICES.map((d) => [d, dutConfig({ device: d })])) as Record<DeviceKind, ReturnType<typeof dutConfig>>;
  const watch = { username: 'hanlab-bench-watch', password: simulatedSecret(7, 'hanlab-bench-watch'), write: [], read: ['han/#'] };
  const gpf = configs.gpf;
  const identities = identityRegistry([
    ...DEVICES.map((d) => deviceAccount({ eui: configs[d].eui, secret: configs[d].secret!, premises: configs[d].premises, device: d })),
    hubWanAccount(gpf.premises, gpf.eui, gpf.secret!), // a GPF board carries the hub's WAN side
    watch,
  ]);
  const broker = await startMosquitto({ identities });
  const peers: RunningBoard[] = [];
  let console_: ReturnType<typeof startEspruino> | null = null;
  const watcher = mqtt.connect(broker.url, { clientId: watch.username, username: watch.username, password: watch.password, protocolVersion: 4 });
  let count = 0;
  watcher.on('message', (topic, payload) => {
    const [, , dst, src, cluster] = topic.split('/');
    if (src === HIL_EUIS[device] && cycle(device, dst!, parseInt(cluster!, 16), payload)) count++;
  });
  await new Promise<void>((resolve) => watcher.on('connect', () => watcher.subscribe('han/#', { qos: 0 }, () => resolve())));
  try {
    const built = await buildDevice({ board: BOARD, device, outDir: dir + '/' });
    const config = { ...configs[device], wifi: { ssid: 'bench', password: '' }, mqtt: { host: '127.0.0.1', port: broker.port } };
    await writeStorage(espruino, dir, { '.bootcde': bootCode(built.code, modules, SAMPLE_MS), 'hanlab.json': JSON.stringify(config) });
    for (const peer of DEVICES.filter((d) => d !== device)) {
      // A fresh home: the peers start from empty storage in the bench's own folder.
      peers.push(await runBoard({ board: 'node', device: peer, broker: broker.url, config: configs[peer], stateDir: join(dir, 'state', peer), out: () => {}, err: () => {} }));
    }
    const e = startEspruino(espruino, dir);
    console_ = e;
    const samples: Sample[] = [];
    let boot: number | null = null;
    let total = 0;
    let version = '';
    let seen = 0;
    const t0 = performance.now();
    while (count < cycles) {
      const line = await e.waitFor((t) => MEM.test(t), seen, SAMPLE_MS * 3);
      seen = e.lines().findIndex((l, i) => i >= seen && l.text === line) + 1;
      const m = MEM.exec(line)!;
      total = +m[2]!;
      version = m[3]!;
      if (boot === null) boot = +m[1]!;
      samples.push({ cycle: count, usage: +m[1]! });
      say(`${device}: ${count}/${cycles} cycles, ${m[1]} variables in use, ${Math.round((performance.now() - t0) / 1000)} s`);
      if (count === 0 && performance.now() - t0 > 60_000) throw new Error(`${device}: no cycle in a minute (the bundle did not start?): ${e.lines().slice(-5).map((l) => l.text).join(' | ')}`);
    }
    const problems = e.lines().filter((l) => /Uncaught|ASSERT|OUT OF MEMORY|ERROR/.test(l.text)).map((l) => l.text);
    await e.stop();
    return {
      ...summarise(samples, cycles),
      device,
      board: BOARD,
      bootVariables: boot ?? 0,
      totalVariables: total,
      interpreter: `Espruino ${version}`,
      bundleSha256: createHash('sha256').update(built.code).digest('hex'),
      bundleBytes: built.bytes,
      problems: problems.slice(0, 5),
    };
  } catch (err) {
    // What the board said last is what tells why.
    const said = console_?.lines().filter((l) => /Uncaught|ASSERT|OUT OF MEMORY|Error|mqtt|MQTT/.test(l.text)).slice(0, 8).map((l) => l.text) ?? [];
    const brokerSaid = broker.log().trim().split('\n').slice(-6);
    throw new Error(`${(err as Error).message}${said.length ? `\n  console: ${said.join('\n  console: ')}` : ''}\n  mosquitto: ${brokerSaid.join('\n  mosquitto: ')}`);
  } finally {
    await console_?.stop();
    watcher.end(true);
    for (const p of peers) await p.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { espruino: { type: 'string' }, modules: { type: 'string' }, device: { type: 'string' }, cycles: { type: 'string' }, record: { type: 'boolean' }, parallel: { type: 'boolean' } },
  });
  if (!values.espruino || !existsSync(values.espruino) || !values.modules) {
    process.stderr.write('bench:espruino: --espruino PATH (an Espruino interpreter built for Linux) and --modules DIR (MQTT.js, SSD1306.js) are required\n');
    return 2;
  }
  const devices = values.device === undefined ? [...DEVICES] : [values.device as DeviceKind];
  if (!devices.every((d) => (DEVICES as readonly string[]).includes(d))) {
    process.stderr.write(`bench:espruino: --device: expected ${DEVICES.join(', ')}, found ${JSON.stringify(values.device)}\n`);
    return 2;
  }
  const cycles = values.cycles === undefined ? 1_440 : Number(values.cycles);
  if (!Number.isInteger(cycles) || cycles < 300) {
    process.stderr.write(`bench:espruino: --cycles: expected a whole number of at least 300, found ${JSON.stringify(values.cycles)}\n`);
    return 2;
  }
  const results: DeviceMeasure[] = [];
  const one = (device: DeviceKind) => {
    return step(`${device}: ${cycles} cycles on ${values.espruino}`, () => measure(device, values.espruino!, values.modules!, cycles));
  };
  // --parallel: each device in its own home on its own broker at once. The figures are variables
  // counted by the interpreter, not times: a shared CPU slows the cycles, not what they hold.
  if (values.parallel) results.push(...(await Promise.all(devices.map(one))));
  else for (const device of devices) results.push(await one(device));
  process.stdout.write('device  board          boot  in use at end  range from cycle 100  growth /1,000 cycles  of total\n');
  for (const r of results) {
    process.stdout.write(`${r.device.padEnd(7)} ${r.board.padEnd(14)} ${String(r.bootVariables).padStart(5)}  ${String(r.endVariables).padStart(13)}  ${`${r.range[0]}–${r.range[1]}`.padStart(20)}  ${r.growthPer1000.toFixed(1).padStart(20)}  ${r.totalVariables}\n`);
    for (const p of r.problems) process.stdout.write(`        console: ${p}\n`);
  }
  if (values.record) {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const run = { measured: new Date().toISOString().slice(0, 10), commit, premises: HIL_PREMISES, cycles, devices: results };
    // One sample a line: the file stays readable in a diff.
    const text = JSON.stringify(withRun(readMeasured(), run), null, 1).replace(/\{\n\s*"cycle": (\d+),\n\s*"usage": (\d+)\n\s*\}/g, '{ "cycle": $1, "usage": $2 }').replace(/"range": \[\n\s*(\d+),\n\s*(\d+)\n\s*\]/g, '"range": [$1, $2]');
    writeFileSync(MEASURED_FILE, text + '\n');
    process.stdout.write(`recorded in ${MEASURED_FILE}\n`);
  }
  return 0;
}

process.exitCode = await main();
