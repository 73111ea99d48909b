/**
 * A board's config file (`--config FILE` of `hanlab board run` and `hanlab flash`): read, checked
 * with zod, and its first problem turned into the one line a UsageError carries:
 *
 *   --config hanlab.json: config.pollIntervalMs: expected a whole number of ms from 2 to 2147483647, found -1
 */
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import type { DeviceKind } from '../../firmware/runtime/app.ts';
import { checkDeviceConfig } from '../../firmware/runtime/app.ts';
import { UsageError } from './usage-error.ts';
import { formatPath } from '../../sim/scenario/load.ts';
import { deviceConfigSchema } from './device-config-schema.ts';
import type { BoardDeviceConfig } from './device-config-schema.ts';

/** A device config is a few hundred bytes (an Espruino board keeps it in flash Storage): a bigger file is not one. */
const MAX_CONFIG_BYTES = 64 * 1024;

/** The parsed JSON of FILE; a file that cannot be read or is not JSON is a UsageError naming it. */
export function readConfigJson(file: string): unknown {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) throw new UsageError(`--config ${file}: expected a config of at most ${MAX_CONFIG_BYTES} bytes, found ${size} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--config ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code ?? (err as Error).message})`}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${file}: not JSON: ${(err as Error).message}`);
  }
}

/** `data` checked by `schema`; the first issue is a UsageError "LABEL: field: expected …, found …". */
export function parseConfig<T extends z.ZodType>(schema: T, data: unknown, label: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    throw new UsageError(`${label}: ${formatPath([...path, key])}: ${issue.message.split('\n')[0]}`);
  }
  throw new UsageError(`${label}: ${formatPath(path) || '(top level)'}: expected ${issue.message}, found ${describe(valueAt(data, path))}`);
}

/** The device config of FILE for a bundle of `device` (`hanlab board run --config`). */
export function loadBoardDeviceConfig(file: string, device: DeviceKind): BoardDeviceConfig {
  return checkBoardDeviceConfig(readConfigJson(file), device, `--config ${file}`);
}

/**
 * `config` checked for a bundle of `device`: the zod schema, then the firmware's own rules
 * (what the board itself would refuse, so the desk refuses it first).
 */
export function checkBoardDeviceConfig(config: unknown, device: DeviceKind, label: string): BoardDeviceConfig {
  const checked = parseConfig(deviceConfigSchema(device), config, label);
  const problem = checkDeviceConfig(checked, device);
  if (problem) throw new UsageError(`${label}: ${problem}`);
  return checked;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}
