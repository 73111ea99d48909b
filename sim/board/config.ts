/**
 * The DeviceConfig a board runs with, on the Node side: read from a JSON file (checked with zod,
 * so a bad file names its field) or, by default, the device as the default scenario describes it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DeviceConfig } from '../../firmware/runtime/app.ts';
import { checkDeviceConfig } from '../../firmware/runtime/app.ts';
import { TIMING_PROFILES } from '../../firmware/runtime/profiles.ts';
import type { DeviceKind } from '../build/board-spec.ts';
import { DEVICES } from '../build/board-spec.ts';
import { UsageError } from '../cli/usage.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../scenario/load.ts';
import { gpfInput, gsmeInput, ppmidInput } from '../run/devices.ts';

const eui = z.string().regex(/^[0-9A-F]{16}$/, { message: 'expected 16 upper-case hex digits' });

export const deviceConfigSchema = z.strictObject({
  device: z.enum(DEVICES),
  premises: z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'expected letters, digits, _ or -' }),
  eui,
  peers: z.strictObject({ gpf: eui.optional(), gsme: eui.optional(), ppmid: eui.optional() }),
  firmware: z.enum(['secmp0015', 'legacy']),
  seed: z.number().int().min(1).max(0x7fffffff).optional(),
  profile: z.enum(TIMING_PROFILES as ['default', 'hil']).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

/** The default: the device of the default scenario's home, premises home-1, default timing. */
export function defaultDeviceConfig(device: DeviceKind): DeviceConfig {
  const s = builtinScenario(DEFAULT_SCENARIO);
  const input = device === 'gsme' ? gsmeInput(s, 1) : device === 'gpf' ? gpfInput(s, 1) : ppmidInput(s, 1);
  return {
    device,
    premises: s.premises,
    eui: input.eui,
    peers: input.peers,
    firmware: input.firmware,
    seed: input.seed,
    profile: 'default',
    config: input.config as unknown as Record<string, unknown>,
  };
}

/** Reads and checks a config file for `device`; every problem is a UsageError naming the field. */
export function loadDeviceConfig(file: string, device: DeviceKind): DeviceConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`--config ${file}: ${e.code ? `cannot read it (${e.code})` : `not JSON: ${e.message}`}`);
  }
  const parsed = deviceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--config ${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const problem = checkDeviceConfig(parsed.data, device);
  if (problem) throw new UsageError(`--config ${file}: ${problem}`);
  return parsed.data as DeviceConfig;
}
