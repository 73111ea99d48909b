/**
 * The device config a board runs with (firmware/runtime/app.ts `DeviceConfig`), checked with zod
 * on the desk before `hanlab board run`, `hanlab flash` or a HIL run starts anything: a board has
 * no one to tell, and the machines take whatever numbers they are given (a negative poll interval
 * polls flat out, 1e300 ms overflows Node's timers into a 1 ms loop). Every issue's message is the
 * *expected* part of "expected X, found Y" (config-file.ts adds what was found).
 *
 * The bounds of the machine config (`config`) come from how the firmware uses each field
 * (firmware/machines/gsme-config.ts, gpf.ts, ppmid-config.ts).
 */
import { z } from 'zod';
import type { DeviceConfig, DeviceKind } from '../../firmware/runtime/app.ts';
import { TIMING_PROFILES } from '../../firmware/runtime/profiles.ts';
import { DEVICES } from './board-spec.ts';
import { TIMER_MAX_MS, UTC_TIME_SPAN_MS } from '../../sim/scenario/device-limits.ts';
import { SECRET_PATTERN } from '../../han/identities.ts';
import { unknownKeyMessage } from '../../sim/scenario/schema.ts';

const INT32_MAX = 0x7fffffff;

function int(expected: string, min: number, max: number) {
  return z.number({ error: expected }).refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: expected });
}

function finite(expected: string, ok: (v: number) => boolean) {
  return z.number({ error: expected }).refine((v) => Number.isFinite(v) && ok(v), { error: expected });
}

const ms = (min: number, max: number) => int(`a whole number of ms from ${min} to ${max}`, min, max);
/** A timer delay: at least 1 ms, at most what the boards' timers can wait. */
const interval = () => ms(1, TIMER_MAX_MS);
/** A money amount in the meter's money unit: Prepayment's CreditRemaining and its kin are int32. */
const money = () => int(`a whole number of money units from 0 to ${INT32_MAX} (int32)`, 0, INT32_MAX);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: values.map((v) => `'${v}'`).join(' or ') });

/** A strict object whose unknown keys are refused by name, with the known ones listed. */
export function strictConfigObject<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeyMessage(iss.keys, known) : `an object of ${what}`),
  });
}

const kwh = finite('a threshold in kWh ≥ 0', (v) => v >= 0);
// DebtAmount1..3 are ZCL uint32.
const debt = int('a whole number from 0 to 4294967295 (uint32)', 0, 0xffffffff);

