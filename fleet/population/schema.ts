/**
 * A fleet's population file (YAML or JSON): what every home shares (a scenario's home sections),
 * the firmware combinations and their shares, and the distributions each home's tariff, credit,
 * consumption and faults are drawn from. Strict objects: an unknown key is an error naming it.
 * Draws are seeded per home and per field (draw.ts), so the same file and seed give the same fleet.
 */
import { z } from 'zod';

const finite = (what: string) => z.number({ error: what }).refine((v) => Number.isFinite(v), { error: what });
const share = finite('a share from 0 to 1').refine((v) => v >= 0 && v <= 1, { error: 'a share from 0 to 1' });
const weight = finite('a weight ≥ 0').refine((v) => v >= 0, { error: 'a weight ≥ 0' });

/**
 * A number drawn per home: a constant, `{ uniform: [low, high] }`, or `{ normal: [mean, sd] }`
 * with optional `min` / `max` it is clamped to.
 */
export const numberDistSchema = z.union(
  [
    finite('a number'),
    z.strictObject({ uniform: z.tuple([finite('a number'), finite('a number')]) }).refine((d) => d.uniform[0] <= d.uniform[1], { error: 'uniform: [low, high] with low ≤ high' }),
    z
      .strictObject({ normal: z.tuple([finite('a mean'), finite('a standard deviation ≥ 0').refine((v) => v >= 0)]), min: finite('a number').optional(), max: finite('a number').optional() })
      .refine((d) => d.min === undefined || d.max === undefined || d.min <= d.max, { error: 'min ≤ max' }),
  ],
  { error: 'a number, { uniform: [low, high] } or { normal: [mean, sd], min, max }' },
);
export type NumberDist = z.output<typeof numberDistSchema>;

/** One of several names, by weight (`{ gsme-gpf: 3, gpf-ppmid: 1 }`): at least one weight above 0. */
function choiceOf<const T extends readonly [string, ...string[]]>(names: T) {
  return z
    .partialRecord(z.enum(names, { error: `one of ${names.join(', ')}` }), weight)
    .refine((r) => Object.values(r as Record<string, number | undefined>).some((w) => (w ?? 0) > 0), { error: `weights of ${names.join(', ')}, at least one above 0` });
}

const firmware = z.enum(['secmp0015', 'legacy'], { error: "'secmp0015' or 'legacy'" });

export const firmwareMixSchema = z.strictObject({
  share: weight,
  gsme: firmware,
  gpf: firmware,
  ppmid: firmware,
  /** A SECMP0015 PPMID's change-time fallback (default on). */
  changeTimeFallback: z.boolean({ error: 'true or false' }).optional(),
});

const hoursDist = numberDistSchema;
const minutesDist = numberDistSchema;

export const faultsSchema = z.strictObject({
  /** A HAN link down for a while (every frame lost). */
  hanOutage: z.strictObject({ share, link: choiceOf(['gsme-gpf', 'gpf-ppmid', 'all'] as const), startHours: hoursDist, minutes: minutesDist }).optional(),
  /** Frames lost at random on the GSME↔GPF link for the whole run. */
  frameLoss: z.strictObject({ share, loss: numberDistSchema }).optional(),
  /** A device clock that loses its synchronisation. */
  clockFault: z.strictObject({ share, device: choiceOf(['gsme', 'ppmid'] as const), startHours: hoursDist }).optional(),
  /** A device without power for a while. */
  powerCut: z.strictObject({ share, device: choiceOf(['gsme', 'gpf', 'ppmid'] as const), startHours: hoursDist, minutes: minutesDist }).optional(),
});
export type FaultKind = keyof z.output<typeof faultsSchema>;
export const FAULT_KINDS: readonly FaultKind[] = ['hanOutage', 'frameLoss', 'clockFault', 'powerCut'];

export const populationSchema = z.strictObject({
  name: z.string({ error: 'a name' }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "lower-case letters, digits and '-'" }),
  description: z.string({ error: 'a text' }).optional(),
  /** When every home's run starts (ISO 8601 UTC) and how long it lasts (a scenario duration). */
  start: z.string({ error: "an ISO 8601 UTC time like '2026-01-15T00:00:00Z'" }),
  duration: z.union([z.string(), z.number()], { error: "a duration like '1d' or '36h'" }),
  /** What every home shares: a scenario's devices, tariff, prepayment, consumption, autoCustomer and metric sections. */
  home: z.record(z.string(), z.unknown(), { error: 'the sections every home shares (devices, tariff, prepayment, …)' }).default({}),
  firmware: z
    .array(firmwareMixSchema, { error: 'a list of firmware combinations with their shares' })
    .min(1, { error: 'at least one firmware combination' })
    .refine((l) => l.some((f) => f.share > 0), { error: 'firmware combinations with at least one share above 0' }),
  draw: z
    .strictObject({
      /** Unit price, p/kWh. */
      unitPrice: numberDistSchema.optional(),
      /** Credit at the start, £. */
      credit: numberDistSchema.optional(),
      /** Factor on every step of the shared consumption profile. */
      consumptionScale: numberDistSchema.optional(),
    })
    .default({}),
  faults: faultsSchema.default({}),
});
export type Population = z.output<typeof populationSchema>;
