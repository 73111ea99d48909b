/**
 * The scenario format: what a simulated home looks like and what happens to it. A scenario file
 * (YAML or JSON, see `load.ts`) is validated and resolved by `scenarioSchema` into a `Scenario`:
 * every default applied, every duration in milliseconds, every time in epoch milliseconds.
 *
 * Objects are strict (an unknown key is an error). Every issue this schema raises carries, as its
 * message, the *expected* part of a "expected X, found Y" sentence; a custom issue may carry
 * `params.found` (what was found, when it is not simply the input value) or `params.resolved`
 * (the resolved form of the input, e.g. the absolute time of '+58h'). `load.ts` turns issues into
 * one-line `ScenarioError`s naming the file, line and field path.
 *
 * Times of day (the consumption profile, tariff tiers) are UTC: hanlab simulates January-like GB
 * winter days where UTC is the local time. Money is in pounds (£) except tariff prices (pence).
 *
 * This file holds the top-level scenario (its sections, and the checks across them in `resolve`);
 * the rest is split by concern and re-exported here, so importers need only this file:
 * `types.ts` (the resolved form), `defaults.ts`, `time.ts` (durations and times), `fields.ts`
 * (field schemas and the issue conventions), `devices.ts`, `tariff.ts` (tariff, prepayment,
 * consumption, top-ups), `customer.ts`, `faults.ts` (outages, clock faults, power cuts) and
 * `wan.ts` (service requests, postcode, MPRN, SMI states).
 */
import { isLegalTransition } from '../../dcc/states.ts';
import type { DeviceState } from '../../dcc/states.ts';
import { z } from 'zod';
import { autoCustomerSchema, customerSchema } from './customer.ts';
import { DEFAULTS } from './defaults.ts';
import { LATEST_HAN_TIME_MS } from './device-limits.ts';
import { gpfSchema, gsmeSchema, ppmidSchema } from './devices.ts';
import { clockFaultSchema, outageSchema, powerSchema } from './faults.ts';
import { E, absTime, bool, duration, fail, list, nameText, num, strict } from './fields.ts';
import type { Ctx, TimeRef } from './fields.ts';
import { consumptionSchema, money, prepaymentSchema, tariffSchema, topUpSchema } from './tariff.ts';
import { describeTime, formatDuration, formatTime } from './time.ts';
import type { ClockFault, CustomerAction, Firmware, Outage, PowerCut, Scenario, Via } from './types.ts';
import { mprnSchema, postcodeSchema, serviceRequestSchema, smiSchema } from './wan.ts';

export type {
  AutoCustomer, ClockFault, ClockFaultDevice, Consumption, CustomerAction, Firmware, GpfConfig, GsmeConfig, Outage, OutageDirection,
  OutageLink, PowerCut, PpmidConfig, Prepayment, ProfileStep, Scenario, ServiceRequest, SmiEvent, Tariff, TopUp, TouBand, Via,
} from './types.ts';
export { DEFAULT_EUIS, DEFAULTS } from './defaults.ts';
export { formatDuration, formatTime, formatTimeOfDay, parseDuration, parseIsoTime, parseTimeOfDay } from './time.ts';
export { unknownKeyMessage } from './fields.ts';
export type { IssueParams, TimeRef } from './fields.ts';

const D = DEFAULTS;

const rawScenarioSchema = strict(
  {
    name: nameText,
    description: z.string({ error: 'a text' }).optional(),
    seed: num(E.seed, (v) => Number.isSafeInteger(v) && v >= 0).default(D.seed),
    start: absTime(E.start).prefault(D.start),
    duration: duration({ positive: true }).prefault(D.duration),
    premises: nameText.default(D.premises),
    devices: strict(
      { gsme: gsmeSchema.prefault({}), gpf: gpfSchema.prefault({}), ppmid: ppmidSchema.prefault({}) },
      'gsme, gpf, ppmid',
    ).prefault({}),
    tariff: tariffSchema.prefault({}),
    prepayment: prepaymentSchema.prefault({}),
    consumption: consumptionSchema.prefault({}),
    topUps: list(topUpSchema, 'top-ups like { at: "+20h", amount: 10 } or { at: "+21h", utrn: "…" }').default([]),
    customer: list(customerSchema, 'button presses like { at: "+20h", action: activateEc }').default([]),
    serviceRequests: list(serviceRequestSchema, 'service requests like { at: "+19h", useCase: GCS13a }').default([]),
    autoCustomer: autoCustomerSchema.prefault({}),
    outages: list(outageSchema, 'outages like { start: "+19h", duration: 3h, link: gsme-gpf }').default([]),
    clockFaults: list(clockFaultSchema, 'clock faults like { device: gsme, at: "+6h", kind: unsynchronised }').default([]),
    power: list(powerSchema, 'power cuts like { device: gsme, at: "+6h", for: 10m }').default([]),
    metric: strict({ tolerance: money('an amount in £ ≥ 0').default(D.metric.tolerance) }, 'tolerance').prefault({}),
    compare: bool().default(D.compare),
    postcode: postcodeSchema.optional(),
    mprn: mprnSchema.default(D.mprn),
    smi: list(smiSchema, 'SMI state changes like { at: "+2h", device: gsme, state: Commissioned }').default([]),
  },
  'scenario settings (name, seed, start, duration, devices, …)',
);