const gsmeMachineConfig = strictConfigObject(
  {
    wakeIntervalMs: interval(),
    // Wider than the interval is allowed: the GSME never sleeps less than 1 ms whatever it draws.
    wakeJitterMs: ms(0, TIMER_MAX_MS),
    ackTimeoutMs: interval(),
    // Each repeat keeps a battery meter awake another ackTimeout; a byte's worth is far past any real meter's.
    retries: int('a whole number of repeats from 0 to 255', 0, 255),
    clockFault: oneOf(['none', 'unsynchronised']),
    clockOffsetMs: int(`a whole number of ms from -${UTC_TIME_SPAN_MS} to ${UTC_TIME_SPAN_MS} (the span ZCL UTCTime can carry)`, -UTC_TIME_SPAN_MS, UTC_TIME_SPAN_MS),
    // The register divides by the divisor and reports both as ZCL uint24.
    divisor: int('a whole number from 1 to 16777215 (uint24)', 1, 0xffffff),
    multiplier: int('a whole number from 1 to 16777215 (uint24)', 1, 0xffffff),
    // CurrentSummationDelivered is a uint48 of 1/divisor m³, the divisor at least 1.
    initialVolumeM3: finite(`a volume in m³ from 0 to ${2 ** 48 - 1}`, (v) => v >= 0 && v <= 2 ** 48 - 1),
    meterStatus: int('a bitmap from 0 to 255 (bitmap8)', 0, 0xff),
    volumeCorrection: finite('a correction factor greater than 0 (typically 1.02264)', (v) => v > 0),
    // The same range the scenario's tariff.calorificValue accepts.
    calorificValue: finite('a calorific value in MJ/m³ greater than 0 and below 100 (typically 38 to 40)', (v) => v > 0 && v < 100),
    touTierByHour: z
      .array(int('a tier 1, 2, 3 or 4', 1, 4), { error: 'a list of 24 tiers (1 to 4), one per hour' })
      .length(24, { error: 'a list of 24 tiers (1 to 4), one per hour' }),
    blockThresholdsKwh: z
      .tuple([kwh, kwh, kwh], { error: 'a list of 3 thresholds in kWh, ascending' })
      .refine((b) => b[0] <= b[1] && b[1] <= b[2], { error: 'a list of 3 thresholds in kWh, ascending' }),
    billingPeriodMs: ms(1, Number.MAX_SAFE_INTEGER),
    paymentMode: oneOf(['prepayment', 'credit']),
    currency: int('an ISO 4217 currency number from 0 to 65535 (826 is GBP)', 0, 0xffff),
    priceTrailingDigit: int('a PriceTrailingDigit from 0 to 255 (0x50: 5 decimal places)', 0, 0xff),
    unitPricePencePerKwh: finite('a price in pence per kWh ≥ 0', (v) => v >= 0),
    standingChargePencePerDay: finite('a standing charge in pence per day ≥ 0', (v) => v >= 0),
    initialCredit: money(),
    lowCreditThreshold: money(),
    emergencyCreditLimit: money(),
    emergencyCreditThreshold: money(),
    initialDebt: money(),
    debtAmounts: z.tuple([debt, debt, debt], { error: 'a list of 3 debt amounts in money units' }),
    debtRecovery: oneOf(['none', 'fromTopUp']),
    // The supplier's UTRN key for this meter (firmware/codec/utrn.ts): 16 bytes.
    // '' (the default): no key, every UTRN refused.
    topUpKey: z.string({ error: "a top-up key of 32 hex digits (or '': none)" }).regex(/^([0-9A-Fa-f]{32})?$/, { error: "a top-up key of 32 hex digits (or '': none)" }),
  },
  'GSME settings (wakeIntervalMs, ackTimeoutMs, topUpKey, …)',
).partial();

const gpfMachineConfig = strictConfigObject(
  {
    unpopulatedSnapshotTime: oneOf(['invalid', 'unsupported']),
    reportAssemblyTimeoutMs: interval(),
    // Compared with clock differences, never timed: any span ZCL UTCTime can carry.
    gsmeClockToleranceMs: ms(0, UTC_TIME_SPAN_MS),
    // Every waiting command holds its frame in the hub's memory until the GSME's next wake.
    maxPendingCommands: int('a whole number from 0 to 255', 0, 255),
    timeStatus: int('a TimeStatus bitmap from 0 to 255 (bitmap8)', 0, 0xff),
    unreliableGsmeTimeStatus: z.union([z.literal(0x06), z.literal(0x02)], { error: 'a time status byte: 6 (0x06: from the GSME, doubtful) or 2 (0x02: as the RTDS UNRELIABLE vectors)' }),
  },
  'GPF settings (reportAssemblyTimeoutMs, maxPendingCommands, …)',
).partial();

const ppmidMachineConfig = strictConfigObject(
  {
    // A poll's reads must time out before the next poll (responseTimeoutMs < pollIntervalMs), both ≥ 1 ms.
    pollIntervalMs: ms(2, TIMER_MAX_MS),
    responseTimeoutMs: interval(),
    // The PPMID counts failed polls one by one; a byte's worth is hours of silence at any sane poll interval.
    hanLostAfter: int('a whole number of failed polls from 1 to 255', 1, 255),
    // T is the GSME's wake interval as the display expects it: the same bound as wakeIntervalMs.
    expectedUpdateIntervalMs: interval(),
    graceMs: ms(0, TIMER_MAX_MS),
    clockProblemToleranceMs: ms(0, UTC_TIME_SPAN_MS),
    changeTimeFallback: z.boolean({ error: 'true or false' }),
    staleDetection: z.boolean({ error: 'true or false' }),
    lowCreditPounds: finite('an amount in £ ≥ 0', (v) => v >= 0),
    pendingTimeoutMs: interval(),
    clockSyncThresholdMs: ms(0, UTC_TIME_SPAN_MS),
  },
  'PPMID settings (pollIntervalMs, responseTimeoutMs, …)',
).partial();

