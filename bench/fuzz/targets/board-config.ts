import type { DeviceKind } from '../../../firmware/runtime/app.ts';
import { checkDeviceConfig } from '../../../firmware/runtime/app.ts';
import { checkBoardDeviceConfig } from '../../../boards/config/config-file.ts';
import { UsageError } from '../../../boards/config/usage-error.ts';
import { boardConfigs } from '../corpus.ts';
import type { FuzzTarget } from '../engine.ts';
import { fuzzText, mutateObject } from '../mutate.ts';

const DEVICES: readonly DeviceKind[] = ['gsme', 'gpf', 'ppmid'];
const parsed = new Map<string, unknown>();

function corpus(): string[] {
  return boardConfigs().map((c) => JSON.stringify(c, null, 2));
}

/** Structure-aware (a field set to a wrong type or range, a key removed or added) or text mutations. */
function input(rng: Parameters<FuzzTarget<string>['input']>[0], c: readonly string[]): string {
  if (rng.chance(0.6)) {
    const text = rng.pick(c);
    let doc = parsed.get(text);
    if (doc === undefined) parsed.set(text, (doc = JSON.parse(text)));
    return JSON.stringify(mutateObject(rng, doc));
  }
  return fuzzText(rng, c, 120);
}

/** The bundle's device the config is checked for: the one it names when it names one. */
function deviceOf(value: unknown): DeviceKind {
  const d = value !== null && typeof value === 'object' ? (value as { device?: unknown }).device : undefined;
  return DEVICES.includes(d as DeviceKind) ? (d as DeviceKind) : 'gsme';
}

/** A UsageError's kind: the field it names (list indices folded), or what went wrong with the file. */
export function usageErrorKind(err: UsageError): string {
  const rest = err.message.replace(/^--config fuzz: /, '');
  if (rest.startsWith('not JSON')) return 'UsageError: not JSON';
  const field = rest.split(':')[0]!.replace(/\[\d+\]/g, '[]');
  return `UsageError: ${/unknown key/.test(rest) ? 'unknown key' : field}`;
}

/**
 * A board's config file as `hanlab board run --config` / `hanlab flash` read it
 * (boards/config/config-file.ts: JSON, then the zod schema of device-config-schema.ts, then the
 * firmware's own checkDeviceConfig), from text.
 */
export const boardConfigTarget: FuzzTarget<string> = {
  name: 'board-config',
  what: 'checkBoardDeviceConfig (boards/config/config-file.ts + device-config-schema.ts) on JSON text',
  share: 0.1,
  corpus,
  input,
  run(text) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // readConfigJson's wording, without a file.
      throw new UsageError(`--config fuzz: not JSON: ${(err as Error).message}`);
    }
    checkBoardDeviceConfig(value, deviceOf(value), '--config fuzz');
  },
  classify: (err) => (err instanceof UsageError ? usageErrorKind(err) : null),
};

/**
 * What a board itself checks of the config in its flash (firmware/runtime/app.ts
 * checkDeviceConfig: no zod on a board), on the same mutated JSON. Problems are returned, never thrown.
 */
export const deviceConfigTarget: FuzzTarget<string> = {
  name: 'device-config',
  what: 'checkDeviceConfig (firmware/runtime/app.ts) on JSON text, as a board reads its flash',
  share: 0.05,
  corpus,
  input,
  run(text) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return 'not JSON';
    }
    const problem = checkDeviceConfig(value, deviceOf(value));
    if (problem !== null) return `problem: ${problem.split(':')[0]}`;
  },
  classify: () => null,
};
