/**
 * `hanlab.json`, the config an Espruino board reads from its flash Storage (boards/espruino/
 * config.ts), checked with zod before `hanlab flash` writes it: a bad file is refused on the
 * desk, with the field named, instead of on the board's little screen.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { checkDeviceConfig } from '../../firmware/runtime/app.ts';
import type { DeviceKind } from '../../firmware/runtime/app.ts';
import { UsageError } from '../cli/usage.ts';

const eui = z.string().regex(/^[0-9A-F]{16}$/, 'expected 16 upper-case hex digits');

export const espruinoConfigSchema = z.strictObject({
  device: z.enum(['gsme', 'gpf', 'ppmid']),
  premises: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, _ or -'),
  eui,
  peers: z.strictObject({ gpf: eui.optional(), gsme: eui.optional(), ppmid: eui.optional() }),
  firmware: z.enum(['secmp0015', 'legacy']),
  seed: z.number().finite().optional(),
  profile: z.enum(['default', 'hil']).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  wifi: z.strictObject({ ssid: z.string().min(1), password: z.string() }),
  mqtt: z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535).optional() }),
});
export type EspruinoConfig = z.infer<typeof espruinoConfigSchema>;

/** Reads and checks FILE for `device`; every problem is a UsageError naming the file and the field. */
export function loadEspruinoConfig(file: string, device: DeviceKind): EspruinoConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON: ' + (err as Error).message}`);
  }
  const parsed = espruinoConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--config ${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  // The firmware's own rules on top (the bundle's device, the peers it needs): the board runs them too.
  const problem = checkDeviceConfig(parsed.data, device);
  if (problem) throw new UsageError(`--config ${file}: ${problem}`);
  return parsed.data;
}
