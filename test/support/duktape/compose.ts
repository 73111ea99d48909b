/**
 * Builds the Duktape script of test/duktape.test.ts: the harness, then each board's Espruino
 * bundle wrapped in a function of its own (its own require, timers, Date, console and pins, and
 * the ES2015 built-ins Espruino lacks shadowed by undefined), then the run.
 */
import { readFileSync } from 'node:fs';

export interface DukBoard {
  device: 'gsme' | 'gpf' | 'ppmid';
  /** The Espruino bundle (ES5). */
  code: string;
  /** Files in the board's Storage (hanlab.json…). */
  storage: Record<string, string>;
}

const HIDDEN = ['Map', 'Set', 'WeakMap', 'Symbol', 'Reflect', 'Proxy', 'Promise'];

export function composeDuktapeScript(boards: DukBoard[], startMs: number, untilMs: number): string {
  const harness = readFileSync(new URL('./harness.js', import.meta.url), 'utf8');
  const parts = [harness, `hanlab.start(${startMs});`];
  for (const b of boards) {
    parts.push(
      `hanlab.load(${JSON.stringify(b.device)}, ${JSON.stringify(b.storage)}, function (require, setTimeout, clearTimeout, Date, console, I2C1, B8, B9, ${HIDDEN.join(', ')}) {\n${b.code}\n});`,
    );
  }
  parts.push(`hanlab.run(${untilMs});`);
  return parts.join('\n');
}
