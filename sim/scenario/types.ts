/** The resolved scenario's types: what `scenarioSchema` gives (ms durations, epoch-ms times, defaults applied). */
import type { DeviceState } from '../../dcc/states.ts';

export type Firmware = 'secmp0015' | 'legacy';
export type Via = 'ppmid' | 'meter';
export type OutageLink = 'gsme-gpf' | 'gpf-ppmid' | 'all';
/** `up` = towards the GPF (GSME→GPF, PPMID→GPF); `down` = from the GPF. */
export type OutageDirection = 'both' | 'up' | 'down';
export type ClockFaultDevice = 'gsme' | 'ppmid';

export interface GsmeConfig {
  firmware: Firmware;
  /** EUI-64, 16 upper-case hex digits. */
  eui: string;
  /** ms between wakes. */
  wakeInterval: number;
  /** ms; each wake is shifted by a seeded draw from [-wakeJitter, +wakeJitter]. */
  wakeJitter: number;
  /** Report repeats after a missing Default Response. */
  retries: number;
  /** ms to wait for the GPF's Default Response. */
  ackTimeout: number;
  clock: {
    /** ms the GSME clock is ahead (+) or behind (−) true time at the start. */
    offset: number;
    /** Oscillator error in parts per million (+ runs fast). */
    driftPpm: number;
    /** Never synchronised from the CH: its time is unreliable from the start. */
    unsynchronised: boolean;
  };
}

export interface GpfConfig {
  firmware: Firmware;
  eui: string;
  /** What a new GPF answers for ReadingSnapshotTime before the GSME ever sent one. */
  unpopulatedSnapshotTime: 'invalid' | 'unsupported';
}

export interface PpmidConfig {
  firmware: Firmware;
  eui: string;
  /** ms between polls of the GPF. */
  pollInterval: number;
  /** Estimate the reading time from when values were last seen changing (time unknown case). */
  changeTimeFallback: boolean;
  /** Show late / stale warnings at all. */
  staleDetection: boolean;
  /** T, ms: the expected GSME update interval. */
  expectedUpdateInterval: number;
  /** g, ms: grace on top of T. */
  grace: number;
}

export interface TouBand {
  /** ms after midnight UTC from which this tier applies (until the next band). */
  from: number;
  tier: 1 | 2 | 3 | 4;
}

export interface Tariff {
  /** Pence per kWh. */
  unitPrice: number;
  /** Pence per day. */
  standingCharge: number;
  /** MJ/m³. */
  calorificValue: number;
  /** Time-of-use bands, ascending, the first from midnight (default: tier 1 all day). */
  tiers: TouBand[];
  /** kWh block thresholds, ascending (up to 3; empty: no block tariff). */
  blocks: number[];
}

/** All in pounds. */
export interface Prepayment {
  credit: number;
  emergencyCreditLimit: number;
  lowCreditThreshold: number;
  debt: number;
}

export interface ProfileStep {
  /** ms after midnight UTC from which this rate applies (until the next step). */
  from: number;
  kwhPerHour: number;
}

export interface Consumption {
  /** A daily step profile: ascending, the first from midnight. */
  profile: ProfileStep[];
  /** Relative noise 0..1: each minute's flow is scaled by a seeded factor in [1 − noise, 1 + noise]. */
  noise: number;
}

export interface TopUp {
  /** Epoch ms. */
  at: number;
  /** £: the supplier issues a UTRN of this amount for the meter (sim/wan/utrn-issuer.ts). */
  amount?: number;
  /** A literal UTRN keyed in as written (20 digits; e.g. a reused or forged one). */
  utrn?: string;
  via: Via;
}

export interface ServiceRequest {
  at: number;
  useCase: 'GCS13a' | 'GCS13b' | 'GCS13c' | 'GCS14' | 'GCS60' | 'GCS60a';
}
export interface CustomerAction {
  at: number;
  action: 'activateEc' | 'enableSupply';
  via: Via;
}

export interface AutoCustomer {
  activateEcWhenAvailable: boolean;
  enableSupplyWhenArmed: boolean;
  /** ms between the customer being able to see the need and acting. */
  reactionDelay: number;
}

export interface Outage {
  /** Epoch ms; active for start ≤ t < end. */
  start: number;
  end: number;
  /** ms. */
  duration: number;
  link: OutageLink;
  direction: OutageDirection;
  /** Probability a frame on the link (in the direction) is lost, 0..1. */
  loss: number;
}

export type ClockFault =
  | { device: ClockFaultDevice; at: number; kind: 'jump'; /** signed ms */ offset: number }
  | { device: ClockFaultDevice; at: number; kind: 'drift'; driftPpm: number }
  | { device: ClockFaultDevice; at: number; kind: 'unsynchronised' };

/** A power cut: the device is off for `for` ms from `at`, then starts cold from its storage. */
export interface PowerCut {
  device: 'gsme' | 'gpf' | 'ppmid';
  /** Epoch ms. */
  at: number;
  /** ms. */
  for: number;
  /** Epoch ms: at + for, when it starts again. */
  end: number;
}

/** A device's state in the DCC's Smart Metering Inventory (dcc/states.ts) from `at` on. */
export interface SmiEvent {
  /** Epoch ms: before the start is history (the SMI as the run finds it), within the run it happens in it. */
  at: number;
  /** The GSME, or the comms hub (its GPF's EUI; a CHF in the SMI). */
  device: 'gsme' | 'gpf';
  state: DeviceState;
}

export interface Scenario {
  name: string;
  description?: string;
  seed: number;
  /** Epoch ms. */
  start: number;
  /** ms. */
  duration: number;
  /** Epoch ms: start + duration. */
  end: number;
  premises: string;
  devices: { gsme: GsmeConfig; gpf: GpfConfig; ppmid: PpmidConfig };
  tariff: Tariff;
  prepayment: Prepayment;
  consumption: Consumption;
  /** Sorted by time. */
  topUps: TopUp[];
  /** The supplier's remote requests to the comms hub (WAN), sorted by time. */
  serviceRequests: ServiceRequest[];
  /** Scheduled button presses, sorted by time. */
  customer: CustomerAction[];
  autoCustomer: AutoCustomer;
  /** Sorted by start. */
  outages: Outage[];
  /** Sorted by time. */
  clockFaults: ClockFault[];
  /** Power cuts, sorted by time. */
  power: PowerCut[];
  metric: { /** £ */ tolerance: number };
  compare: boolean;
  /** The home's GB postcode, normalised ('SW1A 1AA'): its comms hub has a WAN once the DP146 plan covers it. None: always covered. */
  postcode?: string;
  /** The gas meter point (MPRN, 10 digits) the GSME and comms hub are installed at (SMI). */
  mprn: string;
  /** SMI state changes of the home's devices, sorted by time (each device's from Pending, legal ones only). */
  smi: SmiEvent[];
}
