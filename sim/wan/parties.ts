/**
 * The WAN stand-in's parties on the broker (spec section 5: `wan/{premises}/{chEui}/command` and
 * `…/response`) and their accounts in the identity registry (han/identities.ts):
 *
 * - the comms hub's WAN side, client id `{chEui}-WAN`: reads commands, writes responses. Its
 *   password is the hub's secret: the WAN side and the GPF are one box, so a board running a GPF
 *   needs only the one secret its config carries;
 * - the supplier of a premises, client id `{SUPPLIER}-{premises}`: writes commands, reads
 *   responses.
 */
import type { Account } from '../../han/identities.ts';
import { wanTopic } from '../../han/topics.ts';

/** The RTDS supplier whose private key-agreement key the key store holds. */
export const SUPPLIER = '90B3D51F30010000';

/** The hub's WAN connection: a client id of its own, beside the GPF's EUI on the HAN. */
export const hubWanClientId = (hubEui: string): string => `${hubEui}-WAN`;

/** The supplier's connection for one premises (one per home, so comparison homes can share a broker). */
export const supplierClientId = (premises: string): string => `${SUPPLIER}-${premises}`;

export function hubWanAccount(premises: string, hubEui: string, hubSecret: string): Account {
  return {
    username: hubWanClientId(hubEui),
    password: hubSecret,
    write: [wanTopic(premises, hubEui, 'response')],
    read: [wanTopic(premises, hubEui, 'command')],
  };
}

export function supplierAccount(premises: string, hubEui: string, password: string): Account {
  return {
    username: supplierClientId(premises),
    password,
    write: [wanTopic(premises, hubEui, 'command')],
    read: [wanTopic(premises, hubEui, 'response')],
  };
}
