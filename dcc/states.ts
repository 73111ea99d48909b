/**
 * The Smart Metering Inventory's device states, the legal transitions between them, and MP077's
 * DCC Service Flag rule (SEC Appendix X as amended by MP077, Annex B; the modification report's
 * section 3). Pure: no I/O, used by the database code, the generator and the tests alike.
 */

export const DEVICE_STATES = [
  'Pending',
  'Whitelisted',
  'InstalledNotCommissioned',
  'Commissioned',
  'Decommissioned',
  'Withdrawn',
  'Suspended',
  'Recovery',
  'Recovered',
] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/** Smart meters (the only devices a flag looks at) and the comms hub. */
export const DEVICE_TYPES = ['ESME', 'GSME', 'CHF'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const SMART_METER_TYPES: readonly DeviceType[] = ['ESME', 'GSME'];

/**
 * The legal transitions (our reading of the SMI lifecycle; docs/decisions.md "DCC side"):
 * a device is added (Pending), put on a comms hub's whitelist, installed (and then associated
 * with its meter point), commissioned; it leaves service Decommissioned, or Withdrawn (its model
 * left the product list); Suspended (firmware version off the list) returns to service; an SMKI
 * Recovery ends Recovered, then Commissioned again. Decommissioned and Withdrawn are final.
 */
export const LEGAL_TRANSITIONS: Readonly<Record<DeviceState, readonly DeviceState[]>> = {
  Pending: ['Whitelisted', 'Withdrawn'],
  Whitelisted: ['InstalledNotCommissioned', 'Withdrawn'],
  InstalledNotCommissioned: ['Commissioned', 'Decommissioned', 'Suspended', 'Withdrawn'],
  Commissioned: ['Decommissioned', 'Suspended', 'Recovery', 'Withdrawn'],
  Suspended: ['InstalledNotCommissioned', 'Commissioned', 'Decommissioned', 'Withdrawn'],
  Recovery: ['Recovered', 'Decommissioned', 'Withdrawn'],
  Recovered: ['Commissioned', 'Decommissioned', 'Withdrawn'],
  Decommissioned: [],
  Withdrawn: [],
};

export function isLegalTransition(from: DeviceState, to: DeviceState): boolean {
  return LEGAL_TRANSITIONS[from].includes(to);
}

export function isDeviceState(s: string): s is DeviceState {
  return (DEVICE_STATES as readonly string[]).includes(s);
}

/**
 * What a device counts as for its meter point's flag: 'C' (Commissioned), 'I'
 * (InstalledNotCommissioned) or null (neither). Suspended, Recovery and Recovered keep what the
 * device counted as before (MP077: "the 'Suspended' state will no longer be mapped to a service
 * flag"; "the DCC's solution did not include the Suspended and Recovery/Recovered states").
 */
export type FlagBasis = 'C' | 'I' | null;
export const KEEPS_BASIS: readonly DeviceState[] = ['Suspended', 'Recovery', 'Recovered'];

export function basisAfter(previous: FlagBasis, to: DeviceState): FlagBasis {
  if (to === 'Commissioned') return 'C';
  if (to === 'InstalledNotCommissioned') return 'I';
  if (KEEPS_BASIS.includes(to)) return previous;
  return null;
}

/** Decommissioned and Withdrawn end a device's association with its meter point. */
export function endsAssociation(to: DeviceState): boolean {
  return to === 'Decommissioned' || to === 'Withdrawn';
}

export type ServiceFlag = 'A' | 'I' | 'N' | null;

/**
 * MP077's rule, from the bases of the smart meters associated with a meter point now and whether
 * it was ever associated with an InstalledNotCommissioned or Commissioned one:
 *  - A: "at least one of the associated Smart Meters … 'Commissioned'";
 *  - I: "all the associated Smart Meters … 'InstalledNotCommissioned'";
 *  - N: "not associated with a Device with an 'InstalledNotCommissioned' or 'Commissioned' Device
 *       status, but has been previously";
 *  - NULL: "… and has not done so previously".
 */
export function serviceFlag(bases: readonly FlagBasis[], everLive: boolean): ServiceFlag {
  const live = bases.filter((b) => b !== null);
  if (live.includes('C')) return 'A';
  if (live.length > 0) return 'I';
  return everLive ? 'N' : null;
}

/** MPRN (gas): 10 digits; MPAN core (electricity): 13 digits. */
export function fuelOf(mpxn: string): 'G' | 'E' | undefined {
  if (/^[0-9]{10}$/.test(mpxn)) return 'G';
  if (/^[0-9]{13}$/.test(mpxn)) return 'E';
  return undefined;
}
