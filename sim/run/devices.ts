import type { GpfInput, GsmeInput, PpmidInput } from '../../firmware/machines/index.ts';
import { moneyPerPound } from '../../firmware/machines/index.ts';

import type { Scenario } from '../scenario/schema.ts';
import { simulatedTopUpKey } from '../wan/utrn-issuer.ts';

type Inputs<T> = Omit<T, 'clock'>;

const HOUR_MS = 3_600_000;
/** A block threshold no home reaches: the scenario gave fewer than three. */
const NO_BLOCK_KWH = 1e12;

/** The GSME's input from the scenario: its tariff, money and wake cycle. */
export function gsmeInput(s: Scenario, seed: number): Inputs<GsmeInput> {
  const g = s.devices.gsme;
  const money = moneyPerPound(0x50);
  const pounds = (v: number) => Math.round(v * money);
  const touTierByHour = Array.from({ length: 24 }, (_, h) => {
    let tier = 1;
    for (const band of s.tariff.tiers) if (band.from <= h * HOUR_MS) tier = band.tier;
    return tier;
  });
  const blocks = [...s.tariff.blocks, NO_BLOCK_KWH, NO_BLOCK_KWH, NO_BLOCK_KWH].slice(0, 3) as [number, number, number];
  return {
    eui: g.eui,
    peers: { gpf: s.devices.gpf.eui },
    firmware: g.firmware,
    seed,
    config: {
      wakeIntervalMs: g.wakeInterval,
      wakeJitterMs: g.wakeJitter,
      ackTimeoutMs: g.ackTimeout,
      retries: g.retries,
      clockFault: g.clock.unsynchronised ? 'unsynchronised' : 'none',
      // The simulated hardware clock already carries the scenario's offset and drift.
      clockOffsetMs: 0,
      calorificValue: s.tariff.calorificValue,
      unitPricePencePerKwh: s.tariff.unitPrice,
      standingChargePencePerDay: s.tariff.standingCharge,
      touTierByHour,
      blockThresholdsKwh: blocks,
      initialCredit: pounds(s.prepayment.credit),
      lowCreditThreshold: pounds(s.prepayment.lowCreditThreshold),
      emergencyCreditLimit: pounds(s.prepayment.emergencyCreditLimit),
      initialDebt: pounds(s.prepayment.debt),
      // The supplier's top-up key for this meter (the simulator's, from the scenario's seed).
      topUpKey: simulatedTopUpKey(s.seed, g.eui),
    },
  };
}

export function gpfInput(s: Scenario, seed: number): Inputs<GpfInput> {
  return {
    eui: s.devices.gpf.eui,
    peers: { gsme: s.devices.gsme.eui, ppmid: s.devices.ppmid.eui },
    firmware: s.devices.gpf.firmware,
    seed,
    config: { unpopulatedSnapshotTime: s.devices.gpf.unpopulatedSnapshotTime },
  };
}

export function ppmidInput(s: Scenario, seed: number): Inputs<PpmidInput> {
  const p = s.devices.ppmid;
  return {
    eui: p.eui,
    peers: { gpf: s.devices.gpf.eui },
    firmware: p.firmware,
    seed,
    config: {
      pollIntervalMs: p.pollInterval,
      changeTimeFallback: p.changeTimeFallback,
      staleDetection: p.staleDetection,
      expectedUpdateIntervalMs: p.expectedUpdateInterval,
      graceMs: p.grace,
      lowCreditPounds: s.prepayment.lowCreditThreshold,
    },
  };
}
