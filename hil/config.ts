/**
 * Who is who in a HIL run: the EUI-64s of the three HAN devices and of the intruder that sends
 * spoofed and malformed frames, the premises, the device under test's config as a board stores it
 * (firmware/runtime/app.ts `DeviceConfig`, plus its broker `secret`), and every account the run's
 * broker must hold (han/identities.ts). A flashed board must carry exactly this config
 * (`hanlab hil --print-config`), so the harness's devices and the board agree on addresses, and
 * someone else's broker must hold these accounts (`hanlab hil --print-broker-files DIR`).
 *
 * Secrets are the simulator's, derived from the DUT config's seed and each username: the same
 * `--device`, `--dut` and `--premises` give the same accounts on every machine.
 */
import type { DeviceKind } from '../firmware/runtime/app.ts';
import type { Eui64 } from '../firmware/platform/han.ts';
import type { BoardDeviceConfig } from '../boards/config/device-config-schema.ts';
import { deviceAccount, identityRegistry, observerAccount, simulatedSecret } from '../han/identities.ts';
import type { Credentials, IdentityRegistry } from '../han/identities.ts';
import { hubWanAccount, supplierAccount, supplierClientId } from '../sim/wan/parties.ts';
import { simulatedTopUpKey } from '../sim/wan/utrn-issuer.ts';

export const HIL_EUIS: Readonly<Record<DeviceKind | 'intruder', Eui64>> = Object.freeze({
  gsme: '00DB48FFFE00A001',
  gpf: '00DB48FFFE00A002',
  ppmid: '00DB48FFFE00A003',
  intruder: '00DB48FFFE00A0EE',
});

export const HIL_PREMISES = 'hil';

/** The harness's own read-only account (beside `hanlab-observer`, which stays free for people's tools). */
export const HIL_OBSERVER = 'hanlab-hil-observer';

/** The DUT config's seed when none is given. */
const HIL_SEED = 7;

export interface DutConfigOptions {
  device: DeviceKind;
  premises?: string;
  eui?: Eui64;
  firmware?: 'secmp0015' | 'legacy';
  seed?: number;
}

/** The DUT's config: the `hil` timing profile, the harness's addresses, its secret (and a GSME's top-up key). */
export function dutConfig(o: DutConfigOptions): BoardDeviceConfig {
  const eui = o.eui ?? HIL_EUIS[o.device];
  const seed = o.seed ?? HIL_SEED;
  const peers: BoardDeviceConfig['peers'] =
    o.device === 'gpf' ? { gsme: HIL_EUIS.gsme, ppmid: HIL_EUIS.ppmid } : { gpf: HIL_EUIS.gpf };
  return {
    device: o.device,
    premises: o.premises ?? HIL_PREMISES,
    eui,
    peers,
    firmware: o.firmware ?? 'secmp0015',
    seed,
    profile: 'hil',
    ...(o.device === 'gsme' ? { config: { topUpKey: simulatedTopUpKey(seed, eui) } } : {}),
    secret: simulatedSecret(seed, eui),
  };
}

/** The password of one of the run's accounts (a harness device's EUI, the supplier, the observer). */
export function hilSecret(config: BoardDeviceConfig, username: string): string {
  return simulatedSecret(config.seed ?? HIL_SEED, username);
}

/** What the harness's observer logs in with. */
export function hilObserverCredentials(config: BoardDeviceConfig): Credentials {
  return { username: HIL_OBSERVER, password: hilSecret(config, HIL_OBSERVER) };
}

/**
 * Every account of a HIL run against the DUT `config`: the DUT, the harness's devices (as
 * `harness-{role}`), the intruder (a HAN device that joined: it may speak, only as itself), the
 * hub's WAN side and the supplier for a GPF DUT, the harness's observer and `hanlab-observer`.
 */
export function hilIdentities(config: BoardDeviceConfig): IdentityRegistry {
  const premises = config.premises;
  const dutSecret = config.secret ?? hilSecret(config, config.eui);
  const harness = (['gsme', 'gpf', 'ppmid', 'intruder'] as const).filter((r) => r !== config.device);
  return identityRegistry([
    deviceAccount({ eui: config.eui, secret: dutSecret, premises, device: config.device }),
    ...harness.map((r) => deviceAccount({ eui: HIL_EUIS[r], secret: hilSecret(config, HIL_EUIS[r]), premises, device: `harness-${r}` })),
    ...(config.device === 'gpf'
      ? [hubWanAccount(premises, config.eui, dutSecret), supplierAccount(premises, config.eui, hilSecret(config, supplierClientId(premises)))]
      : []),
    observerAccount(HIL_OBSERVER, hilSecret(config, HIL_OBSERVER)),
    observerAccount(),
  ]);
}