type RawScenario = z.output<typeof rawScenarioSchema>;

function resolve(raw: RawScenario, ctx: Ctx): Scenario {
  const start = raw.start;
  const end = start + raw.duration;
  // Every device reads its clock through ZCL UTCTime, which ends in 2136: a later run is nothing the HAN can say.
  const latest = `${formatTime(LATEST_HAN_TIME_MS)}, the last time ZCL UTCTime can carry`;
  if (start > LATEST_HAN_TIME_MS) {
    fail(ctx, `a start no later than ${latest}`, undefined, ['start']);
    return z.NEVER;
  }
  if (end > LATEST_HAN_TIME_MS) {
    fail(ctx, `a run that ends by ${latest} (at most ${formatDuration(LATEST_HAN_TIME_MS - start)} from the start)`, { resolved: `ends ${describeTime(end)}` }, ['duration']);
    return z.NEVER;
  }
  const at = (t: TimeRef) => ('abs' in t ? t.abs : start + t.rel);
  const inRun = (t: number, path: PropertyKey[]) => {
    if (t < start || t > end) {
      fail(ctx, `a time within the run (${formatTime(start)} to ${formatTime(end)})`, { resolved: describeTime(t) }, path);
    }
  };

  const topUps = raw.topUps.map((u, i) => {
    const t = at(u.at);
    inRun(t, ['topUps', i, 'at']);
    return { at: t, ...(u.amount !== undefined ? { amount: u.amount } : {}), ...(u.utrn !== undefined ? { utrn: u.utrn } : {}), via: u.via };
  });
  const serviceRequests = raw.serviceRequests.map((r, i) => {
    const t = at(r.at);
    inRun(t, ['serviceRequests', i, 'at']);
    return { at: t, useCase: r.useCase };
  });
  const customer = raw.customer.map((c, i): CustomerAction => {
    const t = at(c.at);
    inRun(t, ['customer', i, 'at']);
    const via: Via = c.via ?? (c.action === 'enableSupply' ? 'meter' : 'ppmid');
    if (c.action === 'enableSupply' && via !== 'meter') {
      fail(ctx, "'meter' (the supply is re-enabled at the meter)", undefined, ['customer', i, 'via']);
    }
    return { at: t, action: c.action, via };
  });
  const outages = raw.outages.map((o, i): Outage => {
    const s = at(o.start);
    inRun(s, ['outages', i, 'start']);
    const e = s + o.duration;
    if (s >= start && s <= end && e > end) {
      fail(ctx, `an outage that ends by the end of the run (${formatTime(end)}; at most ${formatDuration(end - s)} from its start)`, { resolved: `ends ${describeTime(e)}` }, ['outages', i, 'duration']);
    }
    return { start: s, end: e, duration: o.duration, link: o.link, direction: o.direction, loss: o.loss };
  });
  // No two outages on the same link at once ('all' is every link; 'up' and 'down' are disjoint).
  for (let i = 0; i < outages.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = outages[j], b = outages[i];
      if (!a || !b) continue;
      const sameLink = a.link === b.link || a.link === 'all' || b.link === 'all';
      const sameDir = a.direction === b.direction || a.direction === 'both' || b.direction === 'both';
      if (sameLink && sameDir && b.start < a.end && a.start < b.end) {
        fail(
          ctx,
          `an outage not overlapping outages[${j}] (${a.link} ${a.direction}, ${describeTime(a.start)} to ${describeTime(a.end)})`,
          { resolved: describeTime(b.start) },
          ['outages', i, 'start'],
        );
      }
    }
  }
  const clockFaults = raw.clockFaults.map((f, i): ClockFault => {
    const t = at(f.at);
    inRun(t, ['clockFaults', i, 'at']);
    const path = (k: string) => ['clockFaults', i, k];
    if (f.kind === 'jump') {
      if (f.offset === undefined) fail(ctx, `${E.signedDuration} (a jump needs an offset)`, undefined, path('offset'));
      if (f.driftPpm !== undefined) fail(ctx, 'no driftPpm on a jump (use offset)', undefined, path('driftPpm'));
      return { device: f.device, at: t, kind: 'jump', offset: f.offset ?? 0 };
    }
    if (f.kind === 'drift') {
      if (f.driftPpm === undefined) fail(ctx, 'a number of parts per million (a drift needs driftPpm)', undefined, path('driftPpm'));
      if (f.offset !== undefined) fail(ctx, 'no offset on a drift (use driftPpm)', undefined, path('offset'));
      return { device: f.device, at: t, kind: 'drift', driftPpm: f.driftPpm ?? 0 };
    }
    if (f.offset !== undefined) fail(ctx, 'no offset on an unsynchronised fault', undefined, path('offset'));
    if (f.driftPpm !== undefined) fail(ctx, 'no driftPpm on an unsynchronised fault', undefined, path('driftPpm'));
    return { device: f.device, at: t, kind: 'unsynchronised' };
  });

  const power = raw.power.map((p, i): PowerCut => {
    const t = at(p.at);
    inRun(t, ['power', i, 'at']);
    const e = t + p.for;
    if (t >= start && t <= end && e > end) {
      fail(ctx, `a power cut that ends by the end of the run (${formatTime(end)}; at most ${formatDuration(end - t)} from its start)`, { resolved: `ends ${describeTime(e)}` }, ['power', i, 'for']);
    }
    return { device: p.device, at: t, for: p.for, end: e };
  });
  // A device already off cannot lose power again.
  for (let i = 0; i < power.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = power[j], b = power[i];
      if (a && b && a.device === b.device && b.at < a.end && a.at < b.end) {
        fail(ctx, `a power cut not overlapping power[${j}] (${a.device} off ${describeTime(a.at)} to ${describeTime(a.end)})`, { resolved: describeTime(b.at) }, ['power', i, 'at']);
      }
    }
  }

  // SMI history may lie before the start (the inventory as the run finds it), not after the end.
  const smiTimed = raw.smi.map((e, i) => {
    const t = at(e.at);
    if (t > end) fail(ctx, `a time no later than the end of the run (${formatTime(end)})`, { resolved: describeTime(t) }, ['smi', i, 'at']);
    return [{ at: t, device: e.device, state: e.state }, i] as const;
  });
  const smiSorted = [...smiTimed].sort((a, b) => a[0].at - b[0].at || a[1] - b[1]);
  const smiState: Record<'gsme' | 'gpf', DeviceState> = { gsme: 'Pending', gpf: 'Pending' };
  for (const [e, i] of smiSorted) {
    const from = smiState[e.device];
    if (!isLegalTransition(from, e.state)) {
      fail(ctx, `a legal SMI state change from ${from} (the ${e.device}'s state then; every device starts Pending)`, { found: e.state }, ['smi', i, 'state']);
    }
    smiState[e.device] = e.state;
  }

  const { gsme, gpf, ppmid } = raw.devices;
  const seen: [string, string][] = [['gsme', gsme.eui]];
  for (const [dev, value] of [['gpf', gpf.eui], ['ppmid', ppmid.eui]] as const) {
    const clash = seen.find(([, v]) => v === value);
    if (clash) fail(ctx, `an EUI different from devices.${clash[0]}.eui`, undefined, ['devices', dev, 'eui']);
    seen.push([dev, value]);
  }

  const byTime = <T extends { at: number }>(xs: T[]) => xs.map((x, i) => [x, i] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map(([x]) => x);
  const scenario: Scenario = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    seed: raw.seed,
    start,
    duration: raw.duration,
    end,
    premises: raw.premises,
    devices: { gsme, gpf, ppmid },
    tariff: raw.tariff,
    prepayment: raw.prepayment,
    consumption: raw.consumption,
    topUps: byTime(topUps),
    customer: byTime(customer),
    serviceRequests: byTime(serviceRequests),
    autoCustomer: raw.autoCustomer,
    outages: [...outages].sort((a, b) => a.start - b.start),
    clockFaults: byTime(clockFaults),
    power: byTime(power),
    metric: raw.metric,
    compare: raw.compare,
    ...(raw.postcode !== undefined ? { postcode: raw.postcode } : {}),
    mprn: raw.mprn,
    smi: smiSorted.map(([e]) => e),
  };
  return scenario;
}

