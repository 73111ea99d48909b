/**
 * The accounts a simulation's broker needs (han/identities.ts): per home, its GSME, GPF and
 * PPMID (observability names gsme, gpf, ppmid), the comms hub's WAN side and the supplier; and
 * the observer. Secrets are the simulator's, from the scenario's seed and each username, so the
 * same scenario and seed give the same accounts on the embedded broker, on hanlab's Mosquitto and
 * in the files `hanlab sim --print-broker-files` writes for someone else's broker.
 */
import { deviceAccount, identityRegistry, observerAccount, simulatedSecret } from '../../han/identities.ts';
import type { Account, IdentityRegistry } from '../../han/identities.ts';
import { HA_DISCOVERY_PREFIX, haWriteFilter } from '../../han/ha-discovery.ts';
import { GLOW_ROOT, glowWriteFilter } from '../../han/glow.ts';
import { hanMirrorTopic } from '../../han/topics.ts';
import type { Scenario } from '../scenario/schema.ts';
import { hubWanAccount, supplierAccount, supplierClientId } from '../wan/parties.ts';
import { homeVariants } from './variants.ts';

const ROLES = ['gsme', 'gpf', 'ppmid'] as const;

/** The secret of `username` in runs of this scenario. */
export function simulationSecret(scenario: Scenario, username: string): string {
  return simulatedSecret(scenario.seed, username);
}

/**
 * Every account of a run of `scenario`, plus `extra` (e.g. a tool's). With `haDiscovery`
 * (han/ha-discovery.ts) each device may also write its own Home Assistant discovery configs and
 * the observer (Home Assistant logs in as it) may read `homeassistant/#`. With `hanJson` each
 * device may also write its home's HAN mirror `hanlab/{premises}/han`. With `glow` (han/glow.ts)
 * each PPMID may also write its own `glow/{eui}/#` and the observer may read `glow/#`.
 */
export function simulationIdentities(scenario: Scenario, extra: readonly Account[] = [], options: { haDiscovery?: boolean; hanJson?: boolean; glow?: boolean } = {}): IdentityRegistry {
  const ha = options.haDiscovery === true;
  const mirror = options.hanJson === true;
  const glow = options.glow === true;
  const observer = observerAccount();
  const observerReads = [...observer.read, ...(ha ? [`${HA_DISCOVERY_PREFIX}/#`] : []), ...(glow ? [`${GLOW_ROOT}/#`] : [])];
  const accounts: Account[] = [{ ...observer, read: observerReads }];
  for (const v of homeVariants(scenario)) {
    const d = v.scenario.devices;
    for (const role of ROLES) {
      const account = deviceAccount({ eui: d[role].eui, secret: simulationSecret(scenario, d[role].eui), premises: v.premises, device: role });
      const write = [
        ...account.write,
        ...(ha ? [haWriteFilter(v.premises, role)] : []),
        ...(mirror ? [hanMirrorTopic(v.premises)] : []),
        ...(glow && role === 'ppmid' ? [glowWriteFilter(d.ppmid.eui)] : []),
      ];
      accounts.push({ ...account, write });
    }
    accounts.push(hubWanAccount(v.premises, d.gpf.eui, simulationSecret(scenario, d.gpf.eui)));
    accounts.push(supplierAccount(v.premises, d.gpf.eui, simulationSecret(scenario, supplierClientId(v.premises))));
  }
  return identityRegistry([...accounts, ...extra]);
}
