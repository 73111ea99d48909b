/**
 * The node board's HAN: the MQTT stand-in of SECMP0015 section 5 with MQTT.js. MQTT 3.1.1, client
 * id = username = the device's EUI-64 and password = the config's secret (the broker lets it
 * speak only as itself, han/identities.ts), clean session, QoS 0, subscribed to
 * `han/{premises}/{eui}/#`; after a lost connection MQTT.js reconnects every second and subscribes
 * again. State and screen go retained to `hanlab/{premises}/{device}/…`.
 *
 * A frame delivered with the retain flag (a replay from the broker's store) or over 1 KiB is
 * dropped with a warning before the device sees it (firmware/platform/han-limits.ts).
 *
 * A board has no lockstep to keep, so unlike the simulator's transport (han/mqtt-han.ts) it
 * counts nothing in flight: a frame is handled when it arrives.
 */
import { connect } from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { FrameHandler, HanTransport, Log, Observer } from '../../firmware/platform/index.ts';
import { hanInputRefusal } from '../../firmware/platform/han-limits.ts';
import { hanSubscription, hanTopic, observeTopic, parseHanTopic } from '../../han/topics.ts';

export interface NodeHanOptions {
  url: string;
  premises: string;
  eui: string;
  /** The device's MQTT password (the config's `secret`); none: no password is sent. */
  secret?: string | undefined;
  /** Observability name: gsme, gpf or ppmid. */
  device: string;
  log: Log;
  /** First connection and SUBACK deadline, ms. */
  connectTimeoutMs: number;
}

export interface NodeHan extends HanTransport {
  observe: Required<Observer>;
  close(): Promise<void>;
}

export async function connectNodeHan(o: NodeHanOptions): Promise<NodeHan> {
  const options: IClientOptions = {
    protocolVersion: 4,
    clientId: o.eui,
    username: o.eui,
    ...(o.secret !== undefined ? { password: o.secret } : {}),
    clean: true,
    resubscribe: true,
    reconnectPeriod: 1000,
    connectTimeout: o.connectTimeoutMs,
  };
  const client: MqttClient = connect(o.url, options);
  const handlers: FrameHandler[] = [];
  let closed = false;
  let up = false;

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no MQTT broker answered at ${o.url} within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
      // A refused login will not change on retrying: say so at once, not at the timeout.
      client.on('error', (err) => {
        if (!/Not authorized|Bad username/i.test(err.message)) return;
        clearTimeout(timer);
        reject(new Error(`the MQTT broker at ${o.url} refused ${o.eui} (${err.message}): ${o.secret === undefined ? 'the config has no secret' : 'is the config\'s secret the one the broker holds for this EUI?'}`));
      });
      client.once('connect', () => {
        client.subscribe(hanSubscription(o.premises, o.eui), { qos: 0 }, (err, granted) => {
          clearTimeout(timer);
          if (err || (granted ?? []).some((g) => (g.qos & 0x80) !== 0)) reject(new Error(`the MQTT broker at ${o.url} refused the subscription ${hanSubscription(o.premises, o.eui)}`));
          else resolve();
        });
      });
    });
  } catch (err) {
    closed = true;
    await client.endAsync(true).catch(() => {});
    throw err;
  }
  up = true;

  client.on('offline', () => {
    if (!closed && up) o.log.warn(`lost the MQTT broker at ${o.url}; reconnecting`);
    up = false;
  });
  client.on('connect', () => {
    if (!up && !closed) o.log.info(`reconnected to the MQTT broker at ${o.url}`);
    up = true;
  });
  client.on('error', () => {
    // Reported once per outage by 'offline'; MQTT.js keeps retrying.
  });
  client.on('message', (topic, payload, packet) => {
    const t = parseHanTopic(topic);
    if (!t.ok || t.value.dst !== o.eui || t.value.premises !== o.premises) {
      o.log.warn('ignored a message on an unexpected topic', { topic });
      return;
    }
    const refusal = hanInputRefusal(packet.retain, payload.length);
    if (refusal !== null) {
      o.log.warn(`HAN frame dropped: ${refusal}`, { topic, bytes: payload.length });
      return;
    }
    const bytes = Uint8Array.from(payload);
    for (const h of handlers) h(t.value.src, t.value.clusterId, bytes);
  });

  const publishJson = (topic: string, model: unknown) => {
    if (!closed) client.publish(topic, JSON.stringify(model), { qos: 0, retain: true });
  };
  return {
    send(dst, clusterId, frame) {
      if (!closed) client.publish(hanTopic(o.premises, dst, o.eui, clusterId), Buffer.from(frame), { qos: 0 });
    },
    onFrame(h) {
      handlers.push(h);
    },
    observe: {
      state: (m) => publishJson(observeTopic(o.premises, o.device, 'state'), m),
      screen: (m) => publishJson(observeTopic(o.premises, o.device, 'screen'), m),
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.endAsync(false).catch(() => {});
    },
  };
}
