import type { GsmeConfig } from './gsme-config.ts';

/**
 * The GSME's metering registers. Every 0x0702 summation register (consumption, tiers, blocks)
 * shares UnitOfMeasure m³, Multiplier and Divisor, so all count 1/divisor m³ (hanlab reading:
 * ZSE formats every SummationDelivered attribute of a cluster alike; block thresholds are kWh,
 * as the tariff defines them).
 */
export interface GsmeRegisters {
  /** CurrentSummationDelivered, 1/divisor m³. */
  volume: number;
  /** Flow below one register unit, carried to the next flow. */
  volumeResidueM3: number;
  /** CurrentTier1..4SummationDelivered. */
  tiers: [number, number, number, number];
  /** CurrentNoTierBlock1..4SummationDelivered, this billing period. */
  blocks: [number, number, number, number];
  /** Billing period number: floor(meter clock / billingPeriodMs). */
  periodIndex: number;
  /** Energy this billing period, kWh. */
  periodKwh: number;
  /** BillToDateDelivered, money unit, this billing period. */
  billToDate: number;
}

export function initialRegisters(config: GsmeConfig, meterNowMs: number): GsmeRegisters {
  return {
    volume: Math.round(config.initialVolumeM3 * config.divisor),
    volumeResidueM3: 0,
    tiers: [0, 0, 0, 0],
    blocks: [0, 0, 0, 0],
    periodIndex: periodIndexAt(config, meterNowMs),
    periodKwh: 0,
    billToDate: 0,
  };
}

export function periodIndexAt(config: GsmeConfig, meterNowMs: number): number {
  return Math.floor(meterNowMs / config.billingPeriodMs);
}

export function kwhFromM3(config: GsmeConfig, m3: number): number {
  return (m3 * config.volumeCorrection * config.calorificValue) / 3.6;
}

/** Tier index 0..3 of the hour of day (UTC) on the meter clock. */
export function tierIndexAt(config: GsmeConfig, meterNowMs: number): number {
  const hour = Math.floor((((meterNowMs % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000);
  const tier = config.touTierByHour[hour] ?? 1;
  return Math.min(3, Math.max(0, Math.floor(tier) - 1));
}

/** A new billing period restarts the block counters and the bill to date. */
export function rollBillingPeriod(config: GsmeConfig, reg: GsmeRegisters, meterNowMs: number): GsmeRegisters {
  const periodIndex = periodIndexAt(config, meterNowMs);
  if (periodIndex === reg.periodIndex) return reg;
  return { ...reg, periodIndex, periodKwh: 0, blocks: [0, 0, 0, 0], billToDate: 0 };
}

/**
 * Adds a measured flow: whole register units to the consumption register, the tier of the hour
 * and the blocks (split at block thresholds). Returns the energy of the counted units.
 */
export function addFlow(config: GsmeConfig, reg: GsmeRegisters, volumeM3: number, meterNowMs: number): { registers: GsmeRegisters; kwh: number } {
  const total = reg.volumeResidueM3 + Math.max(0, volumeM3);
  // The small epsilon keeps 0.001 + 0.002 counting as 3 units despite binary fractions.
  const units = Math.floor(total * config.divisor + 1e-9);
  const volumeResidueM3 = Math.max(0, total - units / config.divisor);
  if (units === 0) return { registers: { ...reg, volumeResidueM3 }, kwh: 0 };
  const kwh = kwhFromM3(config, units / config.divisor);

  const tiers: [number, number, number, number] = [...reg.tiers];
  const t = tierIndexAt(config, meterNowMs);
  tiers[t] = (tiers[t] ?? 0) + units;

  const blocks: [number, number, number, number] = [...reg.blocks];
  const bounds = [...config.blockThresholdsKwh, Infinity];
  let kwhLeft = kwh;
  let unitsLeft = units;
  let periodKwh = reg.periodKwh;
  for (let b = 0; b < 4 && unitsLeft > 0; b++) {
    const upper = bounds[b] ?? Infinity;
    if (periodKwh >= upper && b < 3) continue;
    const roomKwh = upper - periodKwh;
    const partKwh = b === 3 || roomKwh >= kwhLeft ? kwhLeft : roomKwh;
    const partUnits = partKwh === kwhLeft ? unitsLeft : Math.min(unitsLeft, Math.round((units * partKwh) / kwh));
    blocks[b] = (blocks[b] ?? 0) + partUnits;
    unitsLeft -= partUnits;
    kwhLeft -= partKwh;
    periodKwh += partKwh;
  }

  return {
    registers: { ...reg, volume: reg.volume + units, volumeResidueM3, tiers, blocks, periodKwh },
    kwh,
  };
}

export function addBill(reg: GsmeRegisters, money: number): GsmeRegisters {
  return money === 0 ? reg : { ...reg, billToDate: reg.billToDate + money };
}
