/**
 * firmware/runtime/app.ts `checkDeviceConfig`: what a board says about a bad config, field by
 * field, in the order the fields are checked (the first problem is the one reported).
 */
import { describe, expect, it } from 'vitest';
import { checkDeviceConfig } from '../firmware/runtime/app.ts';

const EUI_A = '0123456789ABCDEF';
const EUI_B = 'FEDCBA9876543210';
const good = { device: 'ppmid', premises: 'home-1', eui: EUI_A, peers: { gpf: EUI_B }, firmware: 'secmp0015' };

describe('checkDeviceConfig', () => {
  it('accepts a good config', () => {
    expect(checkDeviceConfig(good, 'ppmid')).toBeNull();
    expect(checkDeviceConfig({ ...good, seed: 3, profile: 'hil', config: {} }, 'ppmid')).toBeNull();
    expect(checkDeviceConfig({ ...good, device: 'gpf', peers: { gsme: EUI_B } }, 'gpf')).toBeNull();
  });

  it.each([
    ['not an object', 'x', 'config: expected an object'],
    ['another device', { ...good, device: 'gsme' }, `device: expected 'ppmid' (this bundle's device), found "gsme"`],
    ['a bad premises id', { ...good, premises: 'a b' }, 'premises: expected letters, digits, _ or -'],
    ['a bad eui', { ...good, eui: 'abc' }, 'eui: expected 16 upper-case hex digits'],
    // The eui is checked before peers, whatever peers holds.
    ['a bad eui and no peers object', { ...good, eui: 'abc', peers: 3 }, 'eui: expected 16 upper-case hex digits'],
    ['a bad eui and a bad peer', { ...good, eui: 'abc', peers: { gpf: 'x' } }, 'eui: expected 16 upper-case hex digits'],
    ['peers not an object', { ...good, peers: null }, 'peers: expected an object of EUI-64s'],
    ['a bad peer', { ...good, peers: { gpf: EUI_B, gsme: 'lower0123456789a' } }, 'peers.gsme: expected 16 upper-case hex digits'],
    ['the first of two bad peers', { ...good, peers: { gsme: 1, gpf: 'x' } }, 'peers.gsme: expected 16 upper-case hex digits'],
    ['the needed peer missing', { ...good, peers: { gsme: EUI_B } }, 'peers.gpf: missing'],
    ['a bad firmware', { ...good, firmware: 'x' }, "firmware: expected 'secmp0015' or 'legacy'"],
    ['a bad seed', { ...good, seed: 'x' }, 'seed: expected a number'],
    ['a bad profile', { ...good, profile: 'fast' }, 'profile: expected one of default, hil'],
    ['a bad machine config', { ...good, config: 3 }, 'config: expected an object'],
  ])('reports %s', (_, config, problem) => {
    expect(checkDeviceConfig(config, 'ppmid')).toBe(problem);
  });
});
