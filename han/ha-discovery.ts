/**
 * Home Assistant MQTT discovery (`hanlab sim --ha-discovery`): the retained sensor configs
 * `homeassistant/sensor/{node_id}/{object_id}/config` that make Home Assistant (or any tool that
 * reads the same layout) show a simulated home without YAML. Each sensor reads one of the retained
 * JSON models the devices already publish (`hanlab/{premises}/{device}/state|screen`) through a
 * `value_template`, so nothing new is published per reading; its `availability_topic` is the
 * device connection's `hanlab/{premises}/{device}/availability` (online on connect, offline on a
 * clean stop and as the connection's MQTT last will).
 *
 * Field names are those of Home Assistant's MQTT sensor (integrations/sensor.mqtt): `device_class`
 * `monetary` (a balance: no `state_class` measurement), `timestamp` (ISO 8601 with its zone),
 * `enum` (with `options`), `gas` with `state_class` `total_increasing`. A template that renders
 * `None` (the JSON value null: nothing shown) makes the sensor unknown.
 */
import type { Eui64 } from '../firmware/platform/han.ts';
import { availabilityTopic, observeTopic } from './topics.ts';

export const HA_DISCOVERY_PREFIX = 'homeassistant';

/** What the PPMID's screen says about freshness (firmware/display/freshness.ts `Freshness`). */
export const FRESHNESS_OPTIONS = ['fresh', 'late', 'stale', 'unknown', 'clockProblem', 'hanLost', 'noData'] as const;
/** What the PPMID's screen says about the supply (ScreenModel `supply`). */
export const SUPPLY_OPTIONS = ['on', 'off', 'armed', 'unknown'] as const;

/** The devices that get discovery configs, by their observability name. */
export type HaDevice = 'ppmid' | 'gsme';

export interface HaDeviceInfo {
  premises: string;
  device: HaDevice;
  eui: Eui64;
  firmware: string;
}

export interface HaConfig {
  topic: string;
  /** The config as JSON text (published retained). */
  payload: string;
}

/** A discovery node or object id: Home Assistant takes only [a-zA-Z0-9_-] there. */
export function haId(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** The node id of a device: one per premises and device, so homes of a comparison run stay apart. */
export function haNodeId(premises: string, device: string): string {
  return haId(`hanlab_${premises}_${device}`);
}

/** The filter a device needs to write its own configs (its account's extra right). */
export function haWriteFilter(premises: string, device: string): string {
  return `${HA_DISCOVERY_PREFIX}/sensor/${haNodeId(premises, device)}/#`;
}

interface SensorSpec {
  objectId: string;
  name: string;
  kind: 'state' | 'screen';
  valueTemplate: string;
  extra: Record<string, unknown>;
}

const PPMID_SENSORS: readonly SensorSpec[] = [
  { objectId: 'credit', name: 'Credit shown', kind: 'screen', valueTemplate: '{{ value_json.credit }}', extra: { device_class: 'monetary', unit_of_measurement: 'GBP' } },
  {
    objectId: 'reading_time',
    name: 'Reading time',
    kind: 'screen',
    valueTemplate: '{{ value_json.lastUpdate.at if value_json.lastUpdate is not none else none }}',
    extra: { device_class: 'timestamp' },
  },
  { objectId: 'freshness', name: 'Freshness', kind: 'screen', valueTemplate: '{{ value_json.freshness }}', extra: { device_class: 'enum', options: [...FRESHNESS_OPTIONS] } },
  { objectId: 'supply', name: 'Supply shown', kind: 'screen', valueTemplate: '{{ value_json.supply }}', extra: { device_class: 'enum', options: [...SUPPLY_OPTIONS] } },
];

// The PPMID publishes no meter reading of its own (its state and screen carry none): the volume
// is the meter's register from the GSME's state, on the GSME's device.
const GSME_SENSORS: readonly SensorSpec[] = [
  {
    objectId: 'gas_volume',
    name: 'Gas volume',
    kind: 'state',
    valueTemplate: '{{ value_json.volumeM3 }}',
    extra: { device_class: 'gas', state_class: 'total_increasing', unit_of_measurement: 'm³' },
  },
];

const MODELS: Record<HaDevice, string> = { ppmid: 'PPMID (simulated)', gsme: 'GSME (simulated)' };

/** The retained discovery configs of one device (none for a device without sensors). */
export function haDiscoveryConfigs(info: HaDeviceInfo): HaConfig[] {
  const { premises, device, eui, firmware } = info;
  const nodeId = haNodeId(premises, device);
  const specs = device === 'ppmid' ? PPMID_SENSORS : GSME_SENSORS;
  const deviceBlock = { identifiers: [eui], name: `${device.toUpperCase()} ${premises}`, manufacturer: 'hanlab', model: MODELS[device], sw_version: firmware };
  return specs.map((s) => ({
    topic: `${HA_DISCOVERY_PREFIX}/sensor/${nodeId}/${s.objectId}/config`,
    payload: JSON.stringify({
      name: s.name,
      unique_id: `${nodeId}_${s.objectId}`,
      state_topic: observeTopic(premises, device, s.kind),
      value_template: s.valueTemplate,
      ...s.extra,
      availability_topic: availabilityTopic(premises, device),
      payload_available: 'online',
      payload_not_available: 'offline',
      device: deviceBlock,
    }),
  }));
}
