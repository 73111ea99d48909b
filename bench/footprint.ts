/**
 * bench/footprint: what each device costs each board, on each machine runtime.
 *
 * - Bundle bytes, minified and gzipped, as `hanlab build` makes them (buildDevice).
 * - QuickJS heap (memory_used_size) of the emulator board, steady state: the device runs in a
 *   lockstep home of the default scenario (the other two devices in the simulator) for a fixed
 *   virtual interval, and the heap is read before it stops. QuickJS frees by reference count as
 *   it goes and offers no GC call here, so this is the live heap plus any cycles not yet collected.
 * - The runtime's share of that heap: the same reading minus a baseline bundle with the same
 *   board, firmware code, codecs, display and machine implementations (the machine module's
 *   `*Setup` and `*Context`: named actions, guards, delays, context factory) but no machine
 *   runtime: an inert actor that holds the implementations and runs nothing. Neither the machine
 *   config (the state structure XState interprets) nor a compact table is in it: the config is part
 *   of what the XState runtime needs, the table part of what the compact runtime needs, so each
 *   runtime's Δ carries its own. The inert actor must *hold* the implementations: QuickJS frees by
 *   reference count, so code nothing references (here, every machine's actions and all the firmware
 *   only they call) would be freed right after load and missing from the baseline, which would then
 *   charge it to both runtimes. The baseline is read just after start (the heap of a running board
 *   is within a few KB of its start-up heap: it is nearly all function bytecode, atoms and shapes).
 *   The display, codecs and board code are the same on both runtimes and dwarf the difference on
 *   their own, so the budget is held against the part the runtime choice decides.
 *
 * - Espruino variables, as measured on the real interpreter (bench/espruino.ts; CI has none):
 *   the figures recorded in bench/espruino-measured.json, with the day, the commit, and whether
 *   the bundle has changed since (then the figures are not this bundle's).
 *
 * Budgets (exit 1 when broken): on the Espruino WiFi (8,190 variables) every device ≤ 4,900
 * variables in use (60 %) through a day of cycles (1,440: the PPMID's 60 s polls), its floor (the
 * live heap, no poll in flight) growing by no more than ±20 per 1,000 cycles, measured on this
 * bundle (growth is recomputed from the recorded samples); for every device,
 * the compact runtime's heap share ≤ a quarter of XState's. Bytes are printed, not budgeted:
 * variables, not bytes, are what runs out on Espruino.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { loadEmulatorEngine, startEmulatorBoard } from '../boards/emulator/host.ts';
import type { EmulatorBoard, EmulatorEngine } from '../boards/emulator/host.ts';
import { BOARDS_DIR, DEVICES, listBoards, loadBoard, RUNTIMES } from '../boards/config/board-spec.ts';
import type { DeviceKind, Runtime } from '../boards/config/board-spec.ts';
import { buildDevice, FRAME_ENCODER_NAMES, MACHINES, ROOT } from '../boards/bundler/bundle.ts';
import { runSimulation } from '../sim/run/run.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../sim/scenario/load.ts';
import { bundleComposition } from './composition.ts';
import { growthPer1000, readMeasured } from './espruino/measured.ts';
import { progress } from './progress.ts';

const ESPRUINO_BOARD = 'espruino-wifi';
const ESPRUINO_IN_USE_BUDGET = 4_900;
const ESPRUINO_GROWTH_BUDGET = 20;
const ESPRUINO_CYCLES = 1_440;
const HEAP_RATIO_BUDGET = 0.25;
/** Long enough for every timer and poll to have come round many times, outage included. */
const INTERVAL = '+20h';
const outDir = mkdtempSync(join(tmpdir(), 'hanlab-footprint-')) + '/';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
/** Progress on stderr: the builds and each heap run start and end with a line, and say where they are every 10 s. */
const { step, tick } = progress('footprint');

