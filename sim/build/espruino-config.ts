/**
 * `hanlab.json`, the config an Espruino board reads from its flash Storage (boards/espruino/
 * config.ts), checked with zod before `hanlab flash` writes it: a bad file is refused on the
 * desk, with the field named, instead of on the board's little screen.
 */
import { z } from 'zod';
import { checkDeviceConfig } from '../../firmware/runtime/app.ts';
import type { DeviceKind } from '../../firmware/runtime/app.ts';
import { UsageError } from '../cli/usage.ts';
import { parseConfig, readConfigJson } from '../board/config-file.ts';
import { deviceConfigShape, strictConfigObject } from '../board/device-config-schema.ts';

const PORT = 'a port from 1 to 65535';

/** The device config a board runs with, plus how it reaches the HAN's broker. */
export function espruinoConfigSchema(device: DeviceKind) {
  return strictConfigObject(
    {
      ...deviceConfigShape(device),
      wifi: strictConfigObject(
        { ssid: z.string({ error: 'a network name' }).min(1, { error: 'a network name' }), password: z.string({ error: 'a text (may be empty)' }) },
        'wifi settings (ssid, password)',
      ),
      mqtt: strictConfigObject(
        {
          host: z.string({ error: 'a host name or address' }).min(1, { error: 'a host name or address' }),
          port: z.number({ error: PORT }).refine((v) => Number.isInteger(v) && v >= 1 && v <= 65535, { error: PORT }).optional(),
        },
        'MQTT settings (host, port)',
      ),
    },
    'hanlab.json settings (device, premises, eui, peers, firmware, wifi, mqtt, …)',
  );
}
export type EspruinoConfig = z.output<ReturnType<typeof espruinoConfigSchema>>;

/** Reads and checks FILE for `device`; every problem is a UsageError naming the file and the field. */
export function loadEspruinoConfig(file: string, device: DeviceKind): EspruinoConfig {
  const label = `--config ${file}`;
  const config = parseConfig(espruinoConfigSchema(device), readConfigJson(file), label);
  // The firmware's own rules on top (the bundle's device, the peers it needs): the board runs them too.
  const problem = checkDeviceConfig(config, device);
  if (problem) throw new UsageError(`${label}: ${problem}`);
  return config;
}
