import mqtt from 'mqtt';
import { mqttUrlOf } from '../../han/in-process-broker.ts';
import { brokerList } from '../../han/broker-list.ts';
import type { DeviceBus } from '../../han/in-process-broker.ts';

/** What a WAN endpoint does with its client: send, and log out. */
export interface WanClient {
  publish(topic: string, payload: Buffer, options: { qos: 0 }): unknown;
  endAsync(): Promise<void>;
}

/**
 * An MQTT 3.1.1 client for a WAN endpoint (the comms hub's WAN side, the supplier), logged in
 * with its account (client id = username) and subscribed to one topic before it resolves. A
 * broker that cannot be reached, or that refuses the account, is an error naming the URL. Given
 * the in-process bus instead of a URL, the same login and subscription on the bus.
 *
 * A message delivered with the retain flag is a replay from the broker's store, not a command or
 * response sent now: it is ignored, as a device's HAN input ignores a retained frame.
 */
export async function connectWanClient(url: DeviceBus, account: { username: string; password?: string | undefined }, subscribeTo: string, onMessage: (payload: Uint8Array) => void): Promise<WanClient> {
  const onPublish = (topic: string, payload: Buffer, packet: { retain: boolean }): void => {
    if (topic === subscribeTo && !packet.retain) onMessage(new Uint8Array(payload));
  };
  const login = { clientId: account.username, username: account.username, ...(account.password !== undefined ? { password: account.password } : {}) };
  // The supplier's and hub's few WAN messages go over TCP even to a broker of this process.
  const brokerUrl = mqttUrlOf(url);
  if (typeof url !== 'string' && !('link' in url)) {
    let client;
    try {
      client = await url.connectAsync(login);
    } catch (err) {
      throw new Error(`WAN endpoint ${account.username}: cannot connect to the in-process HAN bus: ${(err as Error).message}`);
    }
    client.on('message', onPublish);
    await client.subscribeAsync(subscribeTo, { qos: 0 });
    return client;
  }
  let client: mqtt.MqttClient;
  try {
    const list = brokerList(brokerUrl!);
    client = await mqtt.connectAsync(list.url, { protocolVersion: 4, ...login, clean: true, reconnectPeriod: 1000, connectTimeout: 5000, ...(list.servers ? { servers: list.servers } : {}) });
  } catch (err) {
    throw new Error(`WAN endpoint ${account.username}: cannot connect to the MQTT broker at ${brokerUrl}: ${(err as Error).message}`);
  }
  client.on('message', onPublish);
  await client.subscribeAsync(subscribeTo, { qos: 0 });
  return client;
}
