/**
 * The accounts a simulation's broker needs (han/identities.ts): per home, its GSME, GPF and
 * PPMID (observability names gsme, gpf, ppmid), the comms hub's WAN side and the supplier; and
 * the observer. Secrets are the simulator's, from the scenario's seed and each username, so the
 * same scenario and seed give the same accounts on the embedded broker, on hanlab's Mosquitto and
 * in the files `hanlab sim --print-broker-files` writes for someone else's broker.
 */
import { deviceAccount, identityRegistry, observerAccount, simulatedSecret } from '../../han/identities.ts';
import type { Account, IdentityRegistry } from '../../han/identities.ts';
import type { Scenario } from '../scenario/schema.ts';
import { hubWanAccount, supplierAccount, supplierClientId } from '../wan/parties.ts';
import { homeVariants } from './variants.ts';

const ROLES = ['gsme', 'gpf', 'ppmid'] as const;

/** The secret of `username` in runs of this scenario. */
export function simulationSecret(scenario: Scenario, username: string): string {
  return simulatedSecret(scenario.seed, username);
}

/** Every account of a run of `scenario`, plus `extra` (e.g. a tool's). */
export function simulationIdentities(scenario: Scenario, extra: readonly Account[] = []): IdentityRegistry {
  const accounts: Account[] = [observerAccount()];
  for (const v of homeVariants(scenario)) {
    const d = v.scenario.devices;
    for (const role of ROLES) accounts.push(deviceAccount({ eui: d[role].eui, secret: simulationSecret(scenario, d[role].eui), premises: v.premises, device: role }));
    accounts.push(hubWanAccount(v.premises, d.gpf.eui, simulationSecret(scenario, d.gpf.eui)));
    accounts.push(supplierAccount(v.premises, d.gpf.eui, simulationSecret(scenario, supplierClientId(v.premises))));
  }
  return identityRegistry([...accounts, ...extra]);
}
