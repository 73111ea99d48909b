/**
 * `hanlab.json` in the board's flash Storage: the device's DeviceConfig (firmware/runtime/app.ts)
 * plus how this board reaches the broker. Checked here without zod (no zod in a bundle); the
 * flash tool checks the same file with zod before it is written (boards/bundler/espruino-config.ts).
 */
import { checkDeviceConfig, isObject } from '../../firmware/runtime/app.ts';
import type { DeviceConfig, DeviceKind } from '../../firmware/runtime/app.ts';

export const CONFIG_FILE = 'hanlab.json';

export interface BoardConfig extends DeviceConfig {
  /** The device's MQTT password (its username is its EUI): the secret the broker holds for it. */
  secret?: string;
  wifi: { ssid: string; password: string };
  mqtt: { host: string; port?: number };
}

/** The first problem with a config read from Storage, as `field: what is wrong`, or null. */
export function checkBoardConfig(c: unknown, device: DeviceKind): string | null {
  if (c === undefined || c === null) return CONFIG_FILE + ': missing or not JSON';
  const problem = checkDeviceConfig(c, device);
  if (problem) return problem;
  const secret = (c as Record<string, unknown>)['secret'];
  if (secret !== undefined && !(typeof secret === 'string' && secret.length === 32 && /^[0-9a-f]+$/.test(secret))) return 'secret: expected 32 lower-case hex digits (the MQTT password)';
  const { wifi, mqtt } = c as Record<string, Record<string, unknown> | undefined>;
  if (!isObject(wifi)) return 'wifi: expected {ssid, password}';
  if (typeof wifi['ssid'] !== 'string' || !wifi['ssid']) return 'wifi.ssid: expected the network name';
  if (typeof wifi['password'] !== 'string') return 'wifi.password: expected a string';
  if (!isObject(mqtt)) return 'mqtt: expected {host, port}';
  if (typeof mqtt['host'] !== 'string' || !mqtt['host']) return 'mqtt.host: expected the broker host name or IP';
  const port = mqtt['port'];
  if (port !== undefined && !(typeof port === 'number' && port % 1 === 0 && port >= 1 && port <= 65535)) return 'mqtt.port: expected 1..65535';
  return null;
}
