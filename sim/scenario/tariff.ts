/** The tariff, the prepayment account, the home's gas use and the top-ups paid into it. */
import { UTRN_MAX_PENCE, normaliseUtrn, utrnDigitsToBytes } from '../../firmware/codec/utrn.ts';
import { z } from 'zod';
import { DEFAULTS } from './defaults.ts';
import { enumOf, fail, list, num, strict, timeOfDay, timeRef } from './fields.ts';
import type { Ctx } from './fields.ts';
import { formatTimeOfDay } from './time.ts';

const D = DEFAULTS;

export const money = (what: string, ok: (v: number) => boolean = (v) => v >= 0) => num(what, (v) => Number.isFinite(v) && ok(v));

/** Steps of a daily profile: at least one, strictly ascending, the first at 00:00. */
function checkDailySteps(steps: { from: number }[], ctx: Ctx, what: string, example: string): void {
  if (steps.length === 0) {
    fail(ctx, `at least one ${what} like ${example}`, { found: 'an empty list' });
    return;
  }
  const first = steps[0];
  if (first && first.from !== 0) {
    fail(ctx, `'00:00' (the first ${what} starts at midnight)`, undefined, [0, 'from']);
  }
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1], cur = steps[i];
    if (prev && cur && cur.from <= prev.from) {
      fail(ctx, `a time after the previous ${what}'s '${formatTimeOfDay(prev.from)}' (${what}s in ascending order)`, undefined, [i, 'from']);
    }
  }
}

export const tariffSchema = strict(
  {
    unitPrice: num('a price in pence per kWh ≥ 0', (v) => v >= 0).default(D.tariff.unitPrice),
    standingCharge: num('a standing charge in pence per day ≥ 0', (v) => v >= 0).default(D.tariff.standingCharge),
    calorificValue: num('a calorific value in MJ/m³ (typically 38 to 40)', (v) => v > 0 && v < 100).default(D.tariff.calorificValue),
    tiers: list(
      strict(
        {
          from: timeOfDay(),
          tier: num('a tier 1, 2, 3 or 4', (v) => [1, 2, 3, 4].includes(v)).transform((v) => v as 1 | 2 | 3 | 4),
        },
        'from, tier',
      ),
      "time-of-use bands like { from: '00:00', tier: 1 }",
    )
      .max(48, { error: 'at most 48 time-of-use bands' })
      .superRefine((steps, ctx) => checkDailySteps(steps, ctx, 'band', "{ from: '00:00', tier: 1 }"))
      .prefault(D.tariff.tiers.map((t) => ({ ...t }))),
    blocks: list(num('a kWh threshold > 0', (v) => v > 0), 'kWh thresholds')
      .max(3, { error: 'at most 3 block thresholds' })
      .superRefine((b, ctx) => {
        for (let i = 1; i < b.length; i++) {
          const prev = b[i - 1] ?? 0;
          if ((b[i] ?? 0) <= prev) fail(ctx, `a threshold above the previous one (${prev} kWh)`, undefined, [i]);
        }
      })
      .default([]),
  },
  'unitPrice, standingCharge, calorificValue, tiers, blocks',
);

export const prepaymentSchema = strict(
  {
    credit: money('an amount in £ ≥ 0').default(D.prepayment.credit),
    emergencyCreditLimit: money('an amount in £ ≥ 0').default(D.prepayment.emergencyCreditLimit),
    lowCreditThreshold: money('an amount in £ ≥ 0').default(D.prepayment.lowCreditThreshold),
    debt: money('an amount in £ ≥ 0').default(D.prepayment.debt),
  },
  'credit, emergencyCreditLimit, lowCreditThreshold, debt',
);

export const consumptionSchema = strict(
  {
    profile: list(
      strict(
        { from: timeOfDay(), kwhPerHour: num('a rate in kWh per hour ≥ 0', (v) => v >= 0 && Number.isFinite(v)) },
        'from, kwhPerHour',
      ),
      "profile steps like { from: '00:00', kwhPerHour: 0.2 }",
    )
      .superRefine((steps, ctx) => checkDailySteps(steps, ctx, 'step', "{ from: '00:00', kwhPerHour: 0.2 }"))
      .prefault(D.consumption.profile.map((s) => ({ ...s }))),
    noise: num('a relative noise from 0 to 1', (v) => v >= 0 && v <= 1).default(D.consumption.noise),
  },
  'profile, noise',
);

const TOP_UP_AMOUNT = 'an amount in £ from 0.01 to 655.35, whole pence (what a UTRN carries)';
const TOP_UP_CODE = "a UTRN of 20 digits like '1234 5678 9012 3456 7890' (at most 2^66 − 1)";

export const topUpSchema = strict(
  {
    at: timeRef(),
    amount: money(TOP_UP_AMOUNT, (v) => v > 0 && v <= UTRN_MAX_PENCE / 100 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6).optional(),
    utrn: z
      .string({ error: TOP_UP_CODE })
      .refine((v) => {
        const d = normaliseUtrn(v);
        return d !== null && utrnDigitsToBytes(d) !== null;
      }, { error: TOP_UP_CODE })
      .transform((v) => normaliseUtrn(v)!)
      .optional(),
    via: enumOf(['ppmid', 'meter']).default('ppmid'),
  },
  'at, amount, utrn, via',
).superRefine((u, ctx) => {
  if (u.amount === undefined && u.utrn === undefined) fail(ctx, `${TOP_UP_AMOUNT}, or a utrn`, undefined, ['amount']);
  if (u.amount !== undefined && u.utrn !== undefined) fail(ctx, 'either an amount (the supplier issues the code) or a utrn, not both', undefined, ['utrn']);
});
