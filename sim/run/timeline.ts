import type { Freshness, MeterTruth, MinuteClass, ScreenModel } from '../../firmware/display/index.ts';

/** One line of the run's timeline (`hanlab sim --json` prints them as JSON lines). `t` is virtual epoch ms. */
export type TimelineEvent = { t: number; home: string } & TimelineBody;

export type TimelineBody =
  | { kind: 'han'; from: string; to: string; cluster: string; /** ZCL frame length. */ bytes: number; command: string; lost?: true }
  | { kind: 'screen'; screen: ScreenModel; trueCredit: number | null }
  | { kind: 'log'; device: string; level: 'info' | 'warn'; message: string; data?: Record<string, unknown> }
  | { kind: 'customer'; action: string; via: string; amount?: number; utrn?: string }
  | { kind: 'fault'; fault: string; [detail: string]: unknown }
  | { kind: 'metric'; minute: MinuteClass; shownCredit: number | null; shownSupply: ScreenModel['supply']; trueCredit: number; trueSupply: MeterTruth['supply']; trueOnEmergencyCredit: boolean }
  | { kind: 'wan'; direction: 'command' | 'response'; useCase: string; detail: Record<string, unknown> }
  /** A service request the comms hub never answered: `reason` says why (e.g. no WAN coverage yet). */
  | { kind: 'wan'; direction: 'timeout'; useCase: string; detail: { counter: string; waitedMs: number; reason: string } }
  /** The home's postcode gets SM WAN coverage (DP146 plan): its comms hub answers from now on. */
  | { kind: 'coverage'; postcode: string; from: string }
  /** A state change of one of the home's devices in the DCC's Smart Metering Inventory (MP077). */
  | { kind: 'smi'; device: 'gsme' | 'gpf'; eui: string; from: string; state: string; mprn: string };

/** The core metric of spec section 6, per home, in simulated minutes. */
export interface HomeMetrics {
  /** Minutes sampled (the PPMID had a screen and the meter a balance). */
  minutes: number;
  /** Shown credit off the truth by more than the tolerance, with no data-may-be-old warning. */
  creditMisleadingMinutes: number;
  /** Gas really off or on emergency credit, and the screen showed neither that nor "supply may be off". */
  supplyMisleadingMinutes: number;
  /** Credit- or supply-misleading, or both: the minutes the customer was misled (a fleet's customer-minutes). */
  misledMinutes: number;
  /** A may-be-old or supply-may-be-off warning while the credit shown was within tolerance and the gas on, not on EC. */
  falseAlarmMinutes: number;
  /** Minutes each display state was shown (fresh, late, stale, unknown, clockProblem, hanLost, noData). */
  shownMinutes: Record<Freshness, number>;
}
