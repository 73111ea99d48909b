/**
 * `boards/<id>/board.json`: what a build and a runner need to know about a target. Validated with
 * zod so a bad file names its field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UsageError } from './usage-error.ts';

export const BOARDS_DIR = fileURLToPath(new URL('../../boards/', import.meta.url));

export const DEVICES = ['gsme', 'gpf', 'ppmid'] as const;
export type DeviceKind = (typeof DEVICES)[number];
export const RUNTIMES = ['xstate', 'compact'] as const;
export type Runtime = (typeof RUNTIMES)[number];

const boardSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string(),
  /** What runs the bundle: Node itself, QuickJS (the emulator) or Espruino. */
  engine: z.enum(['node', 'quickjs', 'espruino']),
  /** How the bundle is emitted: a Node ES module, an es2020 IIFE, or ES5 for Espruino. */
  target: z.enum(['node', 'es2020', 'es5']),
  /**
   * The board's memory: bytes of heap (QuickJS, Node) or the variables its Espruino firmware has
   * (process.memory().total): what a device's bundle must fit, with room to spare, on the board.
   */
  memory: z.strictObject({ unit: z.enum(['bytes', 'variables']), budget: z.number().int().positive() }),
  /** Display profile (firmware/display/render), or null for a board without a screen. */
  display: z.enum(['mono128x64', 'color176']).nullable(),
  /**
   * The bitmap fonts the board's firmware has built in (Espruino: "4x6" always, "6x8" only where
   * the firmware was built with it; the framebuffer boards draw both). A layout that needs another
   * gets it from the bundle or the build refuses it (boards/bundler/espruino.ts).
   */
  fonts: z.array(z.enum(['4x6', '6x8', 'Vector'])).min(1),
  /** How HAN frames leave the board. */
  han: z.enum(['mqtt.js', 'host-bridge', 'espruino-mqtt']),
  /** The machine runtime, when the board must not have the one its memory budget picks (runtimeFor). */
  runtime: z.enum(RUNTIMES).optional(),
  devices: z.array(z.enum(DEVICES)).min(1),
  notes: z.string().optional(),
});
/** A board as builds see it: its runtime decided (board.json's, else its budget's). */
export type BoardSpec = z.infer<typeof boardSchema> & { runtime: Runtime };

/**
 * The smallest heap on which a board runs XState rather than the compact runtime: XState devices
 * settle at 410–505 KB of QuickJS heap (`npm run bench:footprint`), so 2 MiB leaves room for traffic
 * bursts and the screen; below that the compact runtime (230–275 KB). Espruino boards run the
 * compact runtime whatever their variables: XState's own source has constructs Espruino 2v29
 * rejects (a labelled statement), and it takes about 5,000 variables for one machine.
 */
export const XSTATE_MIN_HEAP_BYTES = 2 * 1024 * 1024;

/** The runtime a board's engine and memory pick; `--runtime` and board.json's `runtime` override it (not to xstate on Espruino). */
export function runtimeFor(engine: BoardSpec['engine'], memory: { unit: 'bytes' | 'variables'; budget: number }): Runtime {
  if (engine === 'espruino') return 'compact';
  return memory.budget >= XSTATE_MIN_HEAP_BYTES ? 'xstate' : 'compact';
}

export function listBoards(): string[] {
  return readdirSync(BOARDS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${BOARDS_DIR}${d.name}/board.json`))
    .map((d) => d.name)
    .sort();
}

/** Loads and checks `boards/<id>/board.json`; an unknown id or a bad file is a UsageError. */
export function loadBoard(id: string): BoardSpec {
  const file = `${BOARDS_DIR}${id}/board.json`;
  if (!/^[a-z0-9-]+$/.test(id) || !existsSync(file)) {
    throw new UsageError(`--board: unknown board '${id}' (boards: ${listBoards().join(', ')})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not JSON: ${(err as Error).message}`);
  }
  const parsed = boardSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  if (parsed.data.id !== id) throw new UsageError(`${file}: id: '${parsed.data.id}' does not match its folder '${id}'`);
  return { ...parsed.data, runtime: parsed.data.runtime ?? runtimeFor(parsed.data.engine, parsed.data.memory) };
}