/** The machine config overrides (`config`) each device accepts: any of its fields, merged over the defaults. */
export const MACHINE_CONFIG_SCHEMAS = { gsme: gsmeMachineConfig, gpf: gpfMachineConfig, ppmid: ppmidMachineConfig } as const;

/**
 * A board's device config: the firmware's DeviceConfig plus what only the board's host side reads,
 * `secret` (its MQTT password; identities.ts). The firmware never sees it used.
 */
export type BoardDeviceConfig = DeviceConfig & { secret?: string };

const eui = z.string({ error: 'an EUI-64 of 16 upper-case hex digits' }).regex(/^[0-9A-F]{16}$/, { error: 'an EUI-64 of 16 upper-case hex digits' });
const peer = (required: boolean) => (required ? eui : eui.optional());

/**
 * The fields of a board's device config for a bundle of `device`: shared by `hanlab board run`'s
 * --config and `hanlab flash`'s hanlab.json (which adds wifi and mqtt).
 */
export function deviceConfigShape(device: DeviceKind) {
  return {
    device: z.enum(DEVICES, { error: `'${device}' (this bundle's device)` }).refine((d) => d === device, { error: `'${device}' (this bundle's device)` }),
    premises: z.string({ error: 'letters, digits, _ or -' }).regex(/^[A-Za-z0-9_-]+$/, { error: 'letters, digits, _ or -' }),
    eui,
    // A GSME and a PPMID talk only to their GPF; a GPF must know its GSME (the PPMID is optional).
    peers: strictConfigObject({ gpf: peer(device !== 'gpf'), gsme: peer(device === 'gpf'), ppmid: eui.optional() }, 'EUI-64s (gpf, gsme, ppmid)'),
    firmware: oneOf(['secmp0015', 'legacy']),
    // The device PRNG keeps 32 bits of the seed (prngSeed); hanlab hands devices 1…2^31−1 (sim/run/home.ts).
    seed: int(`a whole number from 1 to ${INT32_MAX}`, 1, INT32_MAX).optional(),
    profile: z.enum(TIMING_PROFILES as ['default', 'hil'], { error: TIMING_PROFILES.map((p) => `'${p}'`).join(' or ') }).optional(),
    config: MACHINE_CONFIG_SCHEMAS[device].optional(),
    // The device's MQTT password on the HAN broker (username = client id = eui): 128 bits as the
    // registry holds them (han/identities.ts).
    secret: z.string({ error: 'a secret of 32 lower-case hex digits' }).regex(SECRET_PATTERN, { error: 'a secret of 32 lower-case hex digits' }).optional(),
  };
}

function buildDeviceConfigSchema(device: DeviceKind) {
  return strictConfigObject(deviceConfigShape(device), 'device settings (device, premises, eui, peers, firmware, secret, …)');
}

// One per device, built on first use: building and zod's compiling of the object on its first
// parse cost more than the parse itself (every board config read, every fuzz input).
const deviceConfigSchemas = new Map<DeviceKind, ReturnType<typeof buildDeviceConfigSchema>>();

/** A board's device config for a bundle of `device`. */
export function deviceConfigSchema(device: DeviceKind) {
  let schema = deviceConfigSchemas.get(device);
  if (schema === undefined) deviceConfigSchemas.set(device, (schema = buildDeviceConfigSchema(device)));
  return schema;
}

