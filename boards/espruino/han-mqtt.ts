/**
 * The HAN and the observer topics over Espruino's `MQTT` module (QoS 0 only), with the topic
 * scheme of han/topics.ts: frames on `han/{premises}/{dst}/{src}/{CCCC}` as binary strings,
 * retained JSON on `hanlab/{premises}/{device}/state|screen`. Espruino hands payloads over as
 * strings of bytes, so frames are converted to and from Uint8Array here.
 *
 * A frame sent while the broker is away is lost, as a radio frame would be: the machines
 * already recover by timeout. The retained state and screen are kept and published again after
 * every reconnect, so a dashboard never shows what the board showed before a broker restart.
 */
import type { Eui64, FrameHandler, HanTransport, Log, Observer } from '../../firmware/platform/index.ts';
import { EUI } from '../../firmware/runtime/app.ts';
import type { DeviceKind } from '../../firmware/runtime/app.ts';
import { hanInputRefusal } from '../../firmware/platform/han-limits.ts';
import type { EspruinoMqtt } from './espruino.ts';

const RECONNECT_MS = 5000;
const QOS0 = { qos: 0 } as const;
const RETAINED = { retain: true, qos: 0 } as const;

export function bytesToString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export function stringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function hex4(n: number): string {
  const h = n.toString(16).toUpperCase();
  return '0000'.substring(h.length) + h;
}

export interface MqttHan {
  han: HanTransport;
  observe: Observer;
}

export function createMqttHan(mqtt: EspruinoMqtt, premises: string, eui: Eui64, device: DeviceKind, log: Log, timers: { setTimeout(fn: () => void, ms: number): unknown }): MqttHan {
  const handlers: FrameHandler[] = [];
  const retained: Record<string, string> = {};
  let connected = false;
  /** The observer for `hanlab/{premises}/{device}/{kind}`: retained JSON. */
  const publisher = (kind: string) => (model: unknown) => {
    const topic = 'hanlab/' + premises + '/' + device + '/' + kind;
    retained[topic] = JSON.stringify(model);
    if (connected) mqtt.publish(topic, retained[topic]!, RETAINED);
  };

  mqtt.on('connected', () => {
    connected = true;
    mqtt.subscribe('han/' + premises + '/' + eui + '/#', QOS0);
    for (const topic in retained) mqtt.publish(topic, retained[topic]!, RETAINED);
    log.info('mqtt connected', {});
  });
  mqtt.on('disconnected', () => {
    connected = false;
    log.warn('mqtt disconnected: retrying', { inMs: RECONNECT_MS });
    timers.setTimeout(() => mqtt.connect(), RECONNECT_MS);
  });
  mqtt.on('publish', (msg) => {
    const parts = msg.topic.split('/');
    if (parts.length !== 5 || parts[0] !== 'han' || parts[1] !== premises || parts[2] !== eui) return;
    const clusterId = parseInt(parts[4]!, 16);
    if (!EUI.test(parts[3]!) || !/^[0-9A-F]{4}$/.test(parts[4]!)) {
      log.warn('malformed HAN topic dropped', { topic: msg.topic });
      return;
    }
    // A replay from the broker's store, or bigger than any ZCL frame of this HAN (docs/han-protocol.md).
    const refusal = hanInputRefusal(!!msg.retain, msg.message.length);
    if (refusal) {
      log.warn('HAN frame dropped: ' + refusal, { topic: msg.topic });
      return;
    }
    const frame = stringToBytes(msg.message);
    for (let i = 0; i < handlers.length; i++) handlers[i]!(parts[3]!, clusterId, frame);
  });

  return {
    han: {
      send(dst, clusterId, frame) {
        if (!connected) {
          log.warn('HAN frame lost: broker not connected', { dst });
          return;
        }
        mqtt.publish('han/' + premises + '/' + dst + '/' + eui + '/' + hex4(clusterId), bytesToString(frame), QOS0);
      },
      onFrame(handler) {
        handlers.push(handler);
      },
    },
    observe: {
      state: publisher('state'),
      screen: publisher('screen'),
    },
  };
}
