/**
 * Issue 17, `hanlab sim --glow`: the PPMID's view in Hildebrand Glow's local MQTT layout. The pure
 * builders (exact JSON, UK day/week/month periods), then a run on an embedded broker of the
 * test's own whose `glow/#` an MQTT.js subscriber reads as the observer, checked against the
 * run's own timeline (the Metering answers the PPMID got, the screens it drew).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { z } from 'zod';
import { startEmbeddedBroker, type EmbeddedBroker } from '../han/embedded-broker.ts';
import { OBSERVER_PASSWORD, OBSERVER_USERNAME } from '../han/identities.ts';
import { glowGasMeterJson, glowGasMeterTopic, glowStateJson, glowStateTopic, glowTimestamp, nextGlowPeriods } from '../han/glow.ts';
import type { GlowPeriods } from '../han/glow.ts';
import { resolveGsmeConfig } from '../firmware/machines/index.ts';
import { clusterName } from '../firmware/zcl/clusters/index.ts';
import { gsmeInput } from '../sim/run/devices.ts';
import { runSimulation } from '../sim/run/run.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { resolveScenario } from '../sim/scenario/load.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { hanlab } from './support/cli.ts';

const EUI = '70B3D521E0008D10';
const meter = resolveGsmeConfig({ divisor: 1000, multiplier: 1, volumeCorrection: 1.02264, calorificValue: 39.5, unitPricePencePerKwh: 3.623, standingChargePencePerDay: 16.8 });

/** A sequence of readings (ISO time, raw register) through nextGlowPeriods. */
function periodsOf(readings: [string, number][]): GlowPeriods[] {
  const out: GlowPeriods[] = [];
  let p: GlowPeriods | null = null;
  for (const [at, raw] of readings) out.push((p = nextGlowPeriods(p, Date.parse(at), raw)));
  return out;
}

describe('Glow payloads', () => {
  it('gasmeter: the exact JSON for a reading (kWh by the meter figures, m³, £)', () => {
    const periods = periodsOf([
      ['2026-01-14T23:30:00Z', 5_000_000],
      ['2026-01-15T00:30:00Z', 5_000_500],
      ['2026-01-15T09:35:38.250Z', 5_002_000],
    ]).at(-1)!;
    const json = glowGasMeterJson({ readingTimeMs: Date.parse('2026-01-15T09:35:38.250Z'), summation: 5_002_000, periods, meter, mprn: '1234567890', supplier: null });
    // 5002 m³ × 1.02264 × 39.5 ÷ 3.6 = 56125.608 kWh; the day from the reading before midnight (2 m³).
    expect(json).toBe(
      '{"gasmeter":{"timestamp":"2026-01-15T09:35:38Z","energy":{"import":{"cumulative":56125.608,"day":22.441,"week":22.441,"month":22.441,"units":"kWh",' +
        '"cumulativevol":5002,"cumulativevolunits":"m3","dayvol":2,"weekvol":2,"monthvol":2,"dayweekmonthvolunits":"m3",' +
        '"mprn":"1234567890","supplier":"---","price":{"unitrate":0.03623,"standingcharge":0.168}}}}}',
    );
  });

  it('periods: day from UK midnight (BST: 23:00 UTC), week from Monday, month from the 1st; the first reading is the baseline', () => {
    // Sun 28 June 2026 … Wed 1 July: BST.
    const p = periodsOf([
      ['2026-06-28T12:00:00Z', 100], // Sunday: the run's first reading, baseline of its day, week and month
      ['2026-06-28T22:59:00Z', 150], // Sunday 23:59 BST
      ['2026-06-28T23:01:00Z', 170], // Monday 00:01 BST (still Sunday in UTC): new day and week
      ['2026-06-30T22:30:00Z', 300], // Tuesday 23:30 BST
      ['2026-06-30T23:30:00Z', 320], // Wednesday 1 July 00:30 BST (30 June in UTC): new day and month
    ]);
    const since = (q: GlowPeriods) => [q.last - q.day.from, q.last - q.week.from, q.last - q.month.from];
    expect(p.map(since)).toEqual([
      [0, 0, 0],
      [50, 50, 50],
      [20, 20, 70],
      [130, 150, 200], // Tuesday: from Monday's last reading
      [20, 170, 20],
    ]);
  });

  it('periods in GMT: the day turns at 00:00 UTC, not an hour before', () => {
    const p = periodsOf([
      ['2026-01-14T22:30:00Z', 10],
      ['2026-01-14T23:30:00Z', 20],
      ['2026-01-15T00:30:00Z', 35],
    ]);
    expect(p.map((q) => q.last - q.day.from)).toEqual([0, 10, 15]);
  });

  it('STATE: firmware, EUI with colons, HAN status; no rssi or lqi', () => {
    expect(glowStateJson({ nowMs: Date.parse('2026-01-15T09:35:38.999Z'), eui: EUI, firmware: 'secmp0015', link: 'up' })).toBe(
      '{"timestamp":"2026-01-15T09:35:38Z","software":"secmp0015","hardware":"hanlab PPMID (simulated)","smetsversion":"SMETS2","eui":"70:B3:D5:21:E0:00:8D:10","han":{"status":"joined"}}',
    );
    expect(JSON.parse(glowStateJson({ nowMs: 0, eui: EUI, firmware: 'legacy', link: 'lost' })).han).toEqual({ status: 'lost' });
  });

  it('topics; bad input is one clear error', () => {
    expect(glowGasMeterTopic(EUI)).toBe('glow/70B3D521E0008D10/SENSOR/gasmeter');
    expect(glowStateTopic(EUI)).toBe('glow/70B3D521E0008D10/STATE');
    expect(() => glowGasMeterTopic('glow/#')).toThrow(/EUI-64/);
    expect(() => nextGlowPeriods(null, Number.NaN, 1)).toThrow(/reading time/);
    expect(() => nextGlowPeriods(null, 0, -1)).toThrow(/CurrentSummationDelivered/);
    expect(glowTimestamp(Date.parse('2026-03-29T01:00:00.000Z'))).toBe('2026-03-29T01:00:00Z');
  });
});