interface SizeRow {
  device: DeviceKind;
  board: string;
  runtime: Runtime;
  bytes: number | null;
  gzipBytes: number | null;
  note: string;
  /** The bundle itself (for the budget's breakdown). */
  code?: string;
}

async function sizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const device of DEVICES) {
    for (const board of listBoards()) {
      const spec = loadBoard(board);
      if (!spec.devices.includes(device)) continue;
      for (const runtime of RUNTIMES) {
        if (spec.engine === 'espruino' && runtime === 'xstate') continue; // refused: bundle.ts checkRuntime
        try {
          tick(() => `bundles: ${rows.length} built, now ${device} for ${board} (${runtime})`);
          const b = await buildDevice({ board, device, runtime, outDir });
          rows.push({ device, board, runtime, bytes: b.bytes, gzipBytes: b.gzipBytes, note: '', code: b.code });
        } catch (err) {
          const why = (err as Error).message.split('\n')[0]!.slice(0, 90);
          const note = spec.engine === 'espruino' ? `n/a (espruino route unavailable: ${why})` : `n/a (${why})`;
          rows.push({ device, board, runtime, bytes: null, gzipBytes: null, note });
        }
      }
    }
  }
  return rows;
}

/** The device on the emulator board inside a lockstep home; its heap just before the home closes. */
async function steadyHeap(engine: EmulatorEngine, device: DeviceKind, runtime: Runtime): Promise<number> {
  const code = (await buildDevice({ board: 'emulator', device, runtime, outDir })).code;
  const s = { ...builtinScenario(DEFAULT_SCENARIO), compare: false };
  let heap = -1;
  let fault: string | null = null;
  await runSimulation(s, {
    until: s.start + 20 * 3_600_000,
    onProgress: (fraction) => tick(() => `${device} ${runtime}: ${Math.round(fraction * 100)} % of ${INTERVAL}`),
    start: {
      [device]: (platform: Parameters<typeof startEmulatorBoard>[1]['platform'], input: Record<string, unknown>) => {
        // Room to measure: the reading, not the limit, says whether the board's budget holds.
        const board: EmulatorBoard = startEmulatorBoard(engine, { code, config: { ...input, device, premises: s.premises }, memoryLimit: 64 << 20, platform, onStop: (r) => (fault = r) });
        return { ...board, send: board.send, snapshot: board.snapshot, on: board.on, stop: () => ((heap = board.heapBytes()), board.stop()) };
      },
    },
  });
  if (fault) throw new Error(`${device} ${runtime}: the emulator board stopped: ${fault}`);
  return heap;
}

