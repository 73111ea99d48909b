/**
 * What every board's entry does once it has a platform and its config: build the machine's input
 * from the config (timing profile first, then the config's own overrides, then build flags), run
 * the device, and report a bad config through the log instead of throwing on a board with no one
 * to catch it.
 */
import type { Eui64, Platform } from '../platform/index.ts';
import { runDevice } from './device-core.ts';
import type { DeviceActor, RunningDevice } from './device-core.ts';
import { PROFILE_OVERRIDES, TIMING_PROFILES } from './profiles.ts';
import type { TimingProfile } from './profiles.ts';

export type DeviceKind = 'gsme' | 'gpf' | 'ppmid';

/** A device's config as a board stores it (JSON: a file, flash Storage, the emulator's host). */
export interface DeviceConfig {
  device: DeviceKind;
  /** The premises (home) id in the HAN topics. */
  premises: string;
  eui: Eui64;
  /** EUI-64s of the other devices: gpf for a GSME or PPMID; gsme (and ppmid) for a GPF. */
  peers: { gpf?: Eui64; gsme?: Eui64; ppmid?: Eui64 };
  firmware: 'secmp0015' | 'legacy';
  seed?: number;
  profile?: TimingProfile;
  /** Machine config overrides (e.g. pollIntervalMs), over the profile's. */
  config?: Record<string, unknown>;
}

/** The built-in part of a board bundle (the build's `hanlab:device` module). */
export interface DeviceBuild {
  device: DeviceKind;
  runtime: 'xstate' | 'compact';
  buildFlags: { staleDetection?: boolean };
  createDeviceActor(input: Record<string, unknown>, timers: Platform['timers']): DeviceActor;
}

const EUI = /^[0-9A-F]{16}$/;

/** Checks a config a board read; returns the first problem as `field: what is wrong`, or null. */
export function checkDeviceConfig(c: unknown, device: DeviceKind): string | null {
  if (typeof c !== 'object' || c === null) return 'config: expected an object';
  const o = c as Record<string, unknown>;
  if (o['device'] !== device) return `device: expected '${device}' (this bundle's device), found ${JSON.stringify(o['device'])}`;
  if (typeof o['premises'] !== 'string' || !/^[A-Za-z0-9_-]+$/.test(o['premises'])) return 'premises: expected letters, digits, _ or -';
  if (typeof o['eui'] !== 'string' || !EUI.test(o['eui'])) return 'eui: expected 16 upper-case hex digits';
  const peers = o['peers'];
  if (typeof peers !== 'object' || peers === null) return 'peers: expected an object of EUI-64s';
  const needed = device === 'gpf' ? ['gsme'] : ['gpf'];
  for (const k of Object.keys(peers)) {
    const v = (peers as Record<string, unknown>)[k];
    if (typeof v !== 'string' || !EUI.test(v)) return `peers.${k}: expected 16 upper-case hex digits`;
  }
  for (const k of needed) if (!(k in peers)) return `peers.${k}: missing`;
  if (o['firmware'] !== 'secmp0015' && o['firmware'] !== 'legacy') return "firmware: expected 'secmp0015' or 'legacy'";
  if (o['seed'] !== undefined && (typeof o['seed'] !== 'number' || !isFinite(o['seed']))) return 'seed: expected a number';
  if (o['profile'] !== undefined && TIMING_PROFILES.indexOf(o['profile'] as TimingProfile) < 0) return `profile: expected one of ${TIMING_PROFILES.join(', ')}`;
  if (o['config'] !== undefined && (typeof o['config'] !== 'object' || o['config'] === null)) return 'config: expected an object';
  return null;
}

/** The machine input for a config (without the clock: the platform adds it). */
export function deviceInput(build: DeviceBuild, c: DeviceConfig): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const profile = PROFILE_OVERRIDES[c.profile || 'default'][c.device];
  for (const k of Object.keys(profile)) config[k] = profile[k];
  if (c.config) for (const k of Object.keys(c.config)) config[k] = c.config[k];
  if (build.buildFlags.staleDetection === false) config['staleDetection'] = false;
  return { eui: c.eui, peers: c.peers, firmware: c.firmware, seed: c.seed || 1, config };
}

/** Starts the bundle's device on a board, or logs why it cannot (and returns null). */
export function startBoardDevice(build: DeviceBuild, platform: Platform, config: unknown): RunningDevice | null {
  const problem = checkDeviceConfig(config, build.device);
  if (problem) {
    platform.log.warn('bad device config: ' + problem, {});
    return null;
  }
  const input = deviceInput(build, config as DeviceConfig);
  input['clock'] = platform.clock;
  return runDevice(build.createDeviceActor(input, platform.timers), platform);
}
