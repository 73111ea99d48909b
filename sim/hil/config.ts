/**
 * Who is who in a HIL run: the EUI-64s of the three HAN devices and of the intruder that sends
 * spoofed and malformed frames, the premises, and the device under test's config as a board
 * stores it (firmware/runtime/app.ts `DeviceConfig`). A flashed board must carry exactly this
 * config (`hanlab hil --print-config`), so the harness's devices and the board agree on addresses.
 */
import type { DeviceConfig, DeviceKind } from '../../firmware/runtime/app.ts';
import type { Eui64 } from '../../firmware/platform/han.ts';

export const HIL_EUIS: Readonly<Record<DeviceKind | 'intruder', Eui64>> = Object.freeze({
  gsme: '00DB48FFFE00A001',
  gpf: '00DB48FFFE00A002',
  ppmid: '00DB48FFFE00A003',
  intruder: '00DB48FFFE00A0EE',
});

export const HIL_PREMISES = 'hil';

export interface DutConfigOptions {
  device: DeviceKind;
  premises?: string;
  eui?: Eui64;
  firmware?: 'secmp0015' | 'legacy';
  seed?: number;
}

/** The DUT's config: the `hil` timing profile, the harness's addresses. */
export function dutConfig(o: DutConfigOptions): DeviceConfig {
  const eui = o.eui ?? HIL_EUIS[o.device];
  const peers: DeviceConfig['peers'] =
    o.device === 'gpf' ? { gsme: HIL_EUIS.gsme, ppmid: HIL_EUIS.ppmid } : { gpf: HIL_EUIS.gpf };
  return {
    device: o.device,
    premises: o.premises ?? HIL_PREMISES,
    eui,
    peers,
    firmware: o.firmware ?? 'secmp0015',
    seed: o.seed ?? 7,
    profile: 'hil',
  };
}
