/**
 * The MQTT accounts of a fleet's homes (each home's devices, its hub's and its supplier's WAN
 * clients, as sim/run/identities.ts gives a scenario's) and one observer: what a broker cluster
 * must hold for `hanlab fleet --broker mqtt://…` (`hanlab cluster up --population …`).
 */
import { identityRegistry, observerAccount } from '../han/identities.ts';
import type { Account, IdentityRegistry } from '../han/identities.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { drawHome } from './population/draw.ts';
import type { Population } from './population/schema.ts';

export function fleetIdentities(pop: Population, seed: number, homes: number): IdentityRegistry {
  const observer = observerAccount();
  const accounts: Account[] = [observer];
  for (let i = 0; i < homes; i++) {
    for (const a of simulationIdentities(drawHome(pop, seed, i).scenario).values()) if (a.username !== observer.username) accounts.push(a);
  }
  return identityRegistry(accounts);
}
