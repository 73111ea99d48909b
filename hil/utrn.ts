/**
 * UTRNs in a HIL run: the GSME's top-up key (the DUT's own, from its config, when the DUT is the
 * GSME; else the harness GSME's, derived like the simulator's from the DUT config's seed) and an
 * issuer for it. A DUT GSME keeps its used-UTRN window across runs, so counters start from the
 * wall clock's minutes (mod 2^16 − 1000): a later run issues higher counters than an earlier one.
 */
import { createUtrnIssuer, simulatedTopUpKey } from '../sim/wan/utrn-issuer.ts';
import type { UtrnIssuer } from '../sim/wan/utrn-issuer.ts';
import type { BoardDeviceConfig } from '../boards/config/device-config-schema.ts';
import { HIL_EUIS } from './config.ts';

const HIL_SEED = 7;

/** The EUI of the run's GSME (the DUT's or the harness's). */
export function hilGsmeEui(config: BoardDeviceConfig): string {
  return config.device === 'gsme' ? config.eui : HIL_EUIS.gsme;
}

/** The top-up key of the run's GSME. */
export function hilGsmeTopUpKey(config: BoardDeviceConfig): string {
  const own = config.device === 'gsme' ? (config.config as { topUpKey?: string } | undefined)?.topUpKey : undefined;
  return own ?? simulatedTopUpKey(config.seed ?? HIL_SEED, hilGsmeEui(config));
}

/** An issuer of UTRNs for the run's GSME. */
export function hilUtrnIssuer(config: BoardDeviceConfig, nowMs: number): UtrnIssuer {
  return createUtrnIssuer(() => hilGsmeTopUpKey(config), (Math.floor(nowMs / 60_000) % (0xffff - 1000)) + 1);
}
