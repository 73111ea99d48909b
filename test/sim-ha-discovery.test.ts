/**
 * Issue 17, `hanlab sim --ha-discovery`: the retained Home Assistant discovery configs and the
 * devices' availability (online, offline on a clean stop, offline as the MQTT last will), on an
 * embedded broker of the test's own on a free port, read by an in-process MQTT.js subscriber
 * logged in as the observer (as Home Assistant would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../han/embedded-broker.ts';
import { OBSERVER_PASSWORD, OBSERVER_USERNAME } from '../han/identities.ts';
import { connectHanDevice } from '../han/mqtt-han.ts';
import { InFlight } from '../han/in-flight.ts';
import { FRESHNESS_OPTIONS, haDiscoveryConfigs, haNodeId } from '../han/ha-discovery.ts';
import { runSimulation } from '../sim/run/run.ts';
import { simulationIdentities, simulationSecret } from '../sim/run/identities.ts';
import { homeVariants } from '../sim/run/variants.ts';
import { resolveScenario } from '../sim/scenario/load.ts';

const scenario = resolveScenario({ name: 'ha', duration: '2h' });
const premises = homeVariants({ ...scenario, compare: false })[0]!.premises;
const devices = scenario.devices;

type Got = { topic: string; payload: string; retain: boolean };

async function observer(url: string, filters: string[]): Promise<{ client: MqttClient; got: Got[] }> {
  const client = await connectAsync(url, { clientId: OBSERVER_USERNAME, username: OBSERVER_USERNAME, password: OBSERVER_PASSWORD, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  const got: Got[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  await client.subscribeAsync(filters, { qos: 0 });
  return { client, got };
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('haDiscoveryConfigs', () => {
  it('PPMID: credit (monetary, GBP), reading time (timestamp), freshness and supply (enum); GSME: gas volume', () => {
    const ppmid = haDiscoveryConfigs({ premises: 'p-1', device: 'ppmid', eui: devices.ppmid.eui, firmware: 'secmp0015' });
    const byObject = new Map(ppmid.map((c) => [c.topic.split('/')[3], JSON.parse(c.payload) as Record<string, unknown>]));
    expect([...byObject.keys()]).toEqual(['credit', 'reading_time', 'freshness', 'supply']);
    for (const c of ppmid) expect(c.topic).toMatch(/^homeassistant\/sensor\/hanlab_p-1_ppmid\/[a-z_]+\/config$/);
    expect(byObject.get('credit')).toMatchObject({ device_class: 'monetary', unit_of_measurement: 'GBP', state_topic: 'hanlab/p-1/ppmid/screen' });
    expect(byObject.get('credit')).not.toHaveProperty('state_class');
    expect(byObject.get('reading_time')).toMatchObject({ device_class: 'timestamp' });
    expect(byObject.get('freshness')).toMatchObject({ device_class: 'enum', options: [...FRESHNESS_OPTIONS] });
    expect(byObject.get('supply')).toMatchObject({ device_class: 'enum', options: ['on', 'off', 'armed', 'unknown'] });
    for (const config of byObject.values()) {
      expect(config).toMatchObject({
        availability_topic: 'hanlab/p-1/ppmid/availability',
        payload_available: 'online',
        payload_not_available: 'offline',
        device: { identifiers: [devices.ppmid.eui], manufacturer: 'hanlab', model: 'PPMID (simulated)', sw_version: 'secmp0015' },
      });
      expect(config['unique_id']).toMatch(/^hanlab_p-1_ppmid_/);
      expect(typeof config['value_template']).toBe('string');
      expect(typeof config['name']).toBe('string');
    }
    const [gas] = haDiscoveryConfigs({ premises: 'p-1', device: 'gsme', eui: devices.gsme.eui, firmware: 'legacy' });
    expect(JSON.parse(gas!.payload)).toMatchObject({ device_class: 'gas', state_class: 'total_increasing', unit_of_measurement: 'm³', state_topic: 'hanlab/p-1/gsme/state', value_template: '{{ value_json.volumeM3 }}' });
  });

  it('node ids keep only what Home Assistant takes', () => {
    expect(haNodeId('a.b c', 'ppmid')).toBe('hanlab_a_b_c_ppmid');
  });
});

describe('a run with haDiscovery on a broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ identities: simulationIdentities(scenario, [], { haDiscovery: true }) });
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('publishes retained configs and availability: online while running, offline after', async () => {
    const live = await observer(broker.url, ['homeassistant/#', 'hanlab/+/+/availability']);
    const events: string[] = [];
    await runSimulation(scenario, { broker: broker.url, haDiscovery: true, onEvent: (e) => events.push(JSON.stringify(e)) });
    await waitFor(() => live.got.filter((g) => g.topic.endsWith('/availability') && g.payload === 'offline').length >= 3);
    for (const device of ['gsme', 'gpf', 'ppmid']) {
      const seen = live.got.filter((g) => g.topic === `hanlab/${premises}/${device}/availability`).map((g) => g.payload);
      expect(seen, device).toEqual(['online', 'offline']);
    }
    await live.client.endAsync();
    expect(broker.stats().refusedPublish).toBe(0);

    // A client arriving later (Home Assistant started after the run) gets every config, retained.
    const late = await observer(broker.url, ['homeassistant/#', 'hanlab/+/+/availability', 'hanlab/+/+/screen', 'hanlab/+/+/state']);
    // Retained messages for each filter come as the broker finds them: wait for every one read below.
    const retainedTopics = ['ppmid', 'gsme'].flatMap((d) => [`hanlab/${premises}/${d}/availability`, `hanlab/${premises}/${d}/${d === 'ppmid' ? 'screen' : 'state'}`]);
    await waitFor(
      () => late.got.filter((g) => g.topic.startsWith('homeassistant/')).length >= 5 && retainedTopics.every((t) => late.got.some((g) => g.topic === t)),
      10_000,
    );
    const configs = late.got.filter((g) => g.topic.startsWith('homeassistant/'));
    expect(configs.every((g) => g.retain)).toBe(true);
    expect(configs.map((g) => g.topic).sort()).toEqual(
      [
        ...['credit', 'freshness', 'reading_time', 'supply'].map((o) => `homeassistant/sensor/${haNodeId(premises, 'ppmid')}/${o}/config`),
        `homeassistant/sensor/${haNodeId(premises, 'gsme')}/gas_volume/config`,
      ].sort(),
    );
    for (const c of configs) {
      const config = JSON.parse(c.payload) as { state_topic: string; availability_topic: string; unique_id: string; device: { sw_version: string } };
      // Each sensor reads a retained model that is there.
      expect(late.got.some((g) => g.topic === config.state_topic && g.retain)).toBe(true);
      expect(late.got.find((g) => g.topic === config.availability_topic)?.payload).toBe('offline');
    }
    const screen = JSON.parse(late.got.find((g) => g.topic === `hanlab/${premises}/ppmid/screen`)!.payload) as { lastUpdate: { at: string } | null; freshness: string };
    expect(FRESHNESS_OPTIONS).toContain(screen.freshness);
    if (screen.lastUpdate) expect(screen.lastUpdate.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/);
    const state = JSON.parse(late.got.find((g) => g.topic === `hanlab/${premises}/gsme/state`)!.payload) as { volumeM3: unknown };
    expect(typeof state.volumeM3).toBe('number');
    await late.client.endAsync();

    // The timeline is that of a run without it.
    const plain: string[] = [];
    await runSimulation(scenario, { onEvent: (e) => plain.push(JSON.stringify(e)) });
    expect(events).toEqual(plain);
  }, 60_000);

  it('a connection that breaks leaves its last will: offline, retained', async () => {
    const eui = devices.ppmid.eui;
    const d2 = await connectHanDevice({
      url: broker.url,
      premises,
      eui,
      secret: simulationSecret(scenario, eui),
      device: 'ppmid',
      availability: true,
      inFlight: new InFlight(),
      isSimDevice: () => false,
      onError: () => {},
      reconnectPeriodMs: 0,
    });
    const watch = await observer(broker.url, [`hanlab/${premises}/ppmid/availability`]);
    await waitFor(() => watch.got.some((g) => g.payload === 'online'));
    // The process "dies": its socket goes without a DISCONNECT.
    (d2.client as unknown as { stream: { destroy(): void } }).stream.destroy();
    await waitFor(() => watch.got.at(-1)?.payload === 'offline');
    await watch.client.endAsync();
    const again = await observer(broker.url, [`hanlab/${premises}/ppmid/availability`]);
    await waitFor(() => again.got.length > 0);
    expect(again.got[0]).toMatchObject({ payload: 'offline', retain: true });
    await again.client.endAsync();
    await d2.close();
  }, 20_000);
});
