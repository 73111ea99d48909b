/**
 * `hanlab build`: one device for one board, as the board runs it.
 *
 * The board's entry (`boards/<id>/main.ts`) imports the virtual module `hanlab:device`, generated
 * here: the device's machine on the chosen runtime (`createDeviceActor(input, timers)`), its name,
 * and the build flags. For the compact runtime the table is compiled now, on Node with real
 * XState, and `xstate` is aliased to `firmware/runtime/compact/xstate-shim.ts`, so the bundle holds
 * the machines' own actions and guards but no XState (the shim's `setup` keeps them in the shape the
 * interpreter calls); it imports the machine module's `*Setup` and `*Context` only, so the machine
 * config (the state structure, which the table replaces) is left out.
 *
 * Targets: `node` (ES module for Node), `es2020` (an IIFE QuickJS runs unchanged), `es5`
 * (Espruino: the bundle's own property names shortened, mangle.ts; espruino.ts for the rest of
 * that route).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { AnyStateMachine } from 'xstate';
import { gpfMachine, gsmeMachine, ppmidMachine } from '../../firmware/machines/index.ts';
import { encodeZclFrame, encodeZclUntypedFrame } from '../../firmware/zcl/index.ts';
import type { ZclFrame } from '../../firmware/zcl/index.ts';
import { compileMachine, linkTable } from '../../firmware/runtime/compact/compile.ts';
import { UsageError } from '../config/usage-error.ts';
import { BOARDS_DIR, loadBoard } from '../config/board-spec.ts';
import type { BoardSpec, DeviceKind, Runtime } from '../config/board-spec.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Per device: the machine (compiled here), its module, and that module's exports. `setup` and
 * `context` are the machine's implementations without its state structure: what a compact bundle
 * imports, so the machine config (pure `createMachine`) is left out of it.
 */
export const MACHINES: Record<DeviceKind, { machine: AnyStateMachine; exportName: string; setup: string; context: string; file: string }> = {
  gsme: { machine: gsmeMachine, exportName: 'gsmeMachine', setup: 'gsmeSetup', context: 'gsmeContext', file: 'firmware/machines/gsme.ts' },
  gpf: { machine: gpfMachine, exportName: 'gpfMachine', setup: 'gpfSetup', context: 'gpfContext', file: 'firmware/machines/gpf.ts' },
  ppmid: { machine: ppmidMachine, exportName: 'ppmidMachine', setup: 'ppmidSetup', context: 'ppmidContext', file: 'firmware/machines/ppmid.ts' },
};

/**
 * Each device's ZCL encoder: a PPMID sends only Read Attributes and cluster commands, never typed
 * values, so its builds take the encoder without the value encoder (about 1.7 KB on Espruino).
 */
export const FRAME_ENCODER_NAMES: Record<DeviceKind, 'encodeZclFrame' | 'encodeZclUntypedFrame'> = {
  gsme: 'encodeZclFrame',
  gpf: 'encodeZclFrame',
  ppmid: 'encodeZclUntypedFrame',
};
export const FRAME_ENCODERS: Record<DeviceKind, (frame: ZclFrame) => Uint8Array> = {
  gsme: encodeZclFrame,
  gpf: encodeZclFrame,
  ppmid: encodeZclUntypedFrame,
};

/** Switches kept for testing the tests (the HIL harness must be able to fail). */
export interface BuildFlags {
  /** false builds a PPMID that never warns of stale data, whatever its config says. */
  staleDetection?: boolean;
}

export interface BuildOptions {
  board: string;
  device: DeviceKind;
  /** Default: the board's own choice (board.json `runtime`). */
  runtime?: Runtime;
  flags?: BuildFlags;
  /** Where `dist/` goes (default: the repository root). */
  outDir?: string;
  /** false: keep the code readable (the Espruino route minifies at its end). Default true. */
  minify?: boolean;
  /** Espruino route: shorten the bundle's own property names (mangle.ts). Default true. */
  mangle?: boolean;
}

