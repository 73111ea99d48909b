/**
 * `hanlab.json`, the config an Espruino board reads from its flash Storage (boards/espruino/
 * config.ts), checked with zod before `hanlab flash` writes it: a bad file is refused on the
 * desk, with the field named, instead of on the board's little screen.
 */
import { z } from 'zod';
import { checkDeviceConfig } from '../../firmware/runtime/app.ts';
import type { DeviceKind } from '../../firmware/runtime/app.ts';
import { UsageError } from '../config/usage-error.ts';
import { parseConfig, readConfigJson } from '../config/config-file.ts';
import { deviceConfigShape, strictConfigObject } from '../config/device-config-schema.ts';

const PORT = 'a port from 1 to 65535';
/** A hanlab.json for `board` that passes, to copy and edit (boards/BOARD/hanlab.example.json). */
export function sampleConfig(board: string): string {
  return `boards/${board}/hanlab.example.json`;
}

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

/**
 * Reads and checks FILE for `device` on `board`; every problem is a UsageError naming the file and
 * the field (a missing wifi or mqtt section: how to add it, and the board's example).
 */
export function loadEspruinoConfig(file: string, device: DeviceKind, board: string): EspruinoConfig {
  const label = `--config ${file}`;
  const data = readConfigJson(file);
  // The usual way to get here: the device config alone (hil --print-config without --wifi, a board run config).
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const missing = (['wifi', 'mqtt'] as const).filter((k) => !Object.hasOwn(data, k));
    if (missing.length > 0) {
      const how = { wifi: '"wifi": {"ssid": "…", "password": "…"}', mqtt: '"mqtt": {"host": "…", "port": 1883}' };
      throw new UsageError(
        `${label}: ${missing.join(' and ')}: missing: a board needs the device config plus ${missing.map((k) => how[k]).join(' and ')}, as in ${sampleConfig(board)} (hanlab hil --print-config --dut mqtt://HOST:PORT#EUI --wifi SSID prints both)`,
      );
    }
  }
  const config = parseConfig(espruinoConfigSchema(device), data, label);
  // The firmware's own rules on top (the bundle's device, the peers it needs): the board runs them too.
  const problem = checkDeviceConfig(config, device);
  if (problem) throw new UsageError(`${label}: ${problem}`);
  return config;
}