/** The gasmeter message, exactly these fields (a consumer reads them by name). */
const gasMeterSchema = z.strictObject({
  gasmeter: z.strictObject({
    timestamp: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    energy: z.strictObject({
      import: z.strictObject({
        cumulative: z.number(),
        day: z.number().nonnegative(),
        week: z.number().nonnegative(),
        month: z.number().nonnegative(),
        units: z.literal('kWh'),
        cumulativevol: z.number(),
        cumulativevolunits: z.literal('m3'),
        dayvol: z.number().nonnegative(),
        weekvol: z.number().nonnegative(),
        monthvol: z.number().nonnegative(),
        dayweekmonthvolunits: z.literal('m3'),
        mprn: z.string(),
        supplier: z.string(),
        price: z.strictObject({ unitrate: z.number(), standingcharge: z.number() }),
      }),
    }),
  }),
});
type GasMeter = z.infer<typeof gasMeterSchema>;

// Across UK midnight in summer time (23:00 UTC): the day starts again in the run.
const scenario = resolveScenario({ name: 'glow', start: '2026-07-01T20:00:00Z', duration: '6h' });
const ppmidEui = scenario.devices.ppmid.eui;

describe('a run with glow on a broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ identities: simulationIdentities(scenario, [], { glow: true }) });
  });
  afterAll(async () => {
    await broker?.close();
  });

  // The volume is read from the PPMID's snapshot as its screen is emitted: on both runtimes.
  it.each(['compact', 'xstate'] as const)('on %s: the PPMID publishes each new reading it shows (its time, the register it read) and its STATE, not retained', async (runtime) => {
    const client = await connectAsync(broker.url, { clientId: OBSERVER_USERNAME, username: OBSERVER_USERNAME, password: OBSERVER_PASSWORD, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
    const got: { topic: string; payload: string; retain: boolean }[] = [];
    client.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
    await client.subscribeAsync('glow/#', { qos: 0 });
    const events: TimelineEvent[] = [];
    await runSimulation(scenario, { broker: broker.url, glow: true, runtime, onEvent: (e) => events.push(e) });

    // From the timeline alone: the register in the last Metering answer the GPF got to the PPMID,
    // at each screen showing a reading time; one message per new (time, register).
    const metering = clusterName(0x0702);
    const expected: [string, number][] = [];
    let raw: number | null = null;
    for (const e of events) {
      if (e.kind === 'han' && e.from === 'gpf' && e.to === 'ppmid' && e.cluster === metering && e.lost !== true) {
        const m = /^readResponse .*\b0000=(\d+)/.exec(e.command);
        if (m) raw = Number(m[1]);
      }
      if (e.kind === 'screen' && e.screen.lastUpdate !== null && raw !== null) {
        const at = e.screen.lastUpdate.at.replace(/\.\d+Z$/, 'Z');
        const last = expected.at(-1);
        if (last === undefined || last[0] !== at || last[1] !== raw / 1000) expected.push([at, raw / 1000]);
      }
    }
    expect(expected.length).toBeGreaterThan(5);
    const gasTopic = `glow/${ppmidEui}/SENSOR/gasmeter`;
    const end = Date.now() + 5000;
    while (got.filter((g) => g.topic === gasTopic).length < expected.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await client.endAsync();
    expect(broker.stats().refusedPublish).toBe(0);
    expect(got.every((g) => !g.retain)).toBe(true);

    const gas: GasMeter[] = got.filter((g) => g.topic === gasTopic).map((g) => gasMeterSchema.parse(JSON.parse(g.payload)));
    expect(gas.map((g) => [g.gasmeter.timestamp, g.gasmeter.energy.import.cumulativevol])).toEqual(expected);
    for (const g of gas) expect(g.gasmeter.energy.import).toMatchObject({ mprn: scenario.mprn, supplier: '---', price: { unitrate: scenario.tariff.unitPrice / 100, standingcharge: scenario.tariff.standingCharge / 100 } });
    // kWh by the meter's own conversion, as the simulator configured the GSME.
    const config = resolveGsmeConfig(gsmeInput(scenario, 1).config);
    const last = gas.at(-1)!.gasmeter.energy.import;
    expect(last.cumulative).toBeCloseTo((last.cumulativevol * config.volumeCorrection * config.calorificValue) / 3.6, 3);

    // The day: from the run's first reading until UK midnight (23:00 UTC), then from the reading before it.
    const vols = gas.map((g) => g.gasmeter.energy.import);
    const firstNextDay = gas.findIndex((g) => g.gasmeter.timestamp >= '2026-07-01T23:00:00Z');
    expect(firstNextDay).toBeGreaterThan(1);
    for (const [i, v] of vols.entries()) {
      const from = i < firstNextDay ? vols[0]!.cumulativevol : vols[firstNextDay - 1]!.cumulativevol;
      expect(v.dayvol, `message ${i}`).toBeCloseTo(v.cumulativevol - from, 6);
      // Wednesday 1 to Thursday 2 July: the same week and month throughout.
      expect(v.weekvol, `message ${i}`).toBeCloseTo(v.cumulativevol - vols[0]!.cumulativevol, 6);
      expect(v.monthvol).toBe(v.weekvol);
    }

    const states = got.filter((g) => g.topic === `glow/${ppmidEui}/STATE`).map((g) => JSON.parse(g.payload) as Record<string, unknown>);
    expect(states.length).toBeGreaterThan(0);
    expect(states.at(-1)).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      software: scenario.devices.ppmid.firmware,
      hardware: 'hanlab PPMID (simulated)',
      smetsversion: 'SMETS2',
      eui: ppmidEui.match(/../g)!.join(':'),
      han: { status: 'joined' },
    });

    // The timeline is that of a run without it.
    const plain: TimelineEvent[] = [];
    await runSimulation(scenario, { onEvent: (e) => plain.push(e) });
    expect(events.map((e) => JSON.stringify(e))).toEqual(plain.map((e) => JSON.stringify(e)));
  }, 60_000);
});

describe('hanlab sim --glow', () => {
  it('--print-broker-files --glow: the PPMID may write its glow topics, the observer read them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-glow-'));
    const r = await hanlab('sim', '--print-broker-files', dir, '--glow', '--no-compare');
    expect(r.code).toBe(0);
    const acl = readFileSync(join(dir, 'hanlab.acl'), 'utf8');
    expect(acl).toContain(`topic write glow/${ppmidEui}/#`);
    expect(acl).toContain('topic read glow/#');
    const without = mkdtempSync(join(tmpdir(), 'hanlab-glow-'));
    await hanlab('sim', '--print-broker-files', without, '--no-compare');
    expect(readFileSync(join(without, 'hanlab.acl'), 'utf8')).not.toContain('glow/');
  });
});
