import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';

/**
 * An MQTT 3.1.1 client for a WAN endpoint (the comms hub's WAN side, the supplier), subscribed
 * to one topic before it resolves. A broker that cannot be reached is an error naming the URL.
 */
export async function connectWanClient(url: string, clientId: string, subscribeTo: string, onMessage: (payload: Uint8Array) => void): Promise<MqttClient> {
  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(url, { protocolVersion: 4, clientId, clean: true, reconnectPeriod: 1000, connectTimeout: 5000 });
  } catch (err) {
    throw new Error(`WAN endpoint ${clientId}: cannot connect to the MQTT broker at ${url}: ${(err as Error).message}`);
  }
  client.on('message', (topic, payload) => {
    if (topic === subscribeTo) onMessage(new Uint8Array(payload));
  });
  await client.subscribeAsync(subscribeTo, { qos: 0 });
  return client;
}
