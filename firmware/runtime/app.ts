/**
 * What every board's entry does once it has a platform and its config: build the machine's input
 * from the config (timing profile first, then the config's own overrides, then build flags), run
 * the device, and report a bad config through the log instead of throwing on a board with no one
 * to catch it.
 */
import type { Eui64, Platform } from '../platform/index.ts';
import type { ZclFrame } from '../zcl/index.ts';
import { runDevice } from './device-core.ts';
import type { DeviceActor, RunningDevice } from './device-core.ts';
import { persistKey, withRestored } from './persist.ts';
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
  /** The device's ZCL frame encoder (the build picks the smallest that covers what it sends). */
  encodeFrame(frame: ZclFrame): Uint8Array;
}

/** An EUI-64 as the HAN topics and configs write it. */
export const EUI = /^[0-9A-F]{16}$/;
/** A GSME's top-up key (config.topUpKey): 16 bytes as hex. */
const TOP_UP_KEY = /^[0-9A-Fa-f]{32}$/;

/** A non-null object (what JSON.parse gives for `{…}`, or an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * Checks a config a board read; returns the first problem as `field: expected …`, or null. (The
 * flash tool and the Node board check the file with zod first; this is what a board can afford.)
 */
export function checkDeviceConfig(c: unknown, device: DeviceKind): string | null {
  if (!isObject(c)) return 'config: expected an object';
  const peers = c['peers'];
  const needed = device === 'gpf' ? 'gsme' : 'gpf';
  const is = (v: unknown, re: RegExp) => typeof v === 'string' && re.test(v);
  let peer = '';
  if (isObject(peers)) for (const k in peers) if (!peer && !is(peers[k], EUI)) peer = k;
  // The field that is not an EUI-64: the eui (checked before peers), else a peer (peers is then an
  // object); one message text for both.
  const notEui = !is(c['eui'], EUI) ? 'eui' : peer && 'peers.' + peer;
  return c['device'] !== device ? `device: expected '${device}' (this bundle's device), found ${JSON.stringify(c['device'])}`
    : !is(c['premises'], /^[\w-]+$/) ? 'premises: expected letters, digits, _ or -'
    : notEui ? notEui + ': expected 16 upper-case hex digits'
    : !isObject(peers) ? 'peers: expected an object of EUI-64s'
    : !(needed in peers) ? `peers.${needed}: missing`
    : c['firmware'] !== 'secmp0015' && c['firmware'] !== 'legacy' ? "firmware: expected 'secmp0015' or 'legacy'"
    : c['seed'] !== undefined && !(typeof c['seed'] === 'number' && isFinite(c['seed'])) ? 'seed: expected a number'
    : c['profile'] !== undefined && TIMING_PROFILES.indexOf(c['profile'] as TimingProfile) < 0 ? `profile: expected one of ${TIMING_PROFILES.join(', ')}`
    : c['config'] !== undefined && !isObject(c['config']) ? 'config: expected an object'
    : device === 'gsme' && isObject(c['config']) && c['config']['topUpKey'] !== undefined && c['config']['topUpKey'] !== '' && !is(c['config']['topUpKey'], TOP_UP_KEY) ? "config.topUpKey: expected 32 hex digits (or '')"
    : null;
}

/** The machine input for a config (without the clock: the platform adds it). */
export function deviceInput(build: DeviceBuild, c: DeviceConfig): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const profile = PROFILE_OVERRIDES[c.profile || 'default'][c.device];
  const own = c.config || {};
  for (const k in profile) config[k] = profile[k];
  for (const k in own) config[k] = own[k];
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
  const input = withRestored(deviceInput(build, config as DeviceConfig), platform.storage, build.device);
  input['clock'] = platform.clock;
  return runDevice(build.createDeviceActor(input, platform.timers), platform, build.encodeFrame, persistKey(build.device));
}
