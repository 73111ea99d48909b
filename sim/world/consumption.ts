/**
 * Gas consumption of the simulated home: the scenario's daily kWh step profile, converted to m³
 * with the tariff's calorific value, with seeded relative noise.
 *
 *   m³ = kWh × 3.6 / (1.02264 × CV)     (the spec's kWh = m³ × 1.02264 × CV ÷ 3.6, inverted)
 *
 * A minute's noise depends only on the stream it is given and the minute itself (not on which
 * other minutes were asked for, or in which order), so every firmware combination of a compare
 * run sees exactly the same gas flow.
 */
import type { ProfileStep, Scenario } from '../scenario/schema.ts';
import type { Prng } from './prng.ts';

export const VOLUME_CORRECTION = 1.02264;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

export function kwhToM3(kwh: number, calorificValue: number): number {
  return (kwh * 3.6) / (VOLUME_CORRECTION * calorificValue);
}

export function m3ToKwh(m3: number, calorificValue: number): number {
  return (m3 * VOLUME_CORRECTION * calorificValue) / 3.6;
}

function timeOfDay(ms: number): number {
  return ((ms % DAY_MS) + DAY_MS) % DAY_MS;
}

/** The profile's rate (kWh per hour) at an instant (its UTC time of day). */
export function kwhPerHourAt(profile: readonly ProfileStep[], atMs: number): number {
  const tod = timeOfDay(atMs);
  let rate = profile[0]?.kwhPerHour ?? 0;
  for (const step of profile) {
    if (step.from <= tod) rate = step.kwhPerHour;
    else break;
  }
  return rate;
}

/** kWh the profile uses in [fromMs, toMs) without noise (exact, across step and day boundaries). */
export function profileKwhBetween(profile: readonly ProfileStep[], fromMs: number, toMs: number): number {
  if (toMs <= fromMs || profile.length === 0) return 0;
  let kwh = 0;
  let t = fromMs;
  while (t < toMs) {
    const dayStart = t - timeOfDay(t);
    const tod = t - dayStart;
    // The end of the step containing t: the next step's start, or midnight.
    const next = profile.find((s) => s.from > tod);
    const stepEnd = dayStart + (next ? next.from : DAY_MS);
    const until = Math.min(stepEnd, toMs);
    kwh += (kwhPerHourAt(profile, t) * (until - t)) / 3_600_000;
    t = until;
  }
  return kwh;
}

/** The seeded noise factor of a minute, in [1 − noise, 1 + noise]. */
export function noiseFactor(noise: number, minuteStartMs: number, rng: Prng): number {
  if (noise === 0) return 1;
  const u = rng.fork(`minute:${Math.floor(minuteStartMs / MINUTE_MS)}`).float();
  return 1 + noise * (2 * u - 1);
}

/** kWh used in the minute starting at `minuteStartMs`, with the scenario's noise. Never negative. */
export function kwhForMinute(scenario: Scenario, minuteStartMs: number, rng: Prng): number {
  const base = profileKwhBetween(scenario.consumption.profile, minuteStartMs, minuteStartMs + MINUTE_MS);
  return Math.max(0, base * noiseFactor(scenario.consumption.noise, minuteStartMs, rng));
}

/**
 * Gas (m³) that flows in the minute starting at `minuteStartMs`. Pass the run's consumption
 * stream, e.g. `createPrng(scenario.seed).fork('consumption')`. Never negative.
 */
export function gasFlowForMinute(scenario: Scenario, minuteStartMs: number, rng: Prng): number {
  return kwhToM3(kwhForMinute(scenario, minuteStartMs, rng), scenario.tariff.calorificValue);
}
