/**
 * Issue 17, `hanlab sim --han-json`: every HAN frame that goes out is mirrored as JSON on
 * `hanlab/{premises}/han` (not retained), on an embedded broker of the test's own on a free port,
 * read by an in-process MQTT.js subscriber logged in as the observer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../han/embedded-broker.ts';
import { OBSERVER_PASSWORD, OBSERVER_USERNAME } from '../han/identities.ts';
import { runSimulation } from '../sim/run/run.ts';
import { simulationIdentities } from '../sim/run/identities.ts';
import { homeVariants } from '../sim/run/variants.ts';
import { resolveScenario } from '../sim/scenario/load.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';

const scenario = resolveScenario({ name: 'hanjson', duration: '2h' });
const premises = homeVariants(scenario)[0]!.premises;

describe('a run with hanJson on a broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ identities: simulationIdentities(scenario, [], { hanJson: true }) });
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('mirrors each frame that goes out, in the timeline order of its sender, not retained', async () => {
    const client = await connectAsync(broker.url, { clientId: OBSERVER_USERNAME, username: OBSERVER_USERNAME, password: OBSERVER_PASSWORD, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
    const got: { topic: string; json: Record<string, unknown>; retain: boolean }[] = [];
    client.on('message', (topic, payload, packet) => got.push({ topic, json: JSON.parse(payload.toString('utf8')) as Record<string, unknown>, retain: packet.retain }));
    await client.subscribeAsync('hanlab/+/han', { qos: 0 });
    const events: TimelineEvent[] = [];
    await runSimulation(scenario, { broker: broker.url, hanJson: true, onEvent: (e) => events.push(e) });
    const frames = events.filter((e): e is TimelineEvent & { kind: 'han' } => e.kind === 'han' && e.lost !== true);
    expect(frames.length).toBeGreaterThan(10);
    const end = Date.now() + 5000;
    while (got.length < frames.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await client.endAsync();
    expect(got).toHaveLength(frames.length);
    expect(broker.stats().refusedPublish).toBe(0);
    for (const g of got) {
      expect(g.topic).toBe(`hanlab/${premises}/han`);
      expect(g.retain).toBe(false);
      expect(g.json).toMatchObject({ from: expect.any(String), to: expect.any(String), src: expect.stringMatching(/^[0-9A-F]{16}$/), dst: expect.stringMatching(/^[0-9A-F]{16}$/) });
      expect(g.json['clusterId']).toMatch(/^[0-9A-F]{4}$/);
      expect(g.json['hex']).toMatch(/^([0-9A-F]{2})+$/);
      expect(g.json['zcl']).toMatchObject({ header: expect.any(Object), command: expect.any(Object) });
    }
    // Per sender, the mirror is the timeline's frames in order (each device publishes its own).
    for (const role of ['gsme', 'gpf', 'ppmid']) {
      const mirrored = got.filter((g) => g.json['from'] === role).map((g) => [g.json['t'], g.json['to'], g.json['cluster'], g.json['command'], (g.json['hex'] as string).length / 2]);
      const timeline = frames.filter((f) => f.from === role).map((f) => [formatTime(f.t), f.to, f.cluster, f.command, f.bytes]);
      expect(mirrored, role).toEqual(timeline);
    }
    // A report's attributes are there decoded.
    const report = got.find((g) => String(g.json['command']).startsWith('report '));
    expect(report, 'a report frame').toBeDefined();
    expect((report!.json['zcl'] as { command: { kind: string; reports: unknown[] } }).command.kind).toBe('reportAttributes');
    expect((report!.json['zcl'] as { command: { reports: unknown[] } }).command.reports.length).toBeGreaterThan(0);

    // The timeline is that of a run without it.
    const plain: TimelineEvent[] = [];
    await runSimulation(scenario, { onEvent: (e) => plain.push(e) });
    expect(events.map((e) => JSON.stringify(e))).toEqual(plain.map((e) => JSON.stringify(e)));
  }, 60_000);
});
