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
 * Budgets (exit 1 when broken): the PPMID's compact Espruino bundle ≤ 24 KB minified; for every
 * device, the compact runtime's heap share ≤ a quarter of XState's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { loadEmulatorEngine, startEmulatorBoard } from '../boards/emulator/host.ts';
import type { EmulatorBoard, EmulatorEngine } from '../boards/emulator/host.ts';
import { BOARDS_DIR, DEVICES, listBoards, loadBoard, RUNTIMES } from '../sim/build/board-spec.ts';
import type { DeviceKind, Runtime } from '../sim/build/board-spec.ts';
import { buildDevice, FRAME_ENCODER_NAMES, MACHINES, ROOT } from '../sim/build/bundle.ts';
import { runSimulation } from '../sim/run/run.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../sim/scenario/load.ts';
import { bundleComposition } from './composition.ts';

const ESPRUINO_PPMID_BUDGET = 24 * 1024;
const HEAP_RATIO_BUDGET = 0.25;
/** Long enough for every timer and poll to have come round many times, outage included. */
const INTERVAL = '+20h';
const outDir = mkdtempSync(join(tmpdir(), 'hanlab-footprint-')) + '/';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

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
        try {
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

async function main(): Promise<number> {
  const rows = await sizes();
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
    const x = await steadyHeap(engine, device, 'xstate');
    const c = await steadyHeap(engine, device, 'compact');
    const base = await baselineHeap(engine, device);
    const ratio = (c - base) / (x - base);
    console.log(`${pad(device, 7)}${lpad(kb(x), 11)}${lpad(kb(c), 11)}${lpad(kb(base), 11)}${lpad(kb(x - base), 11)}${lpad(kb(c - base), 11)}${lpad(ratio.toFixed(2), 9)}`);
    if (!(ratio <= HEAP_RATIO_BUDGET)) failures.push(`${device}: the compact runtime's heap share is ${ratio.toFixed(2)} of XState's (budget ≤ ${HEAP_RATIO_BUDGET})`);
    for (const [rt, h] of [['xstate', x], ['compact', c]] as const) if (h > budget) failures.push(`${device} ${rt}: heap ${kb(h)} over the emulator board's ${kb(budget)}`);
  }

  console.log('\nbudgets');
  const espruino = rows.filter((r) => r.device === 'ppmid' && r.runtime === 'compact' && loadBoard(r.board).engine === 'espruino');
  for (const r of espruino) {
    if (r.bytes === null) console.log(`  ${r.board} ppmid compact ≤ ${kb(ESPRUINO_PPMID_BUDGET)}: not checked, ${r.note}`);
    else {
      const ok = r.bytes <= ESPRUINO_PPMID_BUDGET;
      console.log(`  ${r.board} ppmid compact ≤ ${kb(ESPRUINO_PPMID_BUDGET)}: ${kb(r.bytes)} (${r.bytes} bytes) ${ok ? 'ok' : 'OVER'}`);
      const c = bundleComposition(r.code!);
      console.log(`    = ${c.code} code + ${c.strings} strings + ${c.keptNames} kept property names (built-in, host, published, config)`);
      if (!ok) failures.push(`${r.board} ppmid compact bundle ${r.bytes} bytes > ${ESPRUINO_PPMID_BUDGET}`);
    }
  }
  console.log(`  compact heap share ≤ ${HEAP_RATIO_BUDGET} of XState's, every device: ${failures.some((f) => f.includes('share')) ? 'BROKEN' : 'ok'}`);
  for (const f of failures) console.log(`BUDGET BROKEN: ${f}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
