/**
 * The DeviceConfig a board runs with by default, on the Node side: the device as the default
 * scenario describes it (a config file is read and checked by config-file.ts).
 */
import type { DeviceConfig } from '../../firmware/runtime/app.ts';
import type { DeviceKind } from '../build/board-spec.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../scenario/load.ts';
import { gpfInput, gsmeInput, ppmidInput } from '../run/devices.ts';

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