/** Validates a scenario as read from a file (plain data) and resolves it to a `Scenario`. */
export const scenarioSchema = rawScenarioSchema.transform((raw, ctx): Scenario => resolve(raw, ctx));

/** What a scenario file may contain (durations as text or seconds, times as ISO or '+20h'). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

// ---------------------------------------------------------------------------------------------
// Compare runs

export interface ScenarioVariant {
  /** e.g. 'gsme=secmp0015 gpf=legacy ppmid=secmp0015 fallback=off' */
  label: string;
  scenario: Scenario;
}

/**
 * The firmware combinations a `compare: true` scenario also runs: every GSME × GPF × PPMID
 * firmware, and for a SECMP0015 PPMID the change-time fallback on and off (a legacy PPMID has no
 * fallback to switch). 12 variants; the scenario's own setting is among them.
 */
export function compareVariants(scenario: Scenario): ScenarioVariant[] {
  const out: ScenarioVariant[] = [];
  const fw: Firmware[] = ['secmp0015', 'legacy'];
  for (const g of fw) {
    for (const p of fw) {
      for (const m of fw) {
        for (const fallback of m === 'secmp0015' ? [true, false] : [false]) {
          const { gsme, gpf, ppmid } = scenario.devices;
          out.push({
            label: `gsme=${g} gpf=${p} ppmid=${m}${m === 'secmp0015' ? ` fallback=${fallback ? 'on' : 'off'}` : ''}`,
            scenario: {
              ...scenario,
              compare: false,
              devices: {
                gsme: { ...gsme, firmware: g },
                gpf: { ...gpf, firmware: p },
                ppmid: { ...ppmid, firmware: m, changeTimeFallback: fallback },
              },
            },
          });
        }
      }
    }
  }
  return out;
}