/** The same board and firmware with an actor that runs nothing: what neither runtime accounts for. */
async function baselineHeap(engine: EmulatorEngine, device: DeviceKind): Promise<number> {
  const m = MACHINES[device];
  const module = [
    `import { ${m.setup} as setup, ${m.context} as context } from ${JSON.stringify(ROOT + m.file)};`,
    `export { ${FRAME_ENCODER_NAMES[device]} as encodeFrame } from ${JSON.stringify(ROOT + 'firmware/zcl/frame.ts')};`,
    `export const device = ${JSON.stringify(device)}; export const runtime = 'compact'; export const buildFlags = {};`,
    // The inert actor holds the implementations as a running actor does: QuickJS frees what
    // nothing references, so code held by nobody would not be in the baseline at all.
    `export function createDeviceActor() { return { implementations: [setup.implementations, context], start() {}, send() {}, getSnapshot() { return { status: 'active', value: null, context: null }; }, on() {}, subscribe() {}, stop() {} }; }`,
  ].join('\n');
  const result = await esbuild.build({
    entryPoints: [`${BOARDS_DIR}emulator/main.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2020',
    minify: true,
    logLevel: 'silent',
    alias: { xstate: `${ROOT}firmware/runtime/compact/xstate-shim.ts` },
    plugins: [
      {
        name: 'baseline-device',
        setup(b) {
          b.onResolve({ filter: /^hanlab:device$/ }, () => ({ path: 'hanlab:device', namespace: 'baseline' }));
          b.onLoad({ filter: /.*/, namespace: 'baseline' }, () => ({ contents: module, loader: 'js', resolveDir: ROOT }));
        },
      },
    ],
  });
  const s = builtinScenario(DEFAULT_SCENARIO);
  const d = s.devices[device];
  const board = startEmulatorBoard(engine, {
    code: result.outputFiles[0]!.text,
    config: { device, premises: s.premises, eui: d.eui, peers: device === 'gpf' ? { gsme: s.devices.gsme.eui } : { gpf: s.devices.gpf.eui }, firmware: d.firmware },
    memoryLimit: 64 << 20,
    platform: {
      clock: { now: () => s.start },
      timers: { setTimeout: () => 0, clearTimeout: () => {} },
      han: { send: () => {}, onFrame: () => {} },
      observe: { state: () => {}, screen: () => {} },
      log: { info: () => {}, warn: (m) => console.error(`baseline ${device}: ${m}`) },
    },
  });
  const heap = board.heapBytes();
  board.stop();
  return heap;
}

/** The recorded Espruino figures, each against the bundle built now; the budget's failures. */
function espruinoVariables(rows: SizeRow[]): string[] {
  const failures: string[] = [];
  const record = readMeasured();
  console.log('\nEspruino variables on the real interpreter (npm run bench:espruino; recorded in bench/espruino-measured.json)');
  console.log(`${pad('device', 7)}${pad('board', 15)}${lpad('of', 6)}${lpad('boot', 6)}${lpad('in use', 8)}${lpad('range from cycle 100', 22)}${lpad('growth/1,000', 14)}  measured`);
  for (const run of record.runs) {
    for (const d of run.devices) {
      const now = rows.find((r) => r.device === d.device && r.board === d.board && r.runtime === 'compact');
      const same = now?.code !== undefined && createHash('sha256').update(now.code).digest('hex') === d.bundleSha256;
      console.log(
        `${pad(d.device, 7)}${pad(d.board, 15)}${lpad(String(d.totalVariables), 6)}${lpad(String(d.bootVariables), 6)}${lpad(String(d.endVariables), 8)}${lpad(`${d.range[0]}–${d.range[1]}`, 22)}${lpad(growthPer1000(d.samples, run.cycles).toFixed(1), 14)}  ${run.measured} ${run.commit}, ${run.cycles} cycles, ${d.interpreter}${same ? '' : ' (BUNDLE CHANGED SINCE)'}`,
      );
      for (const p of d.problems) console.log(`         console: ${p}`);
    }
  }
  for (const device of DEVICES) {
    const runs = record.runs.filter((r) => r.cycles >= ESPRUINO_CYCLES && r.devices.some((d) => d.device === device && d.board === ESPRUINO_BOARD && d.totalVariables === loadBoard(ESPRUINO_BOARD).memory.budget));
    const d = runs.at(-1)?.devices.find((x) => x.device === device && x.board === ESPRUINO_BOARD);
    const now = rows.find((r) => r.device === device && r.board === ESPRUINO_BOARD && r.runtime === 'compact');
    if (!d) failures.push(`${device}: no ${ESPRUINO_CYCLES}-cycle run on ${ESPRUINO_BOARD}'s variables recorded: measure with npm run bench:espruino -- --record`);
    else if (!now?.code || createHash('sha256').update(now.code).digest('hex') !== d.bundleSha256) failures.push(`${device}: the ${ESPRUINO_BOARD} bundle has changed since its variables were measured: measure again with npm run bench:espruino -- --record`);
    else {
      if (d.range[1] > ESPRUINO_IN_USE_BUDGET) failures.push(`${device}: up to ${d.range[1]} variables in use on ${ESPRUINO_BOARD} (budget ≤ ${ESPRUINO_IN_USE_BUDGET})`);
      // From the samples, so a record made before the floor estimator is judged the same way.
      const growth = growthPer1000(d.samples, runs.at(-1)!.cycles);
      if (Math.abs(growth) > ESPRUINO_GROWTH_BUDGET) failures.push(`${device}: variables grow by ${growth.toFixed(1)} per 1,000 cycles on ${ESPRUINO_BOARD} (budget ±${ESPRUINO_GROWTH_BUDGET})`);
      if (d.problems.length > 0) failures.push(`${device}: the board's console reported problems while measured on ${ESPRUINO_BOARD}: ${d.problems[0]}`);
    }
  }
  return failures;
}

async function main(): Promise<number> {
  const rows = await step('bundles: every device × board × runtime', sizes);
  console.log('bundles (minified; gzip -9)');
  console.log(`${pad('device', 7)}${pad('board', 15)}${pad('runtime', 9)}${lpad('bytes', 10)}${lpad('gzip', 10)}`);
  for (const r of rows) {
    console.log(`${pad(r.device, 7)}${pad(r.board, 15)}${pad(r.runtime, 9)}${r.bytes === null ? '  ' + r.note : `${lpad(kb(r.bytes), 10)}${lpad(kb(r.gzipBytes!), 10)}`}`);
  }

  const engine = await loadEmulatorEngine();
  const budget = loadBoard('emulator').memory.budget;
  console.log(`\nQuickJS heap on the emulator board (memory_used_size after ${INTERVAL} of ${DEFAULT_SCENARIO}; budget ${kb(budget)})`);
  console.log(`${pad('device', 7)}${lpad('xstate', 11)}${lpad('compact', 11)}${lpad('baseline', 11)}${lpad('xstate Δ', 11)}${lpad('compact Δ', 11)}${lpad('Δ ratio', 9)}`);
  const failures: string[] = [];
  for (const device of DEVICES) {
    const x = await step(`${device} xstate: heap after ${INTERVAL} on the emulator`, () => steadyHeap(engine, device, 'xstate'));
    const c = await step(`${device} compact: heap after ${INTERVAL} on the emulator`, () => steadyHeap(engine, device, 'compact'));
    const base = await step(`${device}: baseline heap`, () => baselineHeap(engine, device));
    const ratio = (c - base) / (x - base);
    console.log(`${pad(device, 7)}${lpad(kb(x), 11)}${lpad(kb(c), 11)}${lpad(kb(base), 11)}${lpad(kb(x - base), 11)}${lpad(kb(c - base), 11)}${lpad(ratio.toFixed(2), 9)}`);
    if (!(ratio <= HEAP_RATIO_BUDGET)) failures.push(`${device}: the compact runtime's heap share is ${ratio.toFixed(2)} of XState's (budget ≤ ${HEAP_RATIO_BUDGET})`);
    for (const [rt, h] of [['xstate', x], ['compact', c]] as const) if (h > budget) failures.push(`${device} ${rt}: heap ${kb(h)} over the emulator board's ${kb(budget)}`);
  }

  failures.push(...espruinoVariables(rows));

  console.log('\nbudgets');
  for (const r of rows.filter((x) => x.device === 'ppmid' && x.board === ESPRUINO_BOARD && x.code)) {
    const c = bundleComposition(r.code!);
    console.log(`  (${r.board} ppmid bundle ${r.bytes} bytes = ${c.code} code + ${c.strings} strings + ${c.keptNames} kept property names; bytes are not budgeted)`);
  }
  console.log(`  ${ESPRUINO_BOARD}: every device ≤ ${ESPRUINO_IN_USE_BUDGET} variables in use over ${ESPRUINO_CYCLES} cycles, growth within ±${ESPRUINO_GROWTH_BUDGET} per 1,000: ${failures.some((f) => f.includes('variables')) ? 'BROKEN' : 'ok'}`);
  console.log(`  compact heap share ≤ ${HEAP_RATIO_BUDGET} of XState's, every device: ${failures.some((f) => f.includes('share')) ? 'BROKEN' : 'ok'}`);
  for (const f of failures) console.log(`BUDGET BROKEN: ${f}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
