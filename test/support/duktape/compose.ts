/**
 * Builds the Duktape script of test/duktape.test.ts: the harness, then each board's Espruino
 * bundle wrapped in a function of its own (its own require, timers, Date, console, pins and
 * Graphics), then the run. By default under the Espruino profile (espruino-profile.js): the engine
 * has exactly Espruino 2v29's built-ins (boards/bundler/espruino-builtins.json) and the board's
 * firmware fonts (boards/<board>/board.json). With `espruino: false`, plain Duktape with the
 * ES2015 built-ins Espruino lacks shadowed by undefined, as before the profile: what a test
 * compares against to show the profile makes the difference.
 */
import { readFileSync } from 'node:fs';

export interface DukBoard {
  device: 'gsme' | 'gpf' | 'ppmid';
  /** The Espruino bundle (ES5). */
  code: string;
  /** Files in the board's Storage (hanlab.json…). */
  storage: Record<string, string>;
}

export interface DukOptions {
  /** The board whose firmware fonts the Graphics stub has (default espruino-wifi). */
  board?: string;
  /** The Espruino profile (default true). */
  espruino?: boolean;
}

const HIDDEN = ['Map', 'Set', 'WeakMap', 'Symbol', 'Reflect', 'Proxy', 'Promise'];
const BUNDLE_PARAMS = ['require', 'setTimeout', 'clearTimeout', 'Date', 'console', 'I2C1', 'B8', 'B9', 'Graphics'];
const PROFILE_FILES = ['espruino-shims.js', 'espruino-promise.js', 'espruino-errors.js', 'espruino-behaviours.js', 'espruino-restrict.js', 'espruino-profile.js'];

function here(file: string): string {
  return readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
}

function repoFile(path: string): string {
  return readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
}

/** The firmware fonts of a board (boards/<board>/board.json). */
export function boardFonts(board: string): string[] {
  const spec = JSON.parse(repoFile(`boards/${board}/board.json`)) as { fonts?: string[] };
  if (!spec.fonts) throw new Error(`boards/${board}/board.json lists no fonts`);
  return spec.fonts;
}

export function composeDuktapeScript(boards: DukBoard[], startMs: number, untilMs: number, options: DukOptions = {}): string {
  const espruino = options.espruino ?? true;
  const parts = [here('graphics.js'), here('harness.js')];
  if (espruino) {
    const facts = JSON.parse(repoFile('boards/bundler/espruino-builtins.json')) as Record<string, unknown>;
    delete facts['about'];
    parts.push(...PROFILE_FILES.map(here));
    parts.push(`hanlab.start(${startMs}, { espruino: true, fonts: ${JSON.stringify(boardFonts(options.board ?? 'espruino-wifi'))} });`);
    parts.push(`hanlab.profile = espruinoProfile(${JSON.stringify(facts)}, hanlab.host);`);
  } else {
    parts.push(`hanlab.start(${startMs});`);
  }
  const params = espruino ? BUNDLE_PARAMS : [...BUNDLE_PARAMS, ...HIDDEN];
  for (const b of boards) {
    parts.push(`hanlab.load(${JSON.stringify(b.device)}, ${JSON.stringify(b.storage)}, function (${params.join(', ')}) {\n${b.code}\n});`);
  }
  parts.push(`hanlab.run(${untilMs});`);
  return parts.join('\n');
}
