import type { DeviceClock, Eui64 } from '../platform/index.ts';
import { CURRENCY_GBP, priceDecimalPlaces } from '../zcl/index.ts';

/** 'secmp0015': sends ReadingSnapshotTime (0x0702/0x0007) with every report; 'legacy': never. */
export type Firmware = 'secmp0015' | 'legacy';

/** Money values are in the meter's money unit: 10^-places of a pound (PriceTrailingDigit 0x50: £1 = 100000). */
export interface GsmeConfig {
  // --- wake cycle (docs/han-protocol.md) ---
  wakeIntervalMs: number;
  /** Each wake is moved by a jitter drawn from [-wakeJitterMs, +wakeJitterMs] by the seeded PRNG. */
  wakeJitterMs: number;
  /** How long to wait for the GPF's Default Response to the last report frame, and for the Time read. */
  ackTimeoutMs: number;
  /** Repeats of the whole report after a missing Default Response; then sleep. */
  retries: number;

  // --- clock ---
  /** 'unsynchronised': never takes the time from the comms hub (its reported times are unreliable). */
  clockFault: 'none' | 'unsynchronised';
  /** Initial error of the meter clock: added to the hardware clock until a clock sync corrects it. */
  clockOffsetMs: number;

  // --- metering registers (spec section 2) ---
  /** CurrentSummationDelivered counts 1/divisor of a m³. */
  divisor: number;
  multiplier: number;
  initialVolumeM3: number;
  /** Metering Status (0x0200) bitmap: 0 = no alarms. */
  meterStatus: number;
  /** kWh = m³ × volumeCorrection × calorificValue ÷ 3.6 */
  volumeCorrection: number;
  /** MJ/m³ */
  calorificValue: number;
  /** Tier 1..4 for each hour of the day (meter clock, UTC): 24 entries. */
  touTierByHour: readonly number[];
  /** Energy thresholds of blocks 2, 3 and 4 in the billing period, kWh, ascending. */
  blockThresholdsKwh: readonly [number, number, number];
  /** Block counters and BillToDateDelivered restart every billing period (meter clock). */
  billingPeriodMs: number;

  // --- money ---
  /** 'credit' mode sends no Prepayment cluster and never turns the supply off. */
  paymentMode: 'prepayment' | 'credit';
  currency: number;
  priceTrailingDigit: number;
  unitPricePencePerKwh: number;
  standingChargePencePerDay: number;
  initialCredit: number;
  /** Low-credit warning below this credit (money unit). */
  lowCreditThreshold: number;
  /** EmergencyCreditLimit: the EC granted on activation; 0 disables EC. */
  emergencyCreditLimit: number;
  /** EC becomes available when the credit is at or below this (0: at zero credit). */
  emergencyCreditThreshold: number;
  initialDebt: number;
  /** DebtAmount1..3 as reported (no time-based debt recovery is modelled). */
  debtAmounts: readonly [number, number, number];
  /** 'fromTopUp': a top-up repays EC used, then AccumulatedDebt, then credit. 'none': EC, then credit. */
  debtRecovery: 'none' | 'fromTopUp';
  /**
   * The supplier's top-up key for this meter: 32 hex digits (16 bytes), the key of every UTRN's
   * MAC (firmware/codec/utrn.ts). '' (the default): no key, every UTRN is refused.
   */
  topUpKey: string;
}

export const DAY_MS = 86_400_000;

export const GSME_DEFAULT_CONFIG: Readonly<GsmeConfig> = {
  wakeIntervalMs: 30 * 60_000,
  wakeJitterMs: 60_000,
  ackTimeoutMs: 10_000,
  retries: 2,
  clockFault: 'none',
  clockOffsetMs: 0,
  divisor: 1000,
  multiplier: 1,
  initialVolumeM3: 0,
  meterStatus: 0,
  volumeCorrection: 1.02264,
  calorificValue: 39.5,
  // 00-07 tier 1 (night), 07-16 tier 2 (day), 16-19 tier 3 (peak), 19-24 tier 4 (evening)
  touTierByHour: [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4],
  blockThresholdsKwh: [500, 1000, 2000] as readonly [number, number, number],
  billingPeriodMs: 30 * DAY_MS,
  paymentMode: 'prepayment',
  currency: CURRENCY_GBP,
  priceTrailingDigit: 0x50,
  unitPricePencePerKwh: 6.5,
  standingChargePencePerDay: 30,
  initialCredit: 1_000_000, // £10
  lowCreditThreshold: 200_000, // £2
  emergencyCreditLimit: 500_000, // £5
  emergencyCreditThreshold: 0,
  initialDebt: 0,
  debtAmounts: [0, 0, 0] as readonly [number, number, number],
  debtRecovery: 'none',
  topUpKey: '',
};

export interface GsmeInput {
  eui: Eui64;
  peers: { gpf: Eui64 };
  firmware: Firmware;
  /** Merged over GSME_DEFAULT_CONFIG. */
  config?: Partial<GsmeConfig>;
  /** The meter's hardware clock (Unix ms as its oscillator counts them). */
  clock: DeviceClock;
  /** Seed of the PRNG kept in context (wake jitter). */
  seed: number;
  /** The record the device last wrote to storage (gsme-persist.ts), read back by the runtime at start. */
  restored?: string | null;
}

export function resolveGsmeConfig(config: Partial<GsmeConfig> | undefined): GsmeConfig {
  return { ...GSME_DEFAULT_CONFIG, ...(config ?? {}) };
}

/** Money units in one pound: 10^(PriceTrailingDigit places). */
export function moneyPerPound(priceTrailingDigit: number): number {
  return 10 ** priceDecimalPlaces(priceTrailingDigit);
}

/** Money units in one penny. */
export function moneyPerPenny(priceTrailingDigit: number): number {
  return moneyPerPound(priceTrailingDigit) / 100;
}