export interface BuildResult {
  board: BoardSpec;
  device: DeviceKind;
  runtime: Runtime;
  code: string;
  /** The written file. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

function deviceModule(device: DeviceKind, runtime: Runtime, flags: BuildFlags): string {
  const m = MACHINES[device];
  const machinePath = JSON.stringify(`${ROOT}${m.file}`);
  const head = [
    `export { ${FRAME_ENCODER_NAMES[device]} as encodeFrame } from ${JSON.stringify(`${ROOT}firmware/zcl/frame.ts`)};`,
    `export const device = ${JSON.stringify(device)};`,
    `export const runtime = ${JSON.stringify(runtime)};`,
    `export const buildFlags = ${JSON.stringify(flags)};`,
  ];
  if (runtime === 'xstate') {
    return [
      `import { createActor } from 'xstate';`,
      `import { ${m.exportName} as machine } from ${machinePath};`,
      ...head,
      `export function createDeviceActor(input, timers) { return createActor(machine, { input: input, clock: timers }); }`,
    ].join('\n');
  }
  return [
    `import { createCompactActor } from ${JSON.stringify(`${ROOT}firmware/runtime/compact/interpreter.ts`)};`,
    `import { ${m.setup} as setup, ${m.context} as context } from ${machinePath};`,
    ...head,
    // The table linked to the implementations' key order: the action and guard names are not in it,
    // the bundle lists them from setup (the xstate shim keeps setup's objects as they are).
    `const table = ${JSON.stringify(linkedTable(m.machine))};`,
    `table.a = Object.keys(setup.implementations.actions);`,
    `table.g = Object.keys(setup.implementations.guards);`,
    // setup is the xstate shim's: its implementations are the interpreter's as they are.
    `export function createDeviceActor(input, timers) { return createCompactActor(table, setup.implementations, { input: input, clock: timers, context: context }); }`,
  ].join('\n');
}

/** The machine's table, linked by the key order of its `setup({ actions, guards })` (compile.ts `linkTable`). */
export function linkedTable(machine: AnyStateMachine): ReturnType<typeof linkTable> {
  const impl = machine.implementations as { actions?: object; guards?: object };
  return linkTable(compileMachine(machine), Object.keys(impl.actions ?? {}), Object.keys(impl.guards ?? {}));
}

/**
 * Fonts an Espruino bundle can bring for a board whose firmware lacks them (board.json `fonts`):
 * each module gives Graphics a `setFont<name>` method, which Espruino's setFont calls for a font
 * it does not have. The ES5 check refuses a font that is neither the board's nor supplied.
 */
export const SUPPLIED_FONTS: Readonly<Record<string, string>> = { '6x8': 'boards/espruino/font-6x8.ts' };

/** The font modules `board`'s bundle carries: those of SUPPLIED_FONTS its firmware lacks. */
export function suppliedFonts(board: BoardSpec): string[] {
  if (board.engine !== 'espruino') return [];
  return Object.keys(SUPPLIED_FONTS).filter((font) => !(board.fonts as readonly string[]).includes(font));
}

/**
 * `hanlab:device` (above), and `hanlab:display`: the layout of the board's own display profile
 * (board.json `display`), `firmware/display/render/layout-<profile>.ts`, whose `draw(g, screen)`
 * draws one frame; a board without a screen gets a `draw` that does nothing. So a board bundle
 * carries one layout, and firmware/ names profiles, never boards. With the layout come the fonts
 * the board lacks (suppliedFonts): the status screen draws through the same Graphics, and every
 * Espruino board imports the layout before it draws anything.
 */
function devicePlugin(board: BoardSpec, device: DeviceKind, runtime: Runtime, flags: BuildFlags): esbuild.Plugin {
  const fonts = suppliedFonts(board).map((font) => `import ${JSON.stringify(ROOT + SUPPLIED_FONTS[font]!)};`);
  const layout = board.display ? `${ROOT}firmware/display/render/layout-${board.display}.ts` : null;
  const display = [...fonts, layout ? `export { draw } from ${JSON.stringify(layout)};` : 'export function draw() {}'].join('\n');
  return {
    name: 'hanlab-device',
    setup(build) {
      build.onResolve({ filter: /^hanlab:device$/ }, () => ({ path: 'hanlab:device', namespace: 'hanlab' }));
      build.onResolve({ filter: /^hanlab:display$/ }, () =>
        layout && fonts.length === 0 ? { path: layout } : { path: 'hanlab:display', namespace: 'hanlab' },
      );
      build.onLoad({ filter: /.*/, namespace: 'hanlab' }, (args) => ({
        contents: args.path === 'hanlab:display' ? display : deviceModule(device, runtime, flags),
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/**
 * esbuild's part: the board entry with the device, as one file, not yet written. With `mangle`,
 * bundled twice: the first bundle tells which property names may be shortened (mangle.ts), the
 * second shortens them.
 */
export async function bundleDevice(board: BoardSpec, device: DeviceKind, runtime: Runtime, flags: BuildFlags, minify: boolean, mangle = false): Promise<string> {
  const first = (await esbuildDevice(board, device, runtime, flags, minify && !mangle, null)).code;
  if (!mangle) return first;
  const { checkShortNames, mangleableNames, manglePattern } = await import('./mangle.ts');
  const out = await esbuildDevice(board, device, runtime, flags, minify, manglePattern(mangleableNames(device, first)));
  checkShortNames(out.mangleCache);
  return out.code;
}

async function esbuildDevice(
  board: BoardSpec,
  device: DeviceKind,
  runtime: Runtime,
  flags: BuildFlags,
  minify: boolean,
  mangleProps: RegExp | null,
): Promise<{ code: string; mangleCache: Record<string, string | false> }> {
  const node = board.target === 'node';
  const result = await esbuild.build({
    entryPoints: [`${BOARDS_DIR}${board.id}/main.ts`],
    bundle: true,
    write: false,
    format: node ? 'esm' : 'iife',
    platform: node ? 'node' : 'neutral',
    mainFields: ['module', 'main'],
    // On the Espruino route esbuild stops at es2020 (object spread and class fields left alone:
    // its helpers for them need Object.getOwnPropertyDescriptors, which Espruino lacks); SWC
    // lowers the rest to ES5 (espruino.ts).
    target: board.target === 'es2020' || board.target === 'es5' ? 'es2020' : 'node20',
    supported: board.target === 'es5' ? { 'class-field': true, 'class-static-field': true } : {},
    minify,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    // Board-provided modules (Espruino's MQTT, Storage…) are the board's, not ours to bundle.
    external: board.engine === 'espruino' ? ['MQTT', 'Storage', 'SSD1306', 'Wifi', 'ESP32'] : node ? ['mqtt', 'pngjs', 'node:*'] : [],
    alias: runtime === 'compact' ? { xstate: `${ROOT}firmware/runtime/compact/xstate-shim.ts` } : {},
    plugins: [devicePlugin(board, device, runtime, flags)],
    ...(mangleProps ? { mangleProps, mangleCache: {} } : {}),
  });
  return { code: result.outputFiles![0]!.text, mangleCache: result.mangleCache ?? {} };
}

/**
 * Throws a UsageError, before any building, for a runtime the board cannot run: XState on Espruino
 * takes about 5,000 variables for one machine, and its source has constructs Espruino 2v29
 * rejects (a labelled statement), so it would fail the ES5 check deep in the build.
 */
export function checkRuntime(board: BoardSpec, runtime: Runtime): void {
  if (board.engine === 'espruino' && runtime === 'xstate') {
    throw new UsageError(
      `--runtime: xstate does not run on board '${board.id}' (Espruino): XState needs about 5,000 variables for one machine and its source has constructs Espruino rejects; use --runtime compact`,
    );
  }
}

export async function buildDevice(options: BuildOptions): Promise<BuildResult> {
  const board = loadBoard(options.board);
  const runtime = options.runtime ?? board.runtime;
  checkRuntime(board, runtime);
  const flags = options.flags ?? {};
  const minify = options.minify ?? true;
  let code: string;
  if (board.target === 'es5') {
    const { toEspruino } = await import('./espruino.ts');
    const es2020 = await bundleDevice(board, options.device, runtime, flags, false, options.mangle ?? true);
    code = await toEspruino(es2020, { minify, fonts: { board: board.id, fonts: board.fonts } });
  } else {
    code = await bundleDevice(board, options.device, runtime, flags, minify);
  }
  const dir = `${options.outDir ?? ROOT}dist/${board.id}/`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${options.device}${runtime === board.runtime ? '' : `.${runtime}`}${flagSuffix(flags)}.js`;
  // Written beside it and renamed over it: whoever reads the bundle (a flash, a board run, another
  // build of the same board and device at the same time, as two test files do) sees the old file
  // or the new one, never one half written.
  const partial = `${file}.${process.pid}-${(++partials).toString(36)}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  const bytes = Buffer.byteLength(code);
  return { board, device: options.device, runtime, code, file, bytes, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/** Partial files this process has written (their names apart). */
let partials = 0;

function flagSuffix(flags: BuildFlags): string {
  return flags.staleDetection === false ? '.no-stale' : '';
}
