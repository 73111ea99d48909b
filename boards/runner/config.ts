/**
 * The DeviceConfig a board runs with by default, on the Node side: the device as the default
 * scenario describes it (a config file is read and checked by config-file.ts).
 */
import type { DeviceKind } from '../config/board-spec.ts';
import { builtinScenario, DEFAULT_SCENARIO } from '../../sim/scenario/load.ts';
import { gpfInput, gsmeInput, ppmidInput } from '../../sim/run/devices.ts';
import { simulationSecret } from '../../sim/run/identities.ts';
import type { BoardDeviceConfig } from '../config/device-config-schema.ts';

/**
 * The default: the device of the default scenario's home, premises home-1, default timing, and
 * the secret a run of that scenario gives it, so boards started without a config log in to a
 * broker holding that scenario's accounts (`hanlab sim --print-broker-files`).
 */
export function defaultDeviceConfig(device: DeviceKind): BoardDeviceConfig {
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
    secret: simulationSecret(s, input.eui),
  };
}
